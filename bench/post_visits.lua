-- POST an antenatal visit to many open pregnancies, each with the token of an
-- obstetrician at its hospital: wrk -s post_visits.lua -- FILE DATE
-- FILE has "TOKEN PREGNANCY-ID" lines.
local tokens, ids = {}, {}
local date
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    local t, id = line:match("^(%S+) (%S+)$")
    if t then tokens[#tokens + 1] = t; ids[#ids + 1] = id end
  end
  date = args[2]
  counter = math.random(#ids)
end

function request()
  counter = counter % #ids + 1
  local hb = 100 + (counter % 40)
  local body = string.format(
    '{"date":"%s","weight_kg":62.5,"sbp":118,"dbp":76,"fetal_heart_rate":142,"hb_g_l":%d}', date, hb)
  return wrk.format("POST", string.format("/api/v1/pregnancies/%s/visits", ids[counter]),
                    { ["Authorization"] = "Bearer " .. tokens[counter], ["Content-Type"] = "application/json" }, body)
end
