-- Shared by every bench script: per-thread counters, and one JSON line for bench.load.
-- setup() and done() run in wrk's main Lua state; request()/response() in each thread's.
local threads = {}
ok, bad, exhausted = 0, 0, 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function done(summary, latency, requests)
  local total_ok, total_bad, total_exhausted = 0, 0, 0
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_bad = total_bad + t:get("bad")
    total_exhausted = total_exhausted + t:get("exhausted")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "ok": %d, "bad": %d, "exhausted": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d, "http_errors": %d, ' ..
    '"p50_us": %.1f, "p99_us": %.1f, "mean_us": %.1f, "max_us": %.1f}\n',
    summary.requests, summary.duration, total_ok, total_bad, total_exhausted,
    e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
end
