#!/usr/bin/env bash
# Ringstorm phones against a real Kamailio 5.6 (docker/kamailio/kamailio.cfg) on loopback,
# over ws:// and wss:// with digest auth:
#   tests/integration/kamailio.sh [RINGSTORM_BINARY]   (default build/release/engine/ringstorm)
# Cases: register/hold/unregister for each contract profile over ws and wss (wss trusts the
# run's self-signed certificate with --ca), a wrong password (exit 1, failures recorded,
# reports written) and a dead target (exit 3). Prints one "PASS <case>" or "FAIL <case>: why"
# line per case and exits 1 if any failed. Needs what scripts/setup-peers installs.
# Each ringstorm run is bounded by RUN_TIMEOUT seconds (default 60); Kamailio is stopped by
# PID on exit. Work files stay in the printed directory.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root" || exit 1
binary="${1:-build/release/engine/ringstorm}"
scenario="tests/integration/scenarios/kamailio-register.yaml"
run_timeout="${RUN_TIMEOUT:-60}"
phones="${PHONES:-50}"
rate="${RATE:-25}"
source tests/integration/kamailio/peer.sh

work="$(mktemp -d /tmp/ringstorm-it-kamailio.XXXXXX)"
echo "kamailio integration: work files in $work"
passed=0
failed=0
trap 'kamailio_stop "$KAMAILIO_PID"' EXIT
trap 'exit 130' INT TERM

pass() {
  echo "PASS $1"
  passed=$((passed + 1))
}
fail() {
  echo "FAIL $1: $2"
  failed=$((failed + 1))
}

if [ ! -x "$binary" ]; then
  fail "kamailio: ringstorm binary" "'$binary' is missing or not executable (build it first)"
  exit 1
fi
if ! kamailio_start "$work/kamailio"; then
  fail "kamailio: start" "Kamailio did not start (see $work/kamailio/kamailio.log)"
  exit 1
fi
echo "kamailio: pid $KAMAILIO_PID, $KAMAILIO_WS_URL and $KAMAILIO_WSS_URL"
metrics_url="http://127.0.0.1:${KAMAILIO_WS_URL##*:}metrics"

# One of Kamailio's own statistics from its /metrics (xhttp_prom), e.g. registrar_accepted_regs.
kamailio_stat() {
  curl -s --max-time 5 "$metrics_url" | awk -v name="kamailio_$1" '$1 == name { print $2 }'
}

# run_ringstorm NAME ARGS...: runs `ringstorm run` with its reports in $work/NAME; sets
# status (the exit code, 124 after RUN_TIMEOUT) and out (the --out directory).
run_ringstorm() {
  local name="$1"
  shift
  out="$work/$name"
  mkdir -p "$out"
  timeout --kill-after=5 "$run_timeout" "$binary" run "$scenario" --out "$out" --quiet "$@" \
    >"$out/ringstorm.log" 2>&1
  status=$?
}

# Prints why summary.json of $out breaks the jq condition FILTER (true when it holds).
summary_check() {
  local filter="$1" what="$2"
  if [ ! -s "$out/summary.json" ]; then
    echo "no summary.json in $out"
    return 1
  fi
  if ! jq -e "$filter" "$out/summary.json" >/dev/null 2>&1; then
    echo "$what; summary: $(jq -c '{verdict, phones, register: .latency_seconds.register}' \
      "$out/summary.json" 2>/dev/null || echo 'not valid JSON')"
    return 1
  fi
}

# Every phone registers with the password Kamailio checks, holds 2 s and unregisters:
# exit 0, verdict pass, phones.registered == planned, register latencies recorded, and
# Kamailio itself counted the accepted registrations and holds no contact at the end.
# register_case SLUG CONTRACT URL ACCOUNTS [OPTIONS...]: 50 phones register, hold 2 s and
# unregister. Each case has its own accounts, so Kamailio's user count moves by the case alone.
# What Kamailio holds afterwards is the SDK's doing: its refreshes and de-REGISTER replay the
# last Authorization verbatim (same nonce, nc=00000001), which this Kamailio (nonce_count=1)
# refuses with 401. A `documented` phone reads the 401 and answers it: every binding goes. A
# 2.0.5 phone has closed its WebSocket before the answer (as the real SDK does), so its
# binding stays until it expires: what real 2.0.5 phones leave behind on such a platform.
register_case() {
  local slug="$1" contract="$2" url="$3" accounts="$4"
  shift 4
  local name="kamailio: $slug" before after users_before users expected why deadline
  before=$(kamailio_stat registrar_accepted_regs)
  users_before=$(kamailio_stat usrloc_registered_users)
  run_ringstorm "$slug" --target "$url" --contract "$contract" --phones "$phones" \
    --rate "$rate" --accounts "$accounts" --password "$KAMAILIO_PASSWORD" "$@"
  if [ "$status" -ne 0 ]; then
    fail "$name" "exit $status, expected 0 (log: $out/ringstorm.log)"
    return
  fi
  if ! why=$(summary_check "
      .schema == \"ringstorm.summary/1\" and .verdict == \"pass\"
      and .phones.planned == $phones and .phones.registered == .phones.planned
      and .phones.failed == 0 and .latency_seconds.register.count > 0" \
      "expected verdict pass, $phones of $phones registered, register latencies"); then
    fail "$name" "$why"
    return
  fi
  after=$(kamailio_stat registrar_accepted_regs)
  if [ -z "$before" ] || [ -z "$after" ] || [ $((after - before)) -lt "$phones" ]; then
    fail "$name" "Kamailio accepted $((${after:-0} - ${before:-0})) REGISTERs, expected at least $phones"
    return
  fi
  if [ "$contract" = "documented" ]; then
    expected=$((${users_before:-0}))
  else
    expected=$((${users_before:-0} + phones))
  fi
  # The de-REGISTERs may still be in flight when the last phone reports; allow 5 s.
  deadline=$((SECONDS + 5))
  users=$(kamailio_stat usrloc_registered_users)
  while [ "${users:-x}" != "$expected" ] && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.2
    users=$(kamailio_stat usrloc_registered_users)
  done
  if [ "${users:-x}" != "$expected" ]; then
    fail "$name" "Kamailio holds ${users:-?} registered users after the phones unregistered, expected $expected (before: ${users_before:-?})"
    return
  fi
  pass "$name"
}

register_case ws-documented documented "$KAMAILIO_WS_URL" "21{n:03}"
register_case ws-exotel-web-sdk-2.0.5 exotel-web-sdk-2.0.5 "$KAMAILIO_WS_URL" "22{n:03}"
register_case wss-documented documented "$KAMAILIO_WSS_URL" "23{n:03}" --ca "$KAMAILIO_CA"
register_case wss-exotel-web-sdk-2.0.5 exotel-web-sdk-2.0.5 "$KAMAILIO_WSS_URL" "24{n:03}" --ca "$KAMAILIO_CA"

# A wrong password: Kamailio answers the digest with a second 401, every phone fails its
# registration, the run completes and fails (exit 1) with its reports written.
name="kamailio: wrong-password"
run_ringstorm wrong-password --target "$KAMAILIO_WS_URL" --contract documented --phones 5 \
  --rate 5 --password "not-$KAMAILIO_PASSWORD"
if [ "$status" -ne 1 ]; then
  fail "$name" "exit $status, expected 1 (log: $out/ringstorm.log)"
elif ! why=$(summary_check '.verdict == "fail" and .phones.planned == 5
    and .phones.registered == 0 and .phones.failed == 5' \
    "expected verdict fail with 5 of 5 phones failed, none registered"); then
  fail "$name" "$why"
elif [ ! -s "$out/junit.xml" ] || [ ! -s "$out/report.html" ]; then
  fail "$name" "junit.xml or report.html missing in $out"
else
  pass "$name"
fi

# Nothing listens on the target: the run cannot start (interface.md: exit 3), and the report
# of what ran is still written.
name="kamailio: dead-target"
dead_port=$(kamailio_free_port)
run_ringstorm dead-target --target "ws://127.0.0.1:$dead_port/" --phones 2 --rate 2
if [ "$status" -ne 3 ]; then
  fail "$name" "exit $status, expected 3 (target unreachable; log: $out/ringstorm.log)"
elif ! why=$(summary_check '.verdict == "fail" and .phones.registered == 0' \
    "expected verdict fail, no phone registered"); then
  fail "$name" "$why"
else
  pass "$name"
fi

kamailio_stop "$KAMAILIO_PID"
echo "kamailio integration: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
