--[[
  Settles merge requests without a merge for the projects already merged from exactly their
  current members under the same rules: an outbox entry is removed only if the member revision
  has not moved since (a link committed meanwhile keeps it owed). One step for a whole job.
  Input (the number of keys is passed by the caller):
    KEYS[1] need-merge outbox  then per item i KEYS[2i] project hash, KEYS[2i+1] project members
    ARGV[1] merge token (as-of date and ledger rules, see commitProjects-var.lua)  ARGV[1+i] project key of item i
  Output: per item 1 settled (no merge needed), 0 merge needed
]]
local out, settled = {}, {}
for i = 1, (#KEYS - 1) / 2 do
  local mm = redis.call('HGET', KEYS[2 * i], 'mm')
  if mm and mm == (redis.call('HGET', KEYS[2 * i + 1], '~mrev') or '0') .. '|' .. ARGV[1] then
    settled[#settled + 1] = ARGV[i + 1]
    out[i] = 1
  else
    out[i] = 0
  end
end
chunks('SREM', KEYS[1], settled)
return out
