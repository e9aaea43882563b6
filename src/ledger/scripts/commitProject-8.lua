--[[
  Commits a recomputed golden record if nothing it was computed from has changed since
  (optimistic concurrency on the project's member revision `mrev`).
  Input:
    KEYS[1] project hash  KEYS[2] project history list  KEYS[3] need-merge outbox  KEYS[4] need-publish outbox
    KEYS[5] projects index (sorted set)  KEYS[6] statistics hash (field = "<groupBy>\31<key>\31<measure>")
    KEYS[7] priority index (sorted set, score 0, member "<inverted score>|<key>": lexicographic = priority order)
    KEYS[8] statistics revision (counter, moved whenever KEYS[6] moves: readers cache /stats by it)
    ARGV[1] project key  ARGV[2] mrev the merge read  ARGV[3] doc JSON (without version/updatedAt)
    ARGV[4] doc hash  ARGV[5] now (ISO)  ARGV[6] history entry JSON (records that changed it)
    ARGV[7] '1' when the project has no members left and is dropped from the list
    ARGV[8] statistics contribution JSON {groups: {groupBy: key}, money: {field: fen}} ('' = none)
  The project's previous contribution (field `sc`) is subtracted and the new one added in the same
  step, so /stats is maintained incrementally and always equals the sum over projects.
    ARGV[9] priority index member ('' = not listed)
    ARGV[10] merge token: what else the merge depended on (as-of date, ledger rules); stored with
             the mrev as `mm` so that settleProject-2.lua can skip a merge that would change nothing
    ARGV[11] the history entry packed by packing.ts. The element stored is
             "<version>\n<at>\n<n>\n<packed entry, n bytes><packed doc>", and the newest element
             leaves its doc out: it is the project's current `doc`. When a version is superseded,
             its element gets the doc appended here, so no doc is ever held twice.
  Output: -1 retry (mrev moved), 0 unchanged (no write), n > 0 the new version
]]
local cur = redis.call('HMGET', KEYS[1], 'mrev', 'hash', 'version')
local mrev = cur[1] or '0'
if mrev ~= ARGV[2] then return -1 end
redis.call('HSET', KEYS[1], 'mm', mrev .. '|' .. ARGV[10])
if cur[2] == ARGV[4] then
  redis.call('SREM', KEYS[3], ARGV[1])
  return 0
end
-- The statistics move by the difference between the old and the new contribution: a re-merge
-- that changes one amount costs one HINCRBY, not one per group and field.
local function contribution(sc)
  local out = {}
  if not sc or sc == '' then return out end
  local c = cjson.decode(sc)
  for groupBy, key in pairs(c.groups) do
    local prefix = groupBy .. '\31' .. key .. '\31'
    out[prefix .. 'count'] = 1
    for field, fen in pairs(c.money) do
      if fen ~= 0 then out[prefix .. field] = fen end
    end
  end
  return out
end
local function applyDelta(oldsc, newsc)
  local old, new = contribution(oldsc), contribution(newsc)
  for f, v in pairs(new) do
    local d = v - (old[f] or 0)
    if d ~= 0 then redis.call('HINCRBY', KEYS[6], f, string.format('%.0f', d)) end
  end
  for f, v in pairs(old) do
    if new[f] == nil then redis.call('HINCRBY', KEYS[6], f, string.format('%.0f', -v)) end
  end
end
local oldpm = redis.call('HGET', KEYS[1], 'pm')
if oldpm and oldpm ~= '' then redis.call('ZREM', KEYS[7], oldpm) end
if ARGV[9] ~= '' then redis.call('ZADD', KEYS[7], 0, ARGV[9]) end
redis.call('HSET', KEYS[1], 'pm', ARGV[9])
local oldsc = redis.call('HGET', KEYS[1], 'sc')
if oldsc ~= ARGV[8] then
  applyDelta(oldsc, ARGV[8])
  redis.call('INCR', KEYS[8])
  redis.call('HSET', KEYS[1], 'sc', ARGV[8])
end
local v = tonumber(cur[3] or '0') + 1
local last = redis.call('LINDEX', KEYS[2], -1)
if last then
  local _, e = string.find(last, '^%d+\n[^\n]*\n%d+\n')
  if e then
    local n = tonumber(string.match(last, '^%d+\n[^\n]*\n(%d+)\n'))
    if #last == e + n then
      redis.call('LSET', KEYS[2], -1, last .. (redis.call('HGET', KEYS[1], 'doc') or ''))
    end
  end
end
redis.call('HSET', KEYS[1], 'doc', ARGV[3], 'hash', ARGV[4], 'version', v, 'updatedAt', ARGV[5])
redis.call('RPUSH', KEYS[2], v .. '\n' .. ARGV[5] .. '\n' .. #ARGV[11] .. '\n' .. ARGV[11])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
if ARGV[7] == '1' then
  redis.call('ZREM', KEYS[5], ARGV[1])
else
  redis.call('ZADD', KEYS[5], 0, ARGV[1])
end
return v
