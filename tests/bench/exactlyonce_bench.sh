#!/usr/bin/env bash
# The exactly-once harness of issue 4 at benchmark size: N escalations submitted through the
# console's Outbox while the driver and crn-server are SIGKILLed and answers are dropped.
#   tests/bench/exactlyonce_bench.sh BUILD/tests/escalation/tst_exactlyonce [N] [SEED]
# The last line is the harness's verdict: "submitted N, delivered D, duplicates X, lost L".
set -euo pipefail
test_binary=${1:?usage: exactlyonce_bench.sh TST_EXACTLYONCE [N] [SEED]}
export CRN_HARNESS_N=${2:-1000}
[[ -n ${3:-} ]] && export CRN_HARNESS_SEED=$3
export QT_QPA_PLATFORM=offscreen

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
"$test_binary" exactlyOnceThroughKillsAndDrops -maxwarnings 0 2>&1 | tee "$log" || status=$?
verdict=$(grep -E '^submitted [0-9]+, delivered' "$log" | tail -n 1 || true)
echo "${verdict:-no verdict: the harness did not get as far as counting}"
exit "$status"
