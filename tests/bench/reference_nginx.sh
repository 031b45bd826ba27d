# Sourced by the benchmarks that measure crn-server next to nginx serving the same bytes:
# finding or installing nginx, and starting one of its own on a free loopback port.

nginx_binary() { command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true; }

# Installs a Debian package the benchmark needs. The test suite's smoke runs ($smoke true) never
# install anything: they exit 77, which ctest counts as skipped.
install_package() { # package bench-name
    if $smoke; then
        echo "$1 is not installed: $2 smoke run skipped"
        exit 77
    fi
    echo "Installing $1 with apt-get ..."
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get install -y --no-install-recommends "$1" >/dev/null ||
        { "${sudo[@]}" apt-get update >/dev/null &&
            "${sudo[@]}" apt-get install -y --no-install-recommends "$1" >/dev/null; }
}

# Starts "$nginx" in the foreground as the current user, with a config of its own under
# WORK/nginx, serving ROOT on a port below the ephemeral range (where a client's own end of a
# connection can sit) that nothing answers on; another port if that one is taken after all.
# TYPES is the body of nginx's `types { }` block. Sets `reference` to the URL of PROBE_PATH,
# which must answer (to curl with CURL_ARGS) before it counts as started, and adds nginx's pid
# to `pids`. Exits with a sentence when nginx does not start.
start_reference_nginx() { # work root types probe-path [curl-args...]
    local work=$1 root=$2 types=$3 probe=$4
    shift 4
    local ephemeral_start user_line="" port nginx_pid
    ephemeral_start=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)
    [[ $(id -u) -eq 0 ]] && user_line="user $(id -un) $(id -gn);"
    mkdir -p "$work/nginx"

    reference=""
    for _ in $(seq 10); do
        port=$(shuf -i 10000-$((ephemeral_start - 1)) -n 1)
        ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || continue
        cat >"$work/nginx/nginx.conf" <<EOF
$user_line
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    types { $types }
    server {
        listen 127.0.0.1:$port;
        root $root;
    }
}
EOF
        "$nginx" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" \
            2>>"$work/nginx/start.err" &
        nginx_pid=$!
        for _ in $(seq 100); do
            if curl -sf -o /dev/null "$@" "http://127.0.0.1:$port/$probe"; then
                reference=http://127.0.0.1:$port/$probe
                pids+=("$nginx_pid")
                return 0
            fi
            kill -0 "$nginx_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    done
    echo "nginx did not start: $(cat "$work/nginx/start.err")" >&2
    exit 1
}
