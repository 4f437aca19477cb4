-- GET a path for many ids, authenticated: wrk -s get_ids.lua -- TOKEN IDFILE PATTERN
-- PATTERN has one %s for the id, e.g. /api/v1/pregnancies/%s
local ids = {}
local token, pattern
local counter = 0

function init(args)
  token = args[1]
  for line in io.lines(args[2]) do ids[#ids + 1] = line end
  pattern = args[3]
  -- each thread starts at a different place in the list
  counter = math.random(#ids)
end

function request()
  counter = counter % #ids + 1
  return wrk.format("GET", string.format(pattern, ids[counter]),
                    { ["Authorization"] = "Bearer " .. token })
end
