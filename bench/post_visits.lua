-- POST an antenatal visit to many open pregnancies:
-- wrk -s post_visits.lua -- TOKEN IDFILE DATE
local ids = {}
local token, date
local counter = 0

function init(args)
  token = args[1]
  for line in io.lines(args[2]) do ids[#ids + 1] = line end
  date = args[3]
  counter = math.random(#ids)
end

function request()
  counter = counter % #ids + 1
  local hb = 100 + (counter % 40)
  local body = string.format(
    '{"date":"%s","weight_kg":62.5,"sbp":118,"dbp":76,"fetal_heart_rate":142,"hb_g_l":%d}', date, hb)
  return wrk.format("POST", string.format("/api/v1/pregnancies/%s/visits", ids[counter]),
                    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
