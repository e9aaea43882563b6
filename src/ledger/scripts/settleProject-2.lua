--[[
  Settles a merge request without a merge when the project was already merged from exactly its
  current members under the same rules: the outbox entry is removed only if the member revision
  has not moved since (a link committed meanwhile keeps it owed).
  Input:
    KEYS[1] project hash  KEYS[2] need-merge outbox
    ARGV[1] project key  ARGV[2] merge token (as-of date and ledger rules, see commitProject-8.lua)
  Output: 1 settled (no merge needed), 0 merge needed
]]
local cur = redis.call('HMGET', KEYS[1], 'mrev', 'mm')
if cur[2] and cur[2] == (cur[1] or '0') .. '|' .. ARGV[2] then
  redis.call('SREM', KEYS[2], ARGV[1])
  return 1
end
return 0
