--[[
  Records where a record is linked, moving it between projects and keeping counts exact.
  Input:
    KEYS[1] record hash  KEYS[2] accounting hash  KEYS[3] need-link outbox  KEYS[4] need-merge outbox
    KEYS[5] old project members (or a dummy when none)  KEYS[6] new project members (or dummy):
    hashes of record id → '' (a small hash is a listpack; a small set is a hash table until Redis 7.2)
    KEYS[7] old project hash (or dummy)  KEYS[8] new project hash (or dummy)
    KEYS[9] unlinked index (all)  KEYS[10] unlinked index (system)
    ARGV[1] record id  ARGV[2] system  ARGV[3] content hash the link was computed from
    ARGV[4] expected old project key ('' = none)  ARGV[5] new project key ('' = unlinked)
    ARGV[6] linkedBy  ARGV[7] unlinked reason JSON ('' when linked)  ARGV[8] unused (kept for the argument layout)
    ARGV[9] provided keys  ARGV[10] referenced keys (encoded by store.ts, '' when none)
  Output: 'STALE' (record or its link changed meanwhile: recompute), 'MOVED', 'TOUCHED', 'SAME'
]]
local rec = redis.call('HMGET', KEYS[1], 'h', 'proj', 'st', 'lh', 'by', 'why', 'pv', 'rf')
if rec[1] ~= ARGV[3] then return 'STALE' end
local oldp = rec[2] or ''
if oldp ~= ARGV[4] then return 'STALE' end
local newp = ARGV[5]
local sys = ARGV[2]
local result = 'SAME'
if oldp ~= newp then
  if oldp ~= '' then
    redis.call('HDEL', KEYS[5], ARGV[1])
    redis.call('HINCRBY', KEYS[7], 'mrev', 1)
    redis.call('SADD', KEYS[4], oldp)
  end
  if newp ~= '' then
    redis.call('HSET', KEYS[6], ARGV[1], '')
    redis.call('HINCRBY', KEYS[8], 'mrev', 1)
    redis.call('SADD', KEYS[4], newp)
  end
  result = 'MOVED'
elseif newp ~= '' and (rec[4] ~= ARGV[3] or rec[5] ~= ARGV[6]) then
  redis.call('HINCRBY', KEYS[8], 'mrev', 1)
  redis.call('SADD', KEYS[4], newp)
  result = 'TOUCHED'
end
local newst = 'unlinked'
if newp ~= '' then newst = 'linked' end
local oldst = rec[3] or 'pending'
if oldst ~= newst then
  if oldst == 'linked' or oldst == 'unlinked' then redis.call('HINCRBY', KEYS[2], sys .. ':' .. oldst, -1) end
  redis.call('HINCRBY', KEYS[2], sys .. ':' .. newst, 1)
end
if newst == 'unlinked' then
  redis.call('ZADD', KEYS[9], 0, ARGV[1])
  redis.call('ZADD', KEYS[10], 0, ARGV[1])
  if rec[6] ~= ARGV[7] and result == 'SAME' then result = 'TOUCHED' end
elseif oldst == 'unlinked' then
  -- Only a record that was unlinked can be in the unlinked indexes (two ZREMs per linked record otherwise).
  redis.call('ZREM', KEYS[9], ARGV[1])
  redis.call('ZREM', KEYS[10], ARGV[1])
end
-- Empty values are not stored (there is one record hash per source record): absent reads as ''.
local set, del = { 'st', newst, 'lh', ARGV[3] }, {}
for _, f in ipairs({ { 'proj', newp, rec[2] }, { 'by', ARGV[6], rec[5] }, { 'why', ARGV[7], rec[6] }, { 'pv', ARGV[9], rec[7] }, { 'rf', ARGV[10], rec[8] } }) do
  if f[2] ~= '' then
    set[#set + 1] = f[1]
    set[#set + 1] = f[2]
  elseif f[3] then
    del[#del + 1] = f[1]
  end
end
redis.call('HSET', KEYS[1], unpack(set))
if #del > 0 then redis.call('HDEL', KEYS[1], unpack(del)) end
redis.call('SREM', KEYS[3], ARGV[1])
return result
