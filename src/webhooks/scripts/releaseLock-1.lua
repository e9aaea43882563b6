--[[
  Releases a lock held by the caller (someone else's lease is left alone).
  Input:
    KEYS[1] lock
    ARGV[1] token
  Output: 1 released, 0 not held by ARGV[1]
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
