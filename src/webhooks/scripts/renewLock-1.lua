--[[
  Extends the lease of a lock held by the caller.
  Input:
    KEYS[1] lock
    ARGV[1] token  ARGV[2] lease in milliseconds
  Output: 1 extended, 0 not held by ARGV[1]
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
