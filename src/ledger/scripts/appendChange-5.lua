--[[
  Appends one project version to the change feed exactly once. The sequence number is taken
  and the entry written in the same atomic step, so a reader never sees seq n+1 before n.
  Input:
    KEYS[1] changes stream  KEYS[2] seq counter  KEYS[3] (projectKey:version → seq) index
    KEYS[4] project hash  KEYS[5] need-publish outbox
    ARGV[1] project key  ARGV[2] version  ARGV[3] kind (upsert|merged)  ARGV[4] at (ISO)
    ARGV[5] events JSON  ARGV[6] published-summary JSON (the state the next events diff against),
    both packed by packing.ts
  Output: the seq of the entry (existing one when already appended)
]]
local idx = ARGV[1] .. ':' .. ARGV[2]
local seq = redis.call('HGET', KEYS[3], idx)
if not seq then
  seq = redis.call('INCR', KEYS[2])
  redis.call('XADD', KEYS[1], seq .. '-1', 'k', ARGV[1], 'v', ARGV[2], 'kind', ARGV[3], 'at', ARGV[4], 'ev', ARGV[5])
  redis.call('HSET', KEYS[3], idx, seq)
end
local published = tonumber(redis.call('HGET', KEYS[4], 'published') or '0')
if tonumber(ARGV[2]) > published then
  redis.call('HSET', KEYS[4], 'published', ARGV[2], 'pubsum', ARGV[6])
end
local version = tonumber(redis.call('HGET', KEYS[4], 'version') or '0')
if tonumber(redis.call('HGET', KEYS[4], 'published') or '0') >= version then
  redis.call('SREM', KEYS[5], ARGV[1])
end
return tonumber(seq)
