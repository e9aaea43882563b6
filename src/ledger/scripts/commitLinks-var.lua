--[[
  Records where each record of a link job is linked, moving records between projects and keeping
  counts exact, in one step for the whole job. Each record is checked and written on its own; what
  many records touch alike (counters, outboxes, member lists, project revisions, unlinked indexes)
  is written once per key at the end, which is most of the commands a per-record call would make.
  A project's member revision is a field of its member hash (`~mrev`, no record id starts with
  '~'), set to this job's token whenever the members or how one of them is linked change: a merge
  commits only while it is the one it read (commitProjects-var.lua), and joining records and the
  new revision are one HSET.
  Input (the number of keys is passed by the caller):
    KEYS[1] accounting hash  KEYS[2] link outbox  KEYS[3] need-merge outbox  KEYS[4] unlinked index (all)
    then 4 keys per item i, from 4 + (i-1)*4 + 1:
      record hash, old project members, new project members (hashes of record id → '', each a
      dummy key when there is no such project), unlinked index (system)
    ARGV[1] the link clock as the job read it before reading anything it decided from
    ARGV[2] the job's member revision token (unique per job)
    then ARGV per item i, 9 values from 2 + (i-1)*9 + 1:
      record id, system, content hash the link was computed from, expected old project key ('' = none),
      new project key ('' = unlinked), linkedBy, unlinked reason JSON ('' when linked),
      provided keys, referenced keys (encoded by store.ts, '' when none)
  A committed record's wake-ups are settled only if they are no newer than ARGV[1]: a later one
  may stand for an index entry written after the job read the indexes (wakeLinks-2.lua).
  Output: one result per item: 'STALE' (record or its link changed meanwhile and a wake-up is
  still owed: recompute), 'SETTLED' (changed meanwhile, nothing owed: another pass linked it),
  'MOVED', 'TOUCHED' or 'SAME'
]]
local out = {}
local acct, unlink, merge = {}, {}, {}
local mrev, addTo, delFrom, zadd, zrem = {}, {}, {}, {}, {}
local function push(t, k, v)
  local l = t[k]
  if not l then l = {}; t[k] = l end
  l[#l + 1] = v
end
local function bump(key) mrev[key] = true end
local token = ARGV[2]
local nitems = (#KEYS - 4) / 4
for i = 1, nitems do
  local kb, ab = 4 + (i - 1) * 4, 2 + (i - 1) * 9
  local key, oldm, newm, unlsys = KEYS[kb + 1], KEYS[kb + 2], KEYS[kb + 3], KEYS[kb + 4]
  local id, sys, h, expold, newp, by, why, pv, rf =
    ARGV[ab + 1], ARGV[ab + 2], ARGV[ab + 3], ARGV[ab + 4], ARGV[ab + 5], ARGV[ab + 6], ARGV[ab + 7], ARGV[ab + 8], ARGV[ab + 9]
  local rec = redis.call('HMGET', key, 'h', 'proj', 'st', 'lh', 'by', 'why', 'pv', 'rf')
  local oldp = rec[2] or ''
  -- The hash last linked: `lh` when it differs from `h`; absent, the current one once linked.
  local lh = rec[4] or (rec[3] and rec[3] ~= 'pending' and rec[1])
  if rec[1] ~= h or oldp ~= expold then
    -- Changed meanwhile. With nothing owed in the link outbox, the change was a link of the
    -- version held, committed by a pass that read after every wake-up written so far: one that
    -- stands for anything this job saw is written after it (providers wake after writing), so
    -- this record need not be linked again for it.
    if redis.call('ZSCORE', KEYS[2], id) then out[i] = 'STALE' else out[i] = 'SETTLED' end
  else
    local result = 'SAME'
    if oldp ~= newp then
      if oldp ~= '' then
        push(delFrom, oldm, id)
        bump(oldm)
        merge[#merge + 1] = oldp
      end
      if newp ~= '' then
        push(addTo, newm, id)
        bump(newm)
        merge[#merge + 1] = newp
      end
      result = 'MOVED'
    elseif newp ~= '' and (lh ~= h or rec[5] ~= by) then
      bump(newm)
      merge[#merge + 1] = newp
      result = 'TOUCHED'
    end
    local newst = 'unlinked'
    if newp ~= '' then newst = 'linked' end
    local oldst = rec[3] or 'pending'
    if oldst ~= newst then
      if oldst == 'linked' or oldst == 'unlinked' then
        acct[sys .. ':' .. oldst] = (acct[sys .. ':' .. oldst] or 0) - 1
      end
      acct[sys .. ':' .. newst] = (acct[sys .. ':' .. newst] or 0) + 1
    end
    if newst == 'unlinked' then
      push(zadd, KEYS[4], id)
      push(zadd, unlsys, id)
      if rec[6] ~= why and result == 'SAME' then result = 'TOUCHED' end
    elseif oldst == 'unlinked' then
      -- Only a record that was unlinked can be in the unlinked indexes.
      push(zrem, KEYS[4], id)
      push(zrem, unlsys, id)
    end
    -- Empty values are not stored (there is one record hash per source record): absent reads as ''.
    local set, del = { 'st', newst }, {}
    if rec[4] then del[1] = 'lh' end
    for _, f in ipairs({ { 'proj', newp, rec[2] }, { 'by', by, rec[5] }, { 'why', why, rec[6] }, { 'pv', pv, rec[7] }, { 'rf', rf, rec[8] } }) do
      if f[2] ~= '' then
        set[#set + 1] = f[1]
        set[#set + 1] = f[2]
      elseif f[3] then
        del[#del + 1] = f[1]
      end
    end
    redis.call('HSET', key, unpack(set))
    if #del > 0 then redis.call('HDEL', key, unpack(del)) end
    unlink[#unlink + 1] = id
    out[i] = result
  end
end
-- Once per key. Removals before additions: a record leaves one project and joins another. (chunks: lib.lua)
for k, ids in pairs(delFrom) do chunks('HDEL', k, ids) end
for k, ids in pairs(zrem) do chunks('ZREM', k, ids) end
for k, ids in pairs(addTo) do
  local args = { '~mrev', token }
  mrev[k] = nil
  for _, id in ipairs(ids) do
    args[#args + 1] = id
    args[#args + 1] = ''
  end
  for j = 1, #args, 1000 do redis.call('HSET', k, unpack(args, j, math.min(j + 999, #args))) end
end
for k, ids in pairs(zadd) do chunks('ZADD', k, ids, 0) end
for k in pairs(mrev) do redis.call('HSET', k, '~mrev', token) end
for f, n in pairs(acct) do
  if n ~= 0 then redis.call('HINCRBY', KEYS[1], f, n) end
end
chunks('SADD', KEYS[3], merge)
local clock = tonumber(ARGV[1])
for j = 1, #unlink, 500 do
  local ids = { unpack(unlink, j, math.min(j + 499, #unlink)) }
  local scores = redis.call('ZMSCORE', KEYS[2], unpack(ids))
  local settled = {}
  for x, sc in ipairs(scores) do
    if sc and tonumber(sc) <= clock then settled[#settled + 1] = ids[x] end
  end
  chunks('ZREM', KEYS[2], settled)
end
return out
