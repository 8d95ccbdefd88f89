-- wrk script: POST one Fashion-MNIST-sized instance (784 values) to /v1/models/fm:predict.
-- Environment: AIAAS_TOKEN (the bearer token; none sent when empty), AIAAS_BODY (the JSON file),
-- AIAAS_DELAY_MS (a pause before each request on a connection: paces the rate; 0 for full speed).
local f = assert(io.open(os.getenv("AIAAS_BODY") or "one.json", "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("AIAAS_TOKEN") or ""
if token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
local pause = tonumber(os.getenv("AIAAS_DELAY_MS") or "0")
if pause > 0 then
  function delay()
    return pause
  end
end
local errors = 0
function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
  end
end
function done(summary, latency, requests)
  io.write(string.format("requests/s %.0f  p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms  non-2xx+socket errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
