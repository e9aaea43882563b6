--[[
  Commits a recomputed golden record if nothing it was computed from has changed since
  (optimistic concurrency on the project's member revision `mrev`).
  Input:
    KEYS[1] project hash  KEYS[2] project history list  KEYS[3] need-merge outbox  KEYS[4] need-publish outbox
    KEYS[5] projects index (sorted set)  KEYS[6] statistics hash (field = "<groupBy>\31<key>\31<measure>")
    KEYS[7] priority index (sorted set, score 0, member "<inverted score>|<key>": lexicographic = priority order)
    ARGV[1] project key  ARGV[2] mrev the merge read  ARGV[3] doc JSON (without version/updatedAt)
    ARGV[4] doc hash  ARGV[5] now (ISO)  ARGV[6] history entry JSON (records that changed it)
    ARGV[7] '1' when the project has no members left and is dropped from the list
    ARGV[8] statistics contribution JSON {groups: {groupBy: key}, money: {field: fen}} ('' = none)
  The project's previous contribution (field `sc`) is subtracted and the new one added in the same
  step, so /stats is maintained incrementally and always equals the sum over projects.
    ARGV[9] priority index member ('' = not listed)
  Output: -1 retry (mrev moved), 0 unchanged (no write), n > 0 the new version
]]
local cur = redis.call('HMGET', KEYS[1], 'mrev', 'hash', 'version')
local mrev = cur[1] or '0'
if mrev ~= ARGV[2] then return -1 end
if cur[2] == ARGV[4] then
  redis.call('SREM', KEYS[3], ARGV[1])
  return 0
end
local function apply(sc, sign)
  if not sc or sc == '' then return end
  local c = cjson.decode(sc)
  for groupBy, key in pairs(c.groups) do
    local prefix = groupBy .. '\31' .. key .. '\31'
    redis.call('HINCRBY', KEYS[6], prefix .. 'count', sign)
    for field, fen in pairs(c.money) do
      if fen ~= 0 then redis.call('HINCRBY', KEYS[6], prefix .. field, string.format('%.0f', sign * fen)) end
    end
  end
end
local oldpm = redis.call('HGET', KEYS[1], 'pm')
if oldpm and oldpm ~= '' then redis.call('ZREM', KEYS[7], oldpm) end
if ARGV[9] ~= '' then redis.call('ZADD', KEYS[7], 0, ARGV[9]) end
redis.call('HSET', KEYS[1], 'pm', ARGV[9])
apply(redis.call('HGET', KEYS[1], 'sc'), -1)
apply(ARGV[8], 1)
redis.call('HSET', KEYS[1], 'sc', ARGV[8])
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
