#!/usr/bin/env bash
# Recording serving speed and memory, measured against nginx serving the same file in the same
# run, both on loopback.
#
#   serve_bench.sh CRN_SERVER ADD_RECORDING [SIZE_MB] [--smoke]
#
# Writes a WAV file of SIZE_MB megabytes (default 500), a call database with a recording row for
# it (ADD_RECORDING is the crn-test-add-recording helper), starts `crn-server serve` and an nginx
# (a config in a temp folder, one process, in the foreground, as the current user) on free
# 127.0.0.1 ports, and fetches the file from both with curl: whole, then as 1 MiB Range requests
# over one kept-alive connection (and with wrk, if installed). Prints MB/s of each, their ratio
# (goal: crn-server at least 0.70 of nginx) and crn-server's peak memory (VmHWM), which should
# not grow with the file.
#
# nginx is installed with apt-get when missing, except with --smoke: the small run the test
# suite makes checks the bytes both servers send and exits 77 (skipped) without nginx.
set -euo pipefail

server=$(realpath "$1")
add_recording=$(realpath "$2")
size_mb=${3:-500}
smoke=false
[[ ${4:-} == --smoke ]] && smoke=true

source "$(dirname "$(realpath "$0")")/reference_nginx.sh"
nginx=$(nginx_binary)
if [[ -z $nginx ]]; then
    install_package nginx serve
    nginx=$(nginx_binary)
    [[ -n $nginx ]] || { echo "nginx could not be installed" >&2; exit 1; }
fi

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# A PCM WAV header (8 kHz, mono, 16 bit) and random samples.
le32() { printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $(($1 >> 8 & 255)) \
    $(($1 >> 16 & 255)) $(($1 >> 24 & 255)))"; }
mkdir -p "$work/recordings/2024/06/11"
wav=2024/06/11/1718100000.42.wav
data_bytes=$((size_mb * 1000 * 1000 - 44))
{
    printf 'RIFF'; le32 $((data_bytes + 36)); printf 'WAVEfmt '; le32 16
    printf '\x01\x00\x01\x00'; le32 8000; le32 16000; printf '\x02\x00\x10\x00'
    printf 'data'; le32 "$data_bytes"
    head -c "$data_bytes" /dev/urandom
} >"$work/recordings/$wav"
size=$(stat -c %s "$work/recordings/$wav")
"$add_recording" --db "$work/calls.db" --root "$work/recordings" --id r-bench --path "$wav"

# A supervisor's bearer token, sent with every request (nginx ignores it).
token=$("$server" user add bench --role supervisor --db "$work/calls.db" 2>/dev/null)
[[ $token == crn_* ]] || { echo "crn-server user add printed no token" >&2; exit 1; }
auth="Authorization: Bearer $token"

# crn-server picks its own free port and says which.
"$server" serve --db "$work/calls.db" --listen 127.0.0.1:0 >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
pids+=("$server_pid")
for _ in $(seq 100); do
    grep -q 'listening on' "$work/server.out" && break
    sleep 0.1
done
ours=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/server.out" || true)
ours=${ours:+$ours/api/v1/recordings/r-bench}

[[ $ours == http* ]] || { echo "crn-server did not start: $(cat "$work/server.err")" >&2; exit 1; }
# nginx serving the same folder.
start_reference_nginx "$work" "$work/recordings" "audio/wav wav;" "$wav" -r 0-0

now() { date +%s.%N; }
hwm_kib() { awk '/^VmHWM/ { print $2 }' "/proc/$server_pid/status"; }
idle_hwm=$(hwm_kib)

# Both must send exactly the file, whole and by ranges.
expected=$(sha256sum <"$work/recordings/$wav" | cut -d' ' -f1)
for url in "$ours" "$reference"; do
    got=$(curl -sf -H "$auth" "$url" | sha256sum | cut -d' ' -f1)
    [[ $got == "$expected" ]] || { echo "wrong bytes from $url" >&2; exit 1; }
    got=$(curl -sf -H "$auth" -r 1000-1999 "$url" | sha256sum | cut -d' ' -f1)
    [[ $got == $(tail -c +1001 "$work/recordings/$wav" | head -c 1000 | sha256sum | cut -d' ' -f1) ]] ||
        { echo "wrong range from $url" >&2; exit 1; }
done

# The whole file, best of three (the file is in the page cache for both after the check above).
runs=3
$smoke && runs=1
whole_mbps() { # url
    local best=0 speed
    for _ in $(seq "$runs"); do
        speed=$(curl -sf -H "$auth" -o /dev/null -w '%{speed_download}' "$1")
        best=$(echo "if ($speed > $best) $speed else $best" | bc -l)
    done
    echo "$best / 1000000" | bc -l
}

# Every 1 MiB of the file as its own Range request, one after another on one connection.
chunk=$((1024 * 1024))
ranges_mbps() { # url
    local config=$work/ranges.curl start elapsed
    : >"$config"
    for ((first = 0; first < size; first += chunk)); do
        ((first == 0)) || echo next >>"$config"
        printf 'url = "%s"\nheader = "%s"\nrange = %d-%d\noutput = "/dev/null"\n' \
            "$1" "$auth" "$first" $((first + chunk - 1)) >>"$config"
    done
    start=$(now)
    curl -sf -K "$config"
    elapsed=$(echo "$(now) - $start" | bc -l)
    echo "$size / $elapsed / 1000000" | bc -l
}

ours_whole=$(whole_mbps "$ours")
reference_whole=$(whole_mbps "$reference")
ours_ranges=$(ranges_mbps "$ours")
reference_ranges=$(ranges_mbps "$reference")

printf 'file:              %d bytes, %d ranges of 1 MiB\n' "$size" $(((size + chunk - 1) / chunk))
printf 'whole file:        crn-server %8.0f MB/s   nginx %8.0f MB/s   ratio %.2f (goal >= 0.70)\n' \
    "$ours_whole" "$reference_whole" "$(echo "$ours_whole / $reference_whole" | bc -l)"
printf '1 MiB ranges:      crn-server %8.0f MB/s   nginx %8.0f MB/s   ratio %.2f (goal >= 0.70)\n' \
    "$ours_ranges" "$reference_ranges" "$(echo "$ours_ranges / $reference_ranges" | bc -l)"

if command -v wrk >/dev/null && ! $smoke; then
    wrk_mbps() { # url
        wrk -t1 -c4 -d5s -H "Range: bytes=1048576-2097151" -H "$auth" "$1" |
            awk '/Transfer\/sec/ { v = $2; u = substr(v, length(v) - 1); n = v + 0;
                 if (u == "GB") n *= 1073.741824; else if (u == "MB") n *= 1.048576;
                 else if (u == "KB") n *= 0.001024; print n }'
    }
    ours_wrk=$(wrk_mbps "$ours")
    reference_wrk=$(wrk_mbps "$reference")
    printf 'wrk, 4 connections: crn-server %7.0f MB/s   nginx %8.0f MB/s   ratio %.2f\n' \
        "$ours_wrk" "$reference_wrk" "$(echo "$ours_wrk / $reference_wrk" | bc -l)"
fi

printf 'crn-server memory: peak %d MiB after serving (%d MiB before the first request)\n' \
    $(($(hwm_kib) / 1024)) $((idle_hwm / 1024))
