--[[
  Queues a dead letter for replay; idempotent (queued twice is queued once).
  Input:
    KEYS[1] dead letters hash  KEYS[2] replay queue (zset, scored by n)
    ARGV[1] n
  Output: 1 queued (or already queued), 0 no such dead letter
]]
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[1])
return 1
