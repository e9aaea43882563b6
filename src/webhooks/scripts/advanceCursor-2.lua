--[[
  Moves a subscriber's cursor forward past a batch, only while the caller still holds the
  subscriber's lock (a process that lost its lease must not move the cursor of the new holder).
  Input:
    KEYS[1] cursor  KEYS[2] lock
    ARGV[1] lock token  ARGV[2] seq the cursor moves to
  Output: the cursor after the call, or -1 when the lock is not held by ARGV[1]
]]
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return -1
end
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local seq = tonumber(ARGV[2])
if seq > cur then
  redis.call('SET', KEYS[1], ARGV[2])
  return seq
end
return cur
