-- One survey submission = GET /s/<token> (form, CSRF field, any cookie) then POST it.
-- Each wrk thread owns one connection and a disjoint slice of the token file, so the two
-- requests of a submission always follow each other. Arguments: token file, thread count.
local tokens, index, state, csrf, cookie = {}, 1, "get", nil, nil
local ANSWERS = "overall=5&ease=4&timeliness=2&courtesy=5&fairness=1&outcome=1&visits=1&complaint=3&helped=no&comment=&csrf_token="

function init(args)
  local threads, line_no = tonumber(args[2]), 0
  for line in io.lines(args[1]) do
    line_no = line_no + 1
    if line_no % threads == id % threads then table.insert(tokens, line) end
  end
end

function request()
  local token = tokens[index]
  if token == nil then
    -- Out of fresh tokens: stop rather than re-use one (that would measure refusals).
    exhausted = 1
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end
  if state == "get" then
    return wrk.format("GET", "/s/" .. token)
  end
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  if cookie then headers["Cookie"] = cookie end
  return wrk.format("POST", "/s/" .. token, headers, ANSWERS .. csrf)
end

function response(status, headers, body)
  if exhausted == 1 then return end
  if state == "get" then
    local field = status == 200 and body:match('name="csrf_token" type="hidden" value="([^"]+)"')
    -- The survey's CSRF token is bound to its link and it sets no cookie; hello-world sets a
    -- session cookie, sent back as a browser would (wrk keeps only the last repeated header).
    local set_cookie = headers["Set-Cookie"] or headers["set-cookie"] or ""
    local session = set_cookie:match("(session=[^;]+)")
    if field then
      csrf, cookie, state = field, session, "post"
    else
      bad = bad + 1
      index = index + 1
    end
  else
    if status == 303 then ok = ok + 1 else bad = bad + 1 end
    state = "get"
    index = index + 1
  end
end
