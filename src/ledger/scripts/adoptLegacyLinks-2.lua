--[[
  Moves the members of the link outbox as it was stored before it was scored (a plain set) into
  the sorted set, with score 0: settled by the next commit of each record, as before.
  Input: KEYS[1] legacy link outbox (set)  KEYS[2] link outbox (sorted set)
  Output: how many members were moved
]]
local ids = redis.call('SMEMBERS', KEYS[1])
chunks('ZADD', KEYS[2], ids, 0)
redis.call('DEL', KEYS[1])
return #ids
