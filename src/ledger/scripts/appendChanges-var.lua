--[[
  Appends project versions to the change feed, each exactly once, in one step for a publish job.
  The sequence numbers are taken and the entries written in the same atomic step, so a reader
  never sees seq n+1 before n. What all entries touch (the index, the counter, the outbox) is
  written once per job.
  Input (the number of keys is passed by the caller):
    KEYS[1] changes stream  KEYS[2] seq counter  KEYS[3] (projectKey:version → seq) index
    KEYS[4] need-publish outbox  KEYS[4+i] project hash of item i
    ARGV per item i, 6 values from (i-1)*6 + 1: project key, version, kind (upsert|merged), at (ISO),
      events JSON, published-summary JSON (the state the next events diff against), both packed
      by packing.ts
  Output: per item the seq of its entry (the existing one when already appended)
]]
local n = #KEYS - 4
local out, fields = {}, {}
for i = 1, n do fields[i] = ARGV[(i - 1) * 6 + 1] .. ':' .. ARGV[(i - 1) * 6 + 2] end
local known = {}
for j = 1, n, 500 do
  local got = redis.call('HMGET', KEYS[3], unpack(fields, j, math.min(j + 499, n)))
  for x = 1, #got do known[j + x - 1] = got[x] end
end
-- One counter move for all new entries; an entry listed twice in one job is appended once.
local fresh, seen = 0, {}
for i = 1, n do
  if not known[i] and not seen[fields[i]] then
    fresh = fresh + 1
    seen[fields[i]] = true
  end
end
local nextSeq = 0
if fresh > 0 then nextSeq = redis.call('INCRBY', KEYS[2], fresh) - fresh end
local index, assigned, done = {}, {}, {}
for i = 1, n do
  local b = (i - 1) * 6
  local key, version, kind, at, ev, sum = ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], ARGV[b + 6]
  local seq = known[i] or assigned[fields[i]]
  if not seq then
    nextSeq = nextSeq + 1
    seq = nextSeq
    assigned[fields[i]] = seq
    redis.call('XADD', KEYS[1], seq .. '-1', 'k', key, 'v', version, 'kind', kind, 'at', at, 'ev', ev)
    index[#index + 1] = fields[i]
    index[#index + 1] = seq
  end
  local cur = redis.call('HMGET', KEYS[4 + i], 'published', 'version')
  local published, v = tonumber(cur[1] or '0'), tonumber(cur[2] or '0')
  if tonumber(version) > published then
    redis.call('HSET', KEYS[4 + i], 'published', version, 'pubsum', sum)
    published = tonumber(version)
  end
  if published >= v then done[#done + 1] = key end
  out[i] = tonumber(seq)
end
for j = 1, #index, 1000 do redis.call('HSET', KEYS[3], unpack(index, j, math.min(j + 999, #index))) end
chunks('SREM', KEYS[4], done)
return out
