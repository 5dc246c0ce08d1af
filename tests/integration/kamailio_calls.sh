#!/usr/bin/env bash
# Ringstorm callers call Ringstorm callees through a real Kamailio 5.6
# (docker/kamailio/kamailio.cfg) on loopback, with digest auth on (401 to REGISTER, 407 to
# INVITE):
#   tests/integration/kamailio_calls.sh [RINGSTORM_BINARY]   (default build/release/engine/ringstorm)
# Per case, two `ringstorm run` processes at once: the callees, then, once Kamailio holds
# every callee's binding, the callers; phone n of the callers calls phone n of the callees.
#   talk:   scenarios/kamailio-call-{callee,caller}.yaml: the callee answers and waits for
#           the end; the caller holds, unholds, sends DTMF and hangs up (BYE).
#   cancel: scenarios/kamailio-cancel-{callee,caller}.yaml: the callee rings; the caller
#           hangs up while ringing (CANCEL relayed by Kamailio, 200 + 487).
# Cases: talk over ws and wss (trusting the run's certificate with --ca) under both contract
# profiles, cancel over ws (documented) and wss (2.0.5); each case has its own accounts. A
# case passes when both runs exit 0 with zero contract violations and no protocol error,
# every call was placed and (talk) answered and completed on both sides, the latencies of
# what the phones did are recorded, and Kamailio's own counters agree: one 407 per call;
# talk: every transaction of the calls (INVITE, two re-INVITEs, an INFO per digit, BYE)
# ended 2xx, none 3xx-6xx; cancel: one 2xx (the CANCEL) and one 4xx (the INVITE's 487) per
# call.
# Prints one "PASS <case>" or "FAIL <case>: why" line per case and exits 1 if any failed.
# Each ringstorm run is bounded by RUN_TIMEOUT seconds (default 60); Kamailio is stopped by
# PID on exit. Work files stay in the printed directory.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root" || exit 1
binary="${1:-build/release/engine/ringstorm}"
scenarios="tests/integration/scenarios"
run_timeout="${RUN_TIMEOUT:-60}"
phones="${CALL_PHONES:-20}"
rate="${CALL_RATE:-20}"
# Transactions per call in kamailio-call-caller.yaml: INVITE, hold, unhold, BYE, and one
# INFO per DTMF digit ("12#").
talk_transactions_per_call=7
source tests/integration/kamailio/peer.sh

work="$(mktemp -d /tmp/ringstorm-it-kamailio-calls.XXXXXX)"
echo "kamailio calls integration: work files in $work"
passed=0
failed=0
callee_pid=""
cleanup() {
  if [ -n "$callee_pid" ]; then
    kill -TERM "$callee_pid" 2>/dev/null
    wait "$callee_pid" 2>/dev/null
  fi
  kamailio_stop "$KAMAILIO_PID"
}
trap cleanup EXIT
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
  fail "kamailio calls: ringstorm binary" "'$binary' is missing or not executable (build it first)"
  exit 1
fi
if ! kamailio_start "$work/kamailio"; then
  fail "kamailio calls: start" "Kamailio did not start (see $work/kamailio/kamailio.log)"
  exit 1
fi
echo "kamailio: pid $KAMAILIO_PID, $KAMAILIO_WS_URL and $KAMAILIO_WSS_URL"
metrics_url="http://127.0.0.1:${KAMAILIO_WS_URL##*:}metrics"

# One of Kamailio's own statistics from its /metrics (xhttp_prom), e.g. tmx_2xx_transactions.
kamailio_stat() {
  curl -s --max-time 5 "$metrics_url" | awk -v name="kamailio_$1" '$1 == name { print $2 }'
}

# Prints why summary.json in directory DIR breaks the jq condition FILTER.
summary_check() {
  local dir="$1" filter="$2" what="$3"
  if [ ! -s "$dir/summary.json" ]; then
    echo "no summary.json in $dir"
    return 1
  fi
  if ! jq -e "$filter" "$dir/summary.json" >/dev/null 2>&1; then
    echo "$what; summary: $(jq -c '{verdict, phones, calls, violations: .contract.by_rule,
      errors: .protocol_errors.by_kind}' "$dir/summary.json" 2>/dev/null || echo 'not valid JSON')"
    return 1
  fi
}

# call_case KIND SLUG CONTRACT URL CALLEES CALLERS [OPTIONS...]: $phones callers (accounts
# CALLERS) call $phones callees (accounts CALLEES) through Kamailio at URL; KIND is talk or
# cancel (see the top of this file).
call_case() {
  local kind="$1" slug="$2" contract="$3" url="$4" callees="$5" callers="$6"
  shift 6
  local name="kamailio calls: $kind-$slug" dir="$work/$kind-$slug" users_before users deadline
  local callee_status caller_status why stat callee_yaml caller_yaml dialled
  local -A before delta
  if [ "$kind" = talk ]; then
    callee_yaml="$scenarios/kamailio-call-callee.yaml"
    caller_yaml="$scenarios/kamailio-call-caller.yaml"
  else
    callee_yaml="$scenarios/kamailio-cancel-callee.yaml"
    caller_yaml="$scenarios/kamailio-cancel-caller.yaml"
  fi
  mkdir -p "$dir/callee" "$dir/caller"
  local stats=(sl_407_replies tmx_2xx_transactions tmx_3xx_transactions tmx_4xx_transactions
    tmx_5xx_transactions tmx_6xx_transactions)
  for stat in "${stats[@]}"; do
    before[$stat]=$(kamailio_stat "$stat")
  done
  users_before=$(kamailio_stat usrloc_registered_users)
  # The caller file dials its callee file's accounts; this case's callees instead.
  dialled=$(sed -n 's/^  pattern: "\([^"]*\)".*/\1/p' "$callee_yaml")
  sed "s/to: \"$dialled\"/to: \"$callees\"/" "$caller_yaml" >"$dir/caller.yaml"
  if ! grep -qF "to: \"$callees\"" "$dir/caller.yaml"; then
    fail "$name" "cannot point $caller_yaml at the callees $callees (it should dial \"$dialled\")"
    return
  fi

  local common=(--target "$url" --contract "$contract" --phones "$phones" --rate "$rate"
    --password "$KAMAILIO_PASSWORD" --quiet "$@")
  timeout --kill-after=5 "$run_timeout" "$binary" run "$callee_yaml" --out "$dir/callee" \
    --accounts "$callees" --events "$dir/callee/events.jsonl" "${common[@]}" \
    >"$dir/callee/ringstorm.log" 2>&1 &
  callee_pid=$!
  # The callers start once Kamailio holds every callee's binding (bounded).
  deadline=$((SECONDS + 15))
  users=$(kamailio_stat usrloc_registered_users)
  while [ $((${users:-0} - ${users_before:-0})) -lt "$phones" ] && [ "$SECONDS" -lt "$deadline" ] &&
    kill -0 "$callee_pid" 2>/dev/null; do
    sleep 0.1
    users=$(kamailio_stat usrloc_registered_users)
  done
  timeout --kill-after=5 "$run_timeout" "$binary" run "$dir/caller.yaml" --out "$dir/caller" \
    --accounts "$callers" --events "$dir/caller/events.jsonl" "${common[@]}" \
    >"$dir/caller/ringstorm.log" 2>&1
  caller_status=$?
  if [ "$caller_status" -ne 0 ]; then
    kill -TERM "$callee_pid" 2>/dev/null  # its callees wait for calls that will not come
  fi
  wait "$callee_pid"
  callee_status=$?
  callee_pid=""

  if [ "$caller_status" -ne 0 ] || [ "$callee_status" -ne 0 ]; then
    fail "$name" "exit caller $caller_status, callee $callee_status, expected 0 and 0 (logs: $dir/*/ringstorm.log)"
    return
  fi
  local both=".verdict == \"pass\" and .contract.violations == 0 and .contract.checked > 0
      and .phones.failed == 0 and .protocol_errors.total == 0
      and .calls.offered == $phones and .calls.failed == 0" caller_more callee_more
  if [ "$kind" = talk ]; then
    both="$both and .calls.answered == .calls.offered and .calls.completed == .calls.offered"
    caller_more=".latency_seconds.hold.count == $phones and .latency_seconds.unhold.count == $phones
      and .latency_seconds.bye.count == $phones"
    callee_more=".latency_seconds.answer_to_ack.count == $phones"
  else
    both="$both and .calls.answered == 0 and .calls.completed == 0"
    caller_more=".latency_seconds.cancel.count == $phones"
    callee_more="true"
  fi
  if ! why=$(summary_check "$dir/caller" "$both and $caller_more" \
    "callers: expected pass, no violation, $phones calls placed ($kind), their latencies"); then
    fail "$name" "$why"
    return
  fi
  if ! why=$(summary_check "$dir/callee" "$both and $callee_more
      and .latency_seconds.invite_to_incoming.count == $phones" \
    "callees: expected pass, no violation, $phones calls offered ($kind)"); then
    fail "$name" "$why"
    return
  fi
  # Kamailio's view of the same calls.
  for stat in "${stats[@]}"; do
    delta[$stat]=$(($(kamailio_stat "$stat") - ${before[$stat]:-0}))
  done
  local want2xx want4xx
  if [ "$kind" = talk ]; then
    want2xx=$((phones * talk_transactions_per_call))
    want4xx=0
  else
    want2xx=$phones
    want4xx=$phones
  fi
  if [ "${delta[sl_407_replies]}" -ne "$phones" ] || [ "${delta[tmx_2xx_transactions]}" -ne "$want2xx" ] ||
    [ "${delta[tmx_4xx_transactions]}" -ne "$want4xx" ] ||
    [ $((delta[tmx_3xx_transactions] + delta[tmx_5xx_transactions] + delta[tmx_6xx_transactions])) -ne 0 ]; then
    fail "$name" "Kamailio counted ${delta[sl_407_replies]} 407s (expected $phones), ${delta[tmx_2xx_transactions]} 2xx transactions (expected $want2xx), ${delta[tmx_4xx_transactions]} 4xx (expected $want4xx), $((delta[tmx_3xx_transactions] + delta[tmx_5xx_transactions] + delta[tmx_6xx_transactions])) 3xx/5xx/6xx (expected 0)"
    return
  fi
  pass "$name"
}

call_case talk ws-documented documented "$KAMAILIO_WS_URL" "61{n:03}" "71{n:03}"
call_case talk ws-exotel-web-sdk-2.0.5 exotel-web-sdk-2.0.5 "$KAMAILIO_WS_URL" "62{n:03}" "72{n:03}"
call_case talk wss-documented documented "$KAMAILIO_WSS_URL" "63{n:03}" "73{n:03}" --ca "$KAMAILIO_CA"
call_case talk wss-exotel-web-sdk-2.0.5 exotel-web-sdk-2.0.5 "$KAMAILIO_WSS_URL" "64{n:03}" \
  "74{n:03}" --ca "$KAMAILIO_CA"
call_case cancel ws-documented documented "$KAMAILIO_WS_URL" "65{n:03}" "75{n:03}"
call_case cancel wss-exotel-web-sdk-2.0.5 exotel-web-sdk-2.0.5 "$KAMAILIO_WSS_URL" "66{n:03}" \
  "76{n:03}" --ca "$KAMAILIO_CA"

kamailio_stop "$KAMAILIO_PID"
echo "kamailio calls integration: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
