-- POST an antenatal visit to many open pregnancies, each with the token of an
-- obstetrician at its hospital: wrk -s post_visits.lua -- FILE DATE
-- FILE has "TOKEN PREGNANCY-ID" lines.
-- The requests are formatted once, in init (see get_ids.lua).
local reqs = {}
local counter = 0

function init(args)
  local date = args[2]
  for line in io.lines(args[1]) do
    local token, id = line:match("^(%S+) (%S+)$")
    if token then
      local hb = 100 + (#reqs % 40)
      local body = string.format(
        '{"date":"%s","weight_kg":62.5,"sbp":118,"dbp":76,"fetal_heart_rate":142,"hb_g_l":%d}', date, hb)
      reqs[#reqs + 1] = wrk.format("POST", string.format("/api/v1/pregnancies/%s/visits", id),
                                   { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" },
                                   body)
    end
  end
  counter = math.random(#reqs)
end

function request()
  counter = counter % #reqs + 1
  return reqs[counter]
end
