#!/usr/bin/env bash
# Deep pages of a broad search: walks every page of GET /api/v1/calls?q=PREFIX&limit=LIMIT, where
# PREFIX is the first four characters of the oldest call's CRN (a generated day's CRNs all start
# alike, so it matches nearly every call), and prints the time of the first page, the median and
# p99 of all pages, and the time of the last (deepest) page, from curl's time_total on one
# kept-alive connection on loopback. The walk must visit as many calls as the prefix matches.
#
#   search_deep_bench.sh CRN_SERVER DATABASE [LIMIT]
#
# DATABASE is a SQLite file written by `crn-server import` (e.g. api_bench.sh's cached one); the
# script adds a user "deep-bench" to it for its token, and serve migrates it as it would any
# database it opens. SERVE_THREADS (default 1) is passed as serve --threads when the server
# knows that option. No reference: the goal is that the last page costs what the first does.
set -euo pipefail

[[ $# -ge 2 ]] || { echo "usage: $0 CRN_SERVER DATABASE [LIMIT]" >&2; exit 2; }
server=$(realpath "$1")
database=$(realpath "$2")
limit=${3:-500}
for tool in curl sqlite3 jq; do
    command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done

work=$(mktemp -d)
server_pid=
cleanup() {
    [[ -n $server_pid ]] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
    rm -rf "$work"
}
trap cleanup EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }

token=$("$server" user add deep-bench --role supervisor --replace-token --db "$database" 2>/dev/null)
[[ $token == crn_* ]] || { echo "crn-server user add printed no token" >&2; exit 1; }

threads=()
"$server" serve --help | grep -q -- --threads && threads=(--threads "${SERVE_THREADS:-1}")
"$server" serve --db "$database" --listen 127.0.0.1:0 "${threads[@]}" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 600); do
    grep -q 'listening on' "$work/server.out" && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/server.out" || true)
[[ $url == http* ]] || { echo "crn-server did not start: $(cat "$work/server.err")" >&2; exit 1; }

prefix=$(sqlite3 "$database" 'SELECT substr(crn, 1, 4) FROM calls ORDER BY start_us LIMIT 1')
[[ $prefix =~ ^[0-9A-Za-z._-]+$ ]] || { echo "the prefix '$prefix' needs percent-encoding" >&2; exit 1; }
calls=$(sqlite3 "$database" 'SELECT count(*) FROM calls')
expected=$(sqlite3 "$database" "SELECT count(*) FROM calls WHERE crn IN (SELECT crn FROM call_keys
    WHERE (kind IN ('crn', 'leg', 'agent', 'queue') AND key >= '$prefix' AND key < '$prefix' || char(65535))
       OR (kind = 'number' AND key >= '$prefix' AND key < '$prefix' || char(65535)))")
echo "database: $calls calls, $expected match q=$prefix; pages of $limit (load $(load))"

# One page at a time: each needs the cursor of the one before.
cursor=
pages=0
seen=0
: >"$work/times"
while :; do
    query="q=$prefix&limit=$limit"
    [[ -n $cursor ]] && query+="&cursor=$cursor"
    timing=$(curl -s -m 60 -o "$work/page.json" -w '%{http_code} %{time_total}' \
        -H "Authorization: Bearer $token" "$url/api/v1/calls?$query")
    [[ ${timing%% *} == 200 ]] || { echo "page $((pages + 1)) answered ${timing%% *}" >&2; exit 1; }
    echo "${timing#* }" >>"$work/times"
    pages=$((pages + 1))
    seen=$((seen + $(jq '.calls | length' "$work/page.json")))
    cursor=$(jq -r '.next_cursor // empty' "$work/page.json")
    [[ -z $cursor ]] && break
done
((seen == expected)) || { echo "the walk saw $seen calls, not $expected" >&2; exit 1; }

ms() { awk '{ printf "%.2f", $1 * 1000 }'; }
percentile() { sort -n "$work/times" | awk -v p="$1" '{ v[NR] = $1 } END { i = int((NR * p + 99) / 100); if (i < 1) i = 1; print v[i] }'; }
printf 'walk:     %d pages, %d calls\n' "$pages" "$seen"
printf 'page:     first %s ms, median %s ms, p99 %s ms, last %s ms (load %s)\n' \
    "$(head -n 1 "$work/times" | ms)" "$(percentile 50 | ms)" "$(percentile 99 | ms)" \
    "$(tail -n 1 "$work/times" | ms)" "$(load)"
