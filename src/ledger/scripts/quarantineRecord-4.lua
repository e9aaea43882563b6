--[[
  Quarantines one rejected source record exactly once: stored, listed and counted in one step,
  so a job that dies halfway and is retried neither loses nor double-counts it.
  Input:
    KEYS[1] quarantine items hash  KEYS[2] quarantine index (all)  KEYS[3] quarantine index (system)
    KEYS[4] accounting hash
    ARGV[1] entry id (content hash)  ARGV[2] entry JSON  ARGV[3] system
  Output: 1 when newly quarantined, 0 when it already was
]]
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
redis.call('HINCRBY', KEYS[4], ARGV[3] .. ':quarantined', 1)
return 1
