--[[
  Commits the recomputed golden records of a merge job, each only if nothing it was computed from
  has changed since (optimistic concurrency on the project's member revision: the `~mrev` field of
  its member hash, set by commitLinks-var.lua; absent reads as '0'), in one step
  for the whole job. Each project is checked and written on its own; what all of them touch (the
  /stats sums, the outboxes, the indexes) is written once per key or field at the end: a first
  merge moves ~30 statistics fields, and 200 projects of one job share most of them.
  Input (the number of keys is passed by the caller):
    KEYS[1] need-merge outbox  KEYS[2] need-publish outbox  KEYS[3] projects index (sorted set)
    KEYS[4] statistics hash (field = "<groupBy>\31<key>\31<measure>")
    KEYS[5] priority index (sorted set, score 0, member "<inverted score>|<key>": lexicographic = priority order)
    KEYS[6] statistics revision (counter, moved whenever KEYS[4] moves: readers cache /stats by it)
    then 3 keys per item i, from 6 + (i-1)*3 + 1: project hash, project history list, project members
    ARGV per item i, 9 values from (i-1)*9 + 1:
      project key, mrev the merge read, doc (packed JSON, without version/updatedAt; '' when the
        caller expects the stored doc to have this hash: packing it would be wasted), doc hash,
      now (ISO), '1' when the project has no members left and is dropped from the list,
      statistics contribution JSON {groups: {groupBy: key}, money: {field: fen}} ('' = none),
      priority index member ('' = not listed),
      merge token: what else the merge depended on (as-of date, ledger rules); stored with the
        mrev as `mm` so that settleProjects-var.lua can skip a merge that would change nothing,
    and one more value per item after all of those: the history entry packed by packing.ts.
  The project's previous contribution (field `sc`) is subtracted and the new one added, so /stats
  is maintained incrementally and always equals the sum over projects.
  The history element stored is "<version>\n<at>\n<n>\n<packed entry, n bytes><packed doc>", and
  the newest element leaves its doc out: it is the project's current `doc`. When a version is
  superseded, its element gets the doc appended here, so no doc is ever held twice.
  Output: per item -1 retry (mrev moved), 0 unchanged (no write), n > 0 the new version
]]
local n = (#KEYS - 6) / 3
local out = {}
local settled, publish, listed, unlisted, prioOut, prioIn = {}, {}, {}, {}, {}, {}
local delta, statsMoved = {}, false
local LIMIT = 9007199254740991

-- Sums stay exact doubles: a sum that would leave the safe-integer range is written first.
local function add(field, d)
  local s = (delta[field] or 0) + d
  if s > LIMIT or s < -LIMIT then
    redis.call('HINCRBY', KEYS[4], field, string.format('%.0f', delta[field] or 0))
    s = d
  end
  delta[field] = s
end

local function contribution(sc)
  local c = {}
  if not sc or sc == '' then return c end
  local d = cjson.decode(sc)
  for groupBy, key in pairs(d.groups) do
    local prefix = groupBy .. '\31' .. key .. '\31'
    c[prefix .. 'count'] = 1
    for field, fen in pairs(d.money) do
      if fen ~= 0 then c[prefix .. field] = fen end
    end
  end
  return c
end

for i = 1, n do
  local pk, hk, mk = KEYS[6 + (i - 1) * 3 + 1], KEYS[6 + (i - 1) * 3 + 2], KEYS[6 + (i - 1) * 3 + 3]
  local b = (i - 1) * 9
  local key, mrevRead, doc, hash, now, dropped, sc, pm, token =
    ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], ARGV[b + 6], ARGV[b + 7], ARGV[b + 8], ARGV[b + 9]
  local entry = ARGV[n * 9 + i]
  local mrev = redis.call('HGET', mk, '~mrev') or '0'
  -- Fields: 1 hash, 2 version, 3 pm, 4 sc, 5 doc.
  local cur = mrev == mrevRead and redis.call('HMGET', pk, 'hash', 'version', 'pm', 'sc', 'doc')
  if not cur then
    out[i] = -1
  elseif cur[1] == hash then
    redis.call('HSET', pk, 'mm', mrev .. '|' .. token)
    settled[#settled + 1] = key
    out[i] = 0
  elseif doc == '' then
    -- The caller left out the doc it expected to be unchanged, and it is not: merge again.
    out[i] = -1
  else
    local set = { 'mm', mrev .. '|' .. token }
    local oldpm = cur[3] or ''
    if oldpm ~= pm then
      if oldpm ~= '' then prioOut[#prioOut + 1] = oldpm end
      if pm ~= '' then prioIn[#prioIn + 1] = pm end
      set[#set + 1] = 'pm'
      set[#set + 1] = pm
    end
    if (cur[4] or '') ~= sc then
      local old, new = contribution(cur[4]), contribution(sc)
      for f, v in pairs(new) do
        local d = v - (old[f] or 0)
        if d ~= 0 then add(f, d) end
      end
      for f, v in pairs(old) do
        if new[f] == nil then add(f, -v) end
      end
      set[#set + 1] = 'sc'
      set[#set + 1] = sc
      statsMoved = true
    end
    local v = tonumber(cur[2] or '0') + 1
    if cur[2] then
      local last = redis.call('LINDEX', hk, -1)
      if last then
        local _, e = string.find(last, '^%d+\n[^\n]*\n%d+\n')
        if e then
          local len = tonumber(string.match(last, '^%d+\n[^\n]*\n(%d+)\n'))
          if #last == e + len then redis.call('LSET', hk, -1, last .. (cur[5] or '')) end
        end
      end
    end
    for _, f in ipairs({ 'doc', doc, 'hash', hash, 'version', v, 'updatedAt', now }) do set[#set + 1] = f end
    redis.call('HSET', pk, unpack(set))
    redis.call('RPUSH', hk, v .. '\n' .. now .. '\n' .. #entry .. '\n' .. entry)
    settled[#settled + 1] = key
    publish[#publish + 1] = key
    if dropped == '1' then unlisted[#unlisted + 1] = key else listed[#listed + 1] = key end
    out[i] = v
  end
end

-- Once per key. Removals before additions: a project's priority member changes with its score. (chunks: lib.lua)
if statsMoved then
  for f, d in pairs(delta) do
    if d ~= 0 then redis.call('HINCRBY', KEYS[4], f, string.format('%.0f', d)) end
  end
  redis.call('INCR', KEYS[6])
end
chunks('ZREM', KEYS[5], prioOut)
chunks('ZADD', KEYS[5], prioIn, 0)
chunks('ZREM', KEYS[3], unlisted)
chunks('ZADD', KEYS[3], listed, 0)
chunks('SREM', KEYS[1], settled)
chunks('SADD', KEYS[2], publish)
return out
