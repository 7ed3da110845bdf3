-- wrk reporter for bench/run.sh: after the run, print one machine-readable line.
-- Only a `done` hook is defined, so wrk keeps its fast path (no per-request Lua).
-- Latencies are in microseconds, as wrk records them.

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_JSON {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d,"
      .. "\"p50_us\":%d,\"p90_us\":%d,\"p99_us\":%d,\"max_us\":%d,\"mean_us\":%.1f,"
      .. "\"connect_errors\":%d,\"read_errors\":%d,\"write_errors\":%d,"
      .. "\"status_errors\":%d,\"timeouts\":%d}\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
