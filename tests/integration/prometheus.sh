#!/usr/bin/env bash
# A real Prometheus (Debian's 2.42, installed by scripts/setup-peers) scrapes a run's live
# /metrics on loopback; the test asks Prometheus, through its HTTP API, for what it stored:
#   tests/integration/prometheus.sh [RINGSTORM_BINARY]   (default build/release/engine/ringstorm)
# Cases: the interface's series arrive with their labels (ringstorm_phones{state}, the step
# histogram usable by histogram_quantile, counters with _total).
# Prints one "PASS <case>" or "FAIL <case>: why" line per case; exits 1 if any failed.
# Prometheus and the run are bounded in time and stopped by PID.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root" || exit 1
binary="${1:-build/release/engine/ringstorm}"
work="$(mktemp -d /tmp/ringstorm-it-prometheus.XXXXXX)"
echo "prometheus integration: work files in $work"
failed=0
prom_pid=""
run_pid=""
cleanup() {
  for pid in $run_pid $prom_pid; do
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

free_port() {  # a port nothing listens on (ss from iproute2)
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))  # below the ephemeral range (32768+)
    ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
}

if [ ! -x "$binary" ] || ! command -v prometheus >/dev/null; then
  fail "prometheus: setup" "need $binary and prometheus (scripts/setup-peers)"
  exit 1
fi
metrics_port=$(free_port)
prom_port=$(free_port)
cat >"$work/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: ringstorm
    static_configs:
      - targets: ["127.0.0.1:$metrics_port"]
YML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
prom_pid=$!
api="http://127.0.0.1:$prom_port/api/v1"
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$prom_port/-/ready" >/dev/null && break
  sleep 0.1
done
if ! curl -sf "http://127.0.0.1:$prom_port/-/ready" >/dev/null; then
  fail "prometheus: start" "Prometheus did not become ready (see $work/prometheus.log)"
  exit 1
fi

timeout --kill-after=5 60 "$binary" run tests/integration/scenarios/prometheus-scrape.yaml \
  --prometheus "127.0.0.1:$metrics_port" --out "$work/out" --quiet >"$work/run.log" 2>&1 &
run_pid=$!

# query EXPR: the first sample's value of an instant query, or empty.
query() {
  curl -sf --max-time 5 "$api/query" --data-urlencode "query=$1" | jq -r '.data.result[0].value[1] // empty'
}
# Waits (bounded) while the run is live for EXPR to have a value; prints it.
wait_for() {
  local v=""
  for _ in $(seq 120); do
    v=$(query "$1")
    [ -n "$v" ] && [ "$v" != "NaN" ] && [ "$v" != "0" ] && { echo "$v"; return 0; }
    sleep 0.25
  done
  echo "$v"
  return 1
}

registered=$(wait_for 'ringstorm_phones{job="ringstorm",scenario="prometheus-scrape",state="registered"} == 20')
if [ "$registered" = "20" ]; then
  pass "prometheus: ringstorm_phones{state=\"registered\"} reaches 20"
else
  fail "prometheus: phones gauge" "expected 20 registered phones, Prometheus has '${registered}'"
fi
p99=$(wait_for 'histogram_quantile(0.99, sum by (le) (ringstorm_step_duration_seconds_bucket{step="register"}))')
if [ -n "$p99" ] && awk -v v="$p99" 'BEGIN { exit !(v > 0 && v < 5) }'; then
  pass "prometheus: histogram_quantile over the register step ($p99 s)"
else
  fail "prometheus: step histogram" "histogram_quantile gave '${p99}'"
fi
total=$(query 'sum(ringstorm_registrations_total{result="ok"})')
sent=$(query 'sum(ringstorm_sip_messages_total{direction="sent",method="REGISTER"})')
if [ -n "$total" ] && [ "$total" -ge 20 ] 2>/dev/null && [ -n "$sent" ] && [ "$sent" -ge 40 ] 2>/dev/null; then
  pass "prometheus: counters ringstorm_registrations_total ($total) and ringstorm_sip_messages_total ($sent REGISTERs sent)"
else
  fail "prometheus: counters" "ringstorm_registrations_total{result=ok} is '${total}', REGISTERs sent '${sent}'"
fi
wait "$run_pid"
status=$?
run_pid=""
if [ "$status" -eq 0 ]; then
  pass "prometheus: the scraped run passes"
else
  fail "prometheus: run" "exit $status (see $work/run.log)"
fi
[ "$failed" -eq 0 ]
