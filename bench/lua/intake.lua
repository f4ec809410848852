-- POST one new case per request to /api/v1/cases (each a fresh case_ref, so every request
-- registers a case and issues an invitation rather than hitting the idempotent path).
-- Arguments: API key, run prefix, service code, received, due, completed, agency codes...
local key, prefix, service, received, due, completed
local agencies, counter = {}, 0

function init(args)
  key, prefix, service, received, due, completed = args[1], args[2], args[3], args[4], args[5], args[6]
  for i = 7, #args do table.insert(agencies, args[i]) end
end

function request()
  counter = counter + 1
  local agency = agencies[(counter + id) % #agencies + 1]
  local body = string.format(
    '{"agency_code": "%s", "service_code": "%s", "case_ref": "%s-%d-%d", "received_at": "%s", ' ..
    '"due_at": "%s", "completed_at": "%s", "channel": "online"}',
    agency, service, prefix, id, counter, received, due, completed)
  return wrk.format("POST", "/api/v1/cases", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. key,
  }, body)
end

function response(status, headers, body)
  if status == 201 then ok = ok + 1 else bad = bad + 1 end
end
