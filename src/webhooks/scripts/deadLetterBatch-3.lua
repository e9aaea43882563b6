--[[
  Dead-letters a batch and moves the cursor past it in one step, so a batch is never both
  dead-lettered and still pending, and never lost between the two.
  Input:
    KEYS[1] cursor  KEYS[2] lock  KEYS[3] dead letters hash (n → JSON)
    ARGV[1] lock token  ARGV[2] seq the cursor moves to  ARGV[3] n  ARGV[4] dead letter JSON
  Output: the cursor after the call, or -1 when the lock is not held by ARGV[1] (nothing written)
]]
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return -1
end
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local seq = tonumber(ARGV[2])
if seq > cur then
  redis.call('SET', KEYS[1], ARGV[2])
  return seq
end
return cur
