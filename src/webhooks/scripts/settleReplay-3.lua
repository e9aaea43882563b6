--[[
  Ends one replay of a dead letter: delivered (ARGV[3] empty) removes it; failed again (ARGV[3]
  the updated JSON) keeps it with its new error, no longer queued. A dead letter purged meanwhile
  stays gone.
  Input:
    KEYS[1] lock  KEYS[2] dead letters hash  KEYS[3] replay queue (zset)
    ARGV[1] lock token  ARGV[2] n  ARGV[3] updated JSON, or '' when delivered
  Output: 1 settled, 0 no longer there (purged), -1 lock not held by ARGV[1] (nothing written)
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
redis.call('ZREM', KEYS[3], ARGV[2])
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 0 then
  return 0
end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[2], ARGV[2])
else
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
end
return 1
