-- GET a path for many ids, authenticated: wrk -s get_ids.lua -- TOKEN IDFILE PATTERN
-- PATTERN has one %s for the id, e.g. /api/v1/pregnancies/%s
-- The requests are formatted once, in init: wrk shares the two cores with
-- the server under test, and Lua formatting per request took client CPU
-- from it (the peer runs the same script).
local reqs = {}
local counter = 0

function init(args)
  local token, pattern = args[1], args[3]
  local headers = { ["Authorization"] = "Bearer " .. token }
  for line in io.lines(args[2]) do
    reqs[#reqs + 1] = wrk.format("GET", string.format(pattern, line), headers)
  end
  -- each thread starts at a different place in the list
  counter = math.random(#reqs)
end

function request()
  counter = counter % #reqs + 1
  return reqs[counter]
end
