--[[
  Helpers prepended to every script of this folder (scripts.ts).
  chunks(cmd, key, list, pre): calls `cmd key [pre] item [pre] item ...` over `list` in calls of
  at most 500 items, so that no call passes more arguments than Lua's stack allows; an empty
  list makes no call.
]]
local function chunks(cmd, key, list, pre)
  for j = 1, #list, 500 do
    local args = {}
    for x = j, math.min(j + 499, #list) do
      if pre then args[#args + 1] = pre end
      args[#args + 1] = list[x]
    end
    redis.call(cmd, key, unpack(args))
  end
end
