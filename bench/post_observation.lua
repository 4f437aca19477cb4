-- POST a FHIR Observation (the peer's write): wrk -s post_observation.lua URL
function request()
  return wrk.format("POST", "/fhir/R4/Observation", { ["Content-Type"] = "application/fhir+json" },
    '{"resourceType":"Observation","status":"final","code":{"text":"Hb"},' ..
    '"valueQuantity":{"value":120,"unit":"g/L","system":"http://unitsofmeasure.org","code":"g/L"}}')
end
