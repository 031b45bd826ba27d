-- wrk script for api_bench.sh.
--
--   wrk ... -s api_bench.lua URL -- [PATHS_FILE]
--
-- With PATHS_FILE (one request path a line), every connection of every thread walks the paths
-- round-robin, each thread starting at its own offset so that threads do not ask for the same
-- call at the same moment. Without it, every request is for URL's own path (the static file
-- nginx serves).
--
-- At the end it prints one machine-readable line that api_bench.sh reads instead of parsing
-- wrk's human text:
--   RESULT requests=N seconds=S rps=R p50_us=A p99_us=B non2xx=C errors=D
-- where the percentiles come from wrk's own latency distribution.

local paths = {}
local next_index = 1
local threads_set_up = 0

-- Runs in the main Lua state once per thread before init; "id" becomes a global of the thread's.
function setup(thread)
    thread:set("id", threads_set_up)
    threads_set_up = threads_set_up + 1
end

function init(args)
    local file = args[1]
    if file == nil or file == "" then
        return
    end
    for line in io.lines(file) do
        if line ~= "" then
            paths[#paths + 1] = line
        end
    end
    if #paths == 0 then
        error("no request paths in " .. file)
    end
    -- wrk gives each thread its own Lua state; spread the threads' starting points apart.
    next_index = ((id or 0) * 997) % #paths + 1
end

function request()
    if #paths == 0 then
        return wrk.format("GET")
    end
    local path = paths[next_index]
    next_index = next_index % #paths + 1
    return wrk.format("GET", path)
end

function done(summary, latency, requests)
    local seconds = summary.duration / 1000000
    local errors = summary.errors.connect + summary.errors.read + summary.errors.write
        + summary.errors.timeout
    io.write(string.format(
        "RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d non2xx=%d errors=%d\n",
        summary.requests, seconds, summary.requests / seconds, latency:percentile(50),
        latency:percentile(99), summary.errors.status, errors))
end
