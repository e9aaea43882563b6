--[[
  Settles merge requests without a merge for the projects already merged from exactly their
  current members under the same rules: an outbox entry is removed only if the member revision
  has not moved since (a link committed meanwhile keeps it owed). One step for a whole job.
  Input (the number of keys is passed by the caller):
    KEYS[1] need-merge outbox  KEYS[1+i] project hash of item i
    ARGV[1] merge token (as-of date and ledger rules, see commitProjects-var.lua)  ARGV[1+i] project key of item i
  Output: per item 1 settled (no merge needed), 0 merge needed
]]
local out, settled = {}, {}
for i = 2, #KEYS do
  local cur = redis.call('HMGET', KEYS[i], 'mrev', 'mm')
  if cur[2] and cur[2] == (cur[1] or '0') .. '|' .. ARGV[1] then
    settled[#settled + 1] = ARGV[i]
    out[i - 1] = 1
  else
    out[i - 1] = 0
  end
end
chunks('SREM', KEYS[1], settled)
return out
