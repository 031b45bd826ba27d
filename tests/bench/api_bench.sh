#!/usr/bin/env bash
# Call API speed at scale, measured against nginx serving the same JSON in the same run, all on
# loopback.
#
#   api_bench.sh CRN_SERVER [CALLS] [--seed S] [--cache DIR | --no-cache] [--smoke]
#
# 1. A day of CALLS generated calls (default 1,000,000; `crn-server generate --seed S`, default
#    42) imported with `crn-server import`. Both are slow at a million calls (about 21 M CEL
#    rows), so the day and the database are kept in DIR/calls-N-seed-S (DIR defaults to
#    bench-cache next to CRN_SERVER) and reused while the key and the database schema this
#    crn-server writes stay the same. --no-cache works in a temp folder instead.
# 2. `crn-server serve` and an nginx (its own config in a temp folder, one worker, in the
#    foreground, as the current user) on free 127.0.0.1 ports. 1,000 CRNs picked at random
#    (seeded) are fetched once and must all answer 200; the one whose JSON has the median size
#    is written as a file that nginx serves with the same bytes and Content-Type.
# 3. wrk (api_bench.lua) asks crn-server for the 1,000 CRNs round-robin and nginx for the file,
#    same threads, connections and duration, alternating, best of the rounds. Prints requests/s
#    of each, their ratio (goal: at least 0.5) and crn-server's p99 latency from wrk's latency
#    distribution (goal: under 5 ms).
# 4. Search by CRN prefix, by phone number digits and by a one-hour time range, a few hundred
#    requests each with curl over one kept-alive connection: p50 and p99 of curl's time_total
#    (goal: p99 under 20 ms).
# Every figure is printed with the load average at the time it was taken.
#
# wrk and nginx are installed with apt-get when missing, except with --smoke: the small run the
# test suite makes then exits 77 (skipped). --smoke also runs shorter and fewer requests.
# Environment: WRK_THREADS (1), WRK_CONNECTIONS (8), WRK_SECONDS (10), WRK_ROUNDS (2),
# SEARCH_REQUESTS (300); SERVE_THREADS sets serve --threads.
set -euo pipefail

usage() {
    echo "usage: $0 CRN_SERVER [CALLS] [--seed S] [--cache DIR | --no-cache] [--smoke]" >&2
    exit 2
}
[[ $# -ge 1 ]] || usage
server=$(realpath "$1")
shift
calls=1000000
seed=42
cache=$(dirname "$server")/bench-cache
use_cache=true
smoke=false
while [[ $# -gt 0 ]]; do
    case $1 in
        --seed) seed=${2:?}; shift ;;
        --cache) cache=${2:?}; shift ;;
        --no-cache) use_cache=false ;;
        --smoke) smoke=true ;;
        [0-9]*) calls=$1 ;;
        *) usage ;;
    esac
    shift
done
[[ $calls =~ ^[0-9]+$ && $seed =~ ^[0-9]+$ ]] || usage

threads=${WRK_THREADS:-1}
connections=${WRK_CONNECTIONS:-8}
seconds=${WRK_SECONDS:-10}
rounds=${WRK_ROUNDS:-2}
search_requests=${SEARCH_REQUESTS:-300}
sample_size=1000
if $smoke; then
    seconds=${WRK_SECONDS:-2}
    rounds=1
    search_requests=${SEARCH_REQUESTS:-20}
    sample_size=200
fi

# The tools: installed when missing, unless this is the test suite's smoke run.
source "$(dirname "$(realpath "$0")")/reference_nginx.sh"
command -v wrk >/dev/null || install_package wrk api
command -v wrk >/dev/null || { echo "wrk could not be installed" >&2; exit 1; }
[[ -n $(nginx_binary) ]] || install_package nginx api
nginx=$(nginx_binary)
[[ -n $nginx ]] || { echo "nginx could not be installed" >&2; exit 1; }
for tool in curl sqlite3 jq; do
    command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done

lua=$(dirname "$(realpath "$0")")/api_bench.lua
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# The day and its database. The schema check imports a tiny day with this crn-server: a cached
# database written by an importer with another schema is imported again.
$use_cache || cache=$work/cache
data=$cache/calls-$calls-seed-$seed
mkdir -p "$data"
# The schema of what import writes only (the calls' and the importer's tables): serve adds the
# users, audit and escalation tables to any database it opens, and a served database is still
# the same import.
schema_of() {
    sqlite3 "$1" "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL
        AND (tbl_name IN ('calls', 'call_keys', 'recordings', 'store_settings')
             OR tbl_name LIKE 'import%') ORDER BY name"
}
"$server" generate --out "$work/tiny" --calls 20 --seed 1 >/dev/null
"$server" import --db "$work/tiny.db" "$work/tiny" >/dev/null
if [[ -f $data/day.complete ]]; then
    echo "day:      reusing $data/day"
else
    rm -rf "$data/day" "$data/calls.db" "$data/db.complete"
    echo "day:      generating $calls calls (seed $seed) ... (load $(load))"
    start=$(now)
    "$server" generate --out "$data/day" --calls "$calls" --seed "$seed" >/dev/null
    printf 'day:      %d CEL rows generated in %.1f s\n' "$(wc -l <"$data/day/cel/Master.csv")" \
        "$(echo "$(now) - $start" | bc -l)"
    touch "$data/day.complete"
fi
if [[ -f $data/db.complete && $(schema_of "$data/calls.db") == "$(schema_of "$work/tiny.db")" ]]; then
    echo "database: reusing $data/calls.db"
else
    rm -f "$data/calls.db" "$data/db.complete"
    echo "database: importing ... (load $(load))"
    start=$(now)
    "$server" import --db "$data/calls.db" "$data/day" >"$work/import.out"
    printf 'database: imported in %.1f s (load %s): %s\n' "$(echo "$(now) - $start" | bc -l)" \
        "$(load)" "$(tail -n 1 "$work/import.out")"
    touch "$data/db.complete"
fi
stored=$(sqlite3 "$data/calls.db" 'SELECT count(*) FROM calls')
echo "database: $stored calls"
((stored > 0)) || { echo "the database holds no calls" >&2; exit 1; }

# A supervisor's bearer token, sent with every request to crn-server (nginx ignores it).
token=$("$server" user add bench --role supervisor --replace-token --db "$data/calls.db" 2>/dev/null)
[[ $token == crn_* ]] || { echo "crn-server user add printed no token" >&2; exit 1; }
auth="Authorization: Bearer $token"

# crn-server picks its own free port and says which.
# SERVE_THREADS, when set, is serve's --threads (default: one thread per core).
serve_threads=()
[[ -n ${SERVE_THREADS:-} ]] && serve_threads=(--threads "$SERVE_THREADS")
"$server" serve --db "$data/calls.db" --listen 127.0.0.1:0 "${serve_threads[@]}" \
    >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
pids+=("$server_pid")
for _ in $(seq 300); do
    grep -q 'listening on' "$work/server.out" && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
ours=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/server.out" || true)
[[ $ours == http* ]] || { echo "crn-server did not start: $(cat "$work/server.err")" >&2; exit 1; }

# CRNs at random, the same ones for the same seed: a reservoir sample in awk.
sqlite3 "$data/calls.db" 'SELECT crn FROM calls ORDER BY crn' >"$work/all-crns"
awk -v seed="$seed" -v n="$sample_size" 'BEGIN { srand(seed) }
    NR <= n { kept[NR] = $0; next }
    { j = int(rand() * NR) + 1; if (j <= n) kept[j] = $0 }
    END { for (i = 1; i <= n && i <= NR; i++) print kept[i] }' "$work/all-crns" >"$work/crns"
sampled=$(wc -l <"$work/crns")
# CRNs are Asterisk uniqueids ("epoch.sequence"); anything else would need percent-encoding.
grep -qv '^[A-Za-z0-9._-]*$' "$work/crns" && { echo "a CRN needs percent-encoding" >&2; exit 1; }
sed 's|^|/api/v1/calls/|' "$work/crns" >"$work/paths"

# Every sampled call once, kept for the static file and the phone numbers; all must be 200.
mkdir -p "$work/calls"
: >"$work/fetch.curl"
n=0
while read -r path; do
    n=$((n + 1))
    ((n == 1)) || echo next >>"$work/fetch.curl"
    # A command line's --write-out would only apply to the last URL; each gets its own.
    printf 'url = "%s%s"\nheader = "%s"\noutput = "%s/calls/%d.json"\nwrite-out = "%%{http_code} %%{size_download}\\n"\n' \
        "$ours" "$path" "$auth" "$work" "$n" >>"$work/fetch.curl"
done <"$work/paths"
curl -s -K "$work/fetch.curl" >"$work/fetch.codes" || true
[[ $(wc -l <"$work/fetch.codes") == "$sampled" ]] || { echo "curl fetched too few calls" >&2; exit 1; }
bad=$(awk '$1 != 200' "$work/fetch.codes" | wc -l)
((bad == 0)) || { echo "$bad of $sampled sampled calls did not answer 200" >&2; exit 1; }

# The static file: the call whose JSON has the median size, with crn-server's exact bytes.
median_line=$(awk '{ print $2, NR }' "$work/fetch.codes" | sort -n | sed -n "$(((sampled + 1) / 2))p")
median_index=${median_line#* }
mkdir -p "$work/www"
cp "$work/calls/$median_index.json" "$work/www/call.json"
ours_type=$(curl -s -H "$auth" -o /dev/null -w '%{content_type}' "$ours$(sed -n "${median_index}p" "$work/paths")")

# nginx serving the same bytes as a file.
start_reference_nginx "$work" "$work/www" "$ours_type json;" call.json
cmp -s <(curl -s "$reference") "$work/www/call.json" || { echo "nginx sends other bytes" >&2; exit 1; }
reference_type=$(curl -s -o /dev/null -w '%{content_type}' "$reference")
[[ $reference_type == "$ours_type" ]] ||
    { echo "Content-Type differs: '$ours_type' and '$reference_type'" >&2; exit 1; }

# wrk, alternating crn-server and nginx, best of the rounds for each.
run_wrk() { # url [paths file]
    wrk -t"$threads" -c"$connections" -d"${seconds}s" -H "$auth" -s "$lua" "$1" -- "${2:-}" |
        grep '^RESULT' || { echo "wrk printed no result for $1" >&2; exit 1; }
}
field() { # line name
    sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"
}
printf 'wrk:      %d thread(s), %d connections, %d s a run, %d round(s), %d CRNs round-robin\n' \
    "$threads" "$connections" "$seconds" "$rounds" "$sampled"
printf 'file:     %d bytes of JSON (median of the sampled calls), Content-Type %s\n' \
    "$(stat -c %s "$work/www/call.json")" "$ours_type"
# A short warm-up each: the first requests touch database pages that are not cached yet.
wrk -t1 -c1 -d1s -H "$auth" -s "$lua" "$ours" -- "$work/paths" >/dev/null
wrk -t1 -c1 -d1s "$reference" >/dev/null
best_ours="" best_reference=""
for round in $(seq "$rounds"); do
    line=$(run_wrk "$ours" "$work/paths")
    ours_load=$(load)
    echo "  round $round crn-server: $line (load $ours_load)"
    [[ $(field "$line" non2xx) == 0 && $(field "$line" errors) == 0 ]] ||
        { echo "crn-server answered with errors under load" >&2; exit 1; }
    if [[ -z $best_ours ]] || (($(echo "$(field "$line" rps) > $(field "$best_ours" rps)" | bc -l))); then
        best_ours=$line best_ours_load=$ours_load
    fi
    line=$(run_wrk "$reference")
    reference_load=$(load)
    echo "  round $round nginx:      $line (load $reference_load)"
    if [[ -z $best_reference ]] ||
        (($(echo "$(field "$line" rps) > $(field "$best_reference" rps)" | bc -l))); then
        best_reference=$line best_reference_load=$reference_load
    fi
done
ours_rps=$(field "$best_ours" rps)
reference_rps=$(field "$best_reference" rps)
ours_p99=$(field "$best_ours" p99_us)
printf 'GET call: crn-server %8.0f req/s (load %s)   nginx %8.0f req/s (load %s)\n' \
    "$ours_rps" "$best_ours_load" "$reference_rps" "$best_reference_load"
printf 'GET call: ratio %.2f (goal >= 0.50)\n' "$(echo "$ours_rps / $reference_rps" | bc -l)"
printf 'GET call: crn-server p50 %.2f ms, p99 %.2f ms (goal p99 < 5 ms); nginx p99 %.2f ms\n' \
    "$(echo "$(field "$best_ours" p50_us) / 1000" | bc -l)" "$(echo "$ours_p99 / 1000" | bc -l)" \
    "$(echo "$(field "$best_reference" p99_us) / 1000" | bc -l)"

# Search. The queries come from the sampled calls, so each has at least one match.
pick() { # file count: COUNT lines of FILE, repeating them when there are fewer, seeded
    awk -v seed="$seed" -v n="$2" 'BEGIN { srand(seed + 1) } { line[NR] = $0 }
        END { for (i = 0; i < n; i++) print line[int(rand() * NR) + 1] }' "$1"
}
# CRN prefix: the CRN without its last three characters (a few calls share it).
sed 's/...$//' "$work/crns" | pick /dev/stdin "$search_requests" | sed 's|^|q=|' >"$work/q-prefix"
# Phone number: the caller's digits of a sampled call, as the records hold them.
jq -r '.caller // empty' "$work"/calls/*.json |
    tr -cd '0-9\n' | awk 'length($0) >= 3' >"$work/numbers"
[[ -s $work/numbers ]] || { echo "no sampled call has a caller number" >&2; exit 1; }
pick "$work/numbers" "$search_requests" | sed 's|^|q=|' >"$work/q-phone"
# Time range: one hour around a sampled call's start, beginning at a random minute up to an
# hour before it (the generated day has quiet hours that a blind pick would land in).
jq -r '.start | sub("\\.[0-9]*"; "") | fromdateiso8601' "$work"/calls/*.json |
    pick /dev/stdin "$search_requests" |
    awk -v seed="$seed" 'BEGIN { srand(seed + 2) }
        { print int($1 / 60) * 60 - int(rand() * 60) * 60 }' |
    while read -r from; do
        printf 'from=%s&to=%s\n' "$(date -u -d "@$from" +%Y-%m-%dT%H:%M:%SZ)" \
            "$(date -u -d "@$((from + 3600))" +%Y-%m-%dT%H:%M:%SZ)"
    done >"$work/q-range"

percentile() { # file p: nearest rank of the sorted numbers in FILE
    sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END { r = int((p * NR + 99) / 100); print v[r < 1 ? 1 : r] }'
}
search() { # name queries-file
    local config=$work/search.curl n=0 query
    : >"$config"
    while read -r query; do
        n=$((n + 1))
        ((n == 1)) || echo next >>"$config"
        printf 'url = "%s/api/v1/calls?%s"\nheader = "%s"\noutput = "%s/search-%s-%d.json"\n' \
            "$ours" "$query" "$auth" "$work" "$1" "$n" >>"$config"
        printf 'write-out = "%%{http_code} %%{time_total}\\n"\n' >>"$config"
    done <"$2"
    curl -s -K "$config" >"$work/search-$1.times" || true
    [[ $(wc -l <"$work/search-$1.times") == "$n" ]] || { echo "curl made too few searches" >&2; exit 1; }
    local bad
    bad=$(awk '$1 != 200' "$work/search-$1.times" | wc -l)
    ((bad == 0)) || { echo "$bad $1 searches did not answer 200" >&2; exit 1; }
    # Every query was made from a stored call, so an empty page means the search is wrong.
    local empty
    empty=$(jq '.calls | length' "$work/search-$1-"*.json | awk '$1 == 0' | wc -l)
    ((empty == 0)) || { echo "$empty $1 searches found nothing" >&2; exit 1; }
    awk '{ print $2 * 1000 }' "$work/search-$1.times" >"$work/search-$1.ms"
    printf 'search %-7s %d requests: p50 %6.2f ms, p99 %6.2f ms (goal p99 < 20 ms) (load %s)\n' \
        "$1" "$n" "$(percentile "$work/search-$1.ms" 50)" "$(percentile "$work/search-$1.ms" 99)" \
        "$(load)"
    rm -f "$work/search-$1-"*.json
}
echo "search:   curl time_total, one kept-alive connection, default page (50 calls)"
search prefix "$work/q-prefix"
search phone "$work/q-phone"
search range "$work/q-range"
