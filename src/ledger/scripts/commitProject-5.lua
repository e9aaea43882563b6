--[[
  Commits a recomputed golden record if nothing it was computed from has changed since
  (optimistic concurrency on the project's member revision `mrev`).
  Input:
    KEYS[1] project hash  KEYS[2] project history list  KEYS[3] need-merge outbox  KEYS[4] need-publish outbox
    KEYS[5] projects index (sorted set)
    ARGV[1] project key  ARGV[2] mrev the merge read  ARGV[3] doc JSON (without version/updatedAt)
    ARGV[4] doc hash  ARGV[5] now (ISO)  ARGV[6] history entry JSON (records that changed it)
    ARGV[7] '1' when the project has no members left and is dropped from the list
  Output: -1 retry (mrev moved), 0 unchanged (no write), n > 0 the new version
]]
local cur = redis.call('HMGET', KEYS[1], 'mrev', 'hash', 'version')
local mrev = cur[1] or '0'
if mrev ~= ARGV[2] then return -1 end
if cur[2] == ARGV[4] then
  redis.call('SREM', KEYS[3], ARGV[1])
  return 0
end
local v = tonumber(cur[3] or '0') + 1
redis.call('HSET', KEYS[1], 'doc', ARGV[3], 'hash', ARGV[4], 'version', v, 'updatedAt', ARGV[5])
redis.call('RPUSH', KEYS[2], cjson.encode({ version = v, at = ARGV[5], entry = ARGV[6], doc = ARGV[3] }))
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
if ARGV[7] == '1' then
  redis.call('ZREM', KEYS[5], ARGV[1])
else
  redis.call('ZADD', KEYS[5], 0, ARGV[1])
end
return v
