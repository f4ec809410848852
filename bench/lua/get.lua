-- GET the URL's path again and again; arguments are the status codes that count as success
-- (200, or 304 for conditional requests sent with -H "If-None-Match: ...").
local expected = {}

function init(args)
  for i = 1, #args do expected[tonumber(args[i])] = true end
end

function response(status, headers, body)
  if expected[status] then ok = ok + 1 else bad = bad + 1 end
end
