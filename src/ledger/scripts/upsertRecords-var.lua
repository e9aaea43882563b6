--[[
  Stores a page of source record versions, keeping only news and the accounting exact, in one
  step: one call per page instead of one per record, counters moved once per system.
  Input (the number of keys is passed by the caller):
    KEYS[1] accounting hash  KEYS[2] link outbox  KEYS[3] link clock  KEYS[3+i] record hash of item i
    ARGV per item i, 6 values from (i-1)*6+1: record id, system, order (number), content hash,
      body (normalized JSON), receivedAt (ISO)
  Every version ever received leaves a field `s:<order>:<hash>` in its record hash (so a
  re-delivery is recognized without a key per record). The hash last linked is kept in `lh` only
  while it differs from the current `h` (absent and linked once: the current one).
  Output: one status per item, in order:
    'NEW'     first version of this identity
    'UPDATED' newer than the held version (the held one becomes superseded)
    'STALE'   older than (or tied below) the held version: superseded on arrival
    'DUP'     this exact version was received before; nothing counted again
    'REARM'   like DUP, but the held version was never linked (a crash in between): link it again
  Order: (order, hash) compared numerically then lexically, so any delivery order keeps the same winner.
]]
local versions, identities, toLink, out = {}, {}, {}, {}
for i = 1, #KEYS - 3 do
  local key = KEYS[i + 3]
  local b = (i - 1) * 6
  local id, sys, ord, h, body, at = ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], ARGV[b + 6]
  local token = 's:' .. ord .. ':' .. h
  local cur = redis.call('HMGET', key, token, 'ord', 'h', 'lh', 'st')
  -- The hash last linked: `lh` when it differs from `h`; absent, the current one once linked.
  local lh = cur[4] or (cur[5] and cur[5] ~= 'pending' and cur[3])
  if cur[1] then
    -- A crash after storing but before linking leaves the current version unlinked: re-arm it.
    if cur[3] == h and lh ~= h then
      toLink[#toLink + 1] = id
      out[i] = 'REARM'
    else
      out[i] = 'DUP'
    end
  else
    versions[sys] = (versions[sys] or 0) + 1
    if not cur[2] then
      redis.call('HSET', key, token, '1', 'ord', ord, 'h', h, 'body', body, 'at', at, 'st', 'pending')
      identities[sys] = (identities[sys] or 0) + 1
      toLink[#toLink + 1] = id
      out[i] = 'NEW'
    else
      local o, co = tonumber(ord), tonumber(cur[2])
      if o > co or (o == co and h > cur[3]) then
        if lh and not cur[4] then
          redis.call('HSET', key, token, '1', 'ord', ord, 'h', h, 'body', body, 'lh', lh)
        else
          redis.call('HSET', key, token, '1', 'ord', ord, 'h', h, 'body', body)
        end
        toLink[#toLink + 1] = id
        out[i] = 'UPDATED'
      else
        redis.call('HSET', key, token, '1')
        out[i] = 'STALE'
      end
    end
  end
end
for sys, n in pairs(versions) do redis.call('HINCRBY', KEYS[1], sys .. ':versions', n) end
for sys, n in pairs(identities) do redis.call('HINCRBY', KEYS[1], sys .. ':identities', n) end
-- Wake-ups, as wakeLinks-2.lua writes them.
if #toLink > 0 then chunks('ZADD', KEYS[2], toLink, redis.call('INCR', KEYS[3])) end
return out
