#!/bin/sh
# Runs a command in a private D-Bus session whose Secret Service is a gnome-keyring with an
# unlocked login keyring, in a HOME and runtime folder of its own that are removed afterwards,
# so that parallel runs and the user's own keyring never meet.
#   with_keyring.sh COMMAND [ARGS...]
set -eu
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
mkdir -m 700 "$home/run"
export HOME="$home" XDG_RUNTIME_DIR="$home/run" XDG_CONFIG_HOME= XDG_DATA_HOME=

status=0
dbus-run-session -- sh -c '
    printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    # --unlock answers before the new login keyring takes writes; wait until one goes through.
    tries=0
    until printf probe | secret-tool store --label=crn-probe crn-probe ready 2>/dev/null; do
        tries=$((tries + 1))
        if [ "$tries" -ge 100 ]; then
            echo "with_keyring.sh: gnome-keyring did not unlock its login keyring" >&2
            exit 1
        fi
        sleep 0.1
    done
    secret-tool clear crn-probe ready
    exec "$@"' sh "$@" || status=$?
exit "$status"
