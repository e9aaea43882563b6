--[[
  Wakes records up to be linked again: adds them to the link outbox scored with a new tick of the
  link clock. A link job reads the clock before it reads anything it decides from, so a wake-up
  scored above that reading came after the job's reads and survives its commit.
  Input: KEYS[1] link outbox (sorted set)  KEYS[2] link clock  ARGV record ids
  Output: the tick
]]
local t = redis.call('INCR', KEYS[2])
chunks('ZADD', KEYS[1], ARGV, t)
return t
