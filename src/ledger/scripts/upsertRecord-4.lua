--[[
  Stores one version of a source record if it is news, keeping the accounting exact.
  Input:
    KEYS[1] record hash          ({r:id})
    KEYS[2] record seen-set      ({r:id}:seen) of "order:hash" tokens already received
    KEYS[3] accounting hash
    KEYS[4] need-link outbox set
    ARGV[1] record id  ARGV[2] system  ARGV[3] order (number)  ARGV[4] content hash
    ARGV[5] body (normalized JSON)  ARGV[6] receivedAt (ISO)
  Output:
    'NEW'     first version of this identity
    'UPDATED' newer than the held version (the held one becomes superseded)
    'STALE'   older than (or tied below) the held version: superseded on arrival
    'DUP'     this exact version was received before; nothing counted again
    'REARM'   like DUP, but the held version was never linked (a crash in between): link it again
  Order: (order, hash) compared numerically then lexically, so any delivery order keeps the same winner.
]]
local token = ARGV[3] .. ':' .. ARGV[4]
if redis.call('SISMEMBER', KEYS[2], token) == 1 then
  local h = redis.call('HGET', KEYS[1], 'h')
  local lh = redis.call('HGET', KEYS[1], 'lh')
  -- A crash after storing but before linking leaves the current version unlinked: re-arm it.
  if h == ARGV[4] and lh ~= h then
    redis.call('SADD', KEYS[4], ARGV[1])
    return 'REARM'
  end
  return 'DUP'
end
redis.call('SADD', KEYS[2], token)
redis.call('HINCRBY', KEYS[3], ARGV[2] .. ':versions', 1)
local cur = redis.call('HMGET', KEYS[1], 'ord', 'h')
if not cur[1] then
  redis.call('HSET', KEYS[1], 'ord', ARGV[3], 'h', ARGV[4], 'body', ARGV[5], 'at', ARGV[6], 'st', 'pending', 'sys', ARGV[2])
  redis.call('HINCRBY', KEYS[3], ARGV[2] .. ':identities', 1)
  redis.call('SADD', KEYS[4], ARGV[1])
  return 'NEW'
end
local o, co = tonumber(ARGV[3]), tonumber(cur[1])
if o > co or (o == co and ARGV[4] > cur[2]) then
  redis.call('HSET', KEYS[1], 'ord', ARGV[3], 'h', ARGV[4], 'body', ARGV[5])
  redis.call('SADD', KEYS[4], ARGV[1])
  return 'UPDATED'
end
return 'STALE'
