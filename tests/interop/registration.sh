#!/usr/bin/env bash
# The `exotel-web-sdk-2.0.5` registration model against the REAL SDK: for each case, real
# @exotel-npm-dev/webrtc-client-sdk 2.0.5 phones in headless Chromium (sdk_phone.mjs) and
# Ringstorm phones (`--contract exotel-web-sdk-2.0.5`) register against the same
# `ringstorm serve`, and the per-phone sequences of RegisterEventCallBack states are compared
# (names in order, timing ignored):
#   tests/interop/registration.sh [RINGSTORM_BINARY]   (default build/release/engine/ringstorm)
# Cases:
#   register-unregister  correct password: DoRegister, hold 2 s, UnRegister (whole sequence)
#   wrong-password       serve expects another password: the first two failure cycles of the
#                        retry loop, and the real SDK must retry within RETRY_WITHIN (8) s
# Prints one "PASS interop: <case>" or "FAIL interop: <case> (expected … got …)" line per case
# (expected = the real SDK, got = Ringstorm) and exits 1 if any failed. Needs what
# scripts/setup-interop installs. As root it re-runs itself in a private network namespace
# whose only interface is lo (nothing, not even the SDK's hard-coded STUN lookup, leaves the
# machine); otherwise everything stays on 127.0.0.1 anyway. Every run is bounded by
# RUN_TIMEOUT (60) seconds; serve is stopped by PID. Work files stay in the printed directory.
set -uo pipefail
script="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
root="$(cd "$(dirname "$script")/../.." && pwd)"
cd "$root" || exit 1
binary="${1:-build/release/engine/ringstorm}"
run_timeout="${RUN_TIMEOUT:-60}"
sdk_phones="${SDK_PHONES:-2}"       # real SDK phones per case; Ringstorm runs as many
retry_within="${RETRY_WITHIN:-8}"   # seconds from the first `unregistered` to the retry
interop="$root/tests/interop"

if [ -z "${RINGSTORM_INTEROP_NETNS:-}" ]; then
  if [ "$(id -u)" -eq 0 ] && unshare --net true 2>/dev/null; then
    RINGSTORM_INTEROP_NETNS=1 exec unshare --net -- bash "$script" "$@"
  fi
  export RINGSTORM_INTEROP_NETNS=0
fi
if [ "$RINGSTORM_INTEROP_NETNS" = 1 ]; then
  ip link set lo up
fi

work="$(mktemp -d /tmp/ringstorm-interop.XXXXXX)"
echo "interop: work files in $work (private network namespace: $([ "$RINGSTORM_INTEROP_NETNS" = 1 ] && echo yes || echo no))"
passed=0
failed=0
serve_pid=""

pass() {
  echo "PASS interop: $1"
  passed=$((passed + 1))
}
fail() {
  echo "FAIL interop: $1 ($2)"
  failed=$((failed + 1))
}

# Stops the serve started last: SIGTERM by PID, then SIGKILL after 5 s.
serve_stop() {
  [ -n "$serve_pid" ] || return 0
  kill -TERM "$serve_pid" 2>/dev/null
  local deadline=$((SECONDS + 5))
  while kill -0 "$serve_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.1
  done
  kill -KILL "$serve_pid" 2>/dev/null
  wait "$serve_pid" 2>/dev/null
  serve_pid=""
}
trap serve_stop EXIT
trap 'exit 130' INT TERM

# serve_start DIR PASSWORD: `ringstorm serve` on a free loopback port with a self-signed
# certificate (DIR/cert.pem) for accounts 1{n:04}; sets serve_url once it listens.
serve_start() {
  local dir="$1" password="$2" deadline
  mkdir -p "$dir"
  "$binary" serve --listen "wss://127.0.0.1:0/ws" --write-cert "$dir/cert.pem" \
    --accounts "1{n:04}" --password "$password" --threads 1 >"$dir/serve.log" 2>&1 &
  serve_pid=$!
  deadline=$((SECONDS + 10))
  serve_url=""
  while [ -z "$serve_url" ] && [ "$SECONDS" -lt "$deadline" ] && kill -0 "$serve_pid" 2>/dev/null; do
    sleep 0.1
    serve_url=$(sed -n 's/^ringstorm serve: listening on \(wss:[^ ]*\).*/\1/p' "$dir/serve.log")
  done
  [ -n "$serve_url" ] && [ -s "$dir/cert.pem" ]
}

# Account numbers: real SDK phones are 1{n:04} from n = 1; Ringstorm's start at n = 101
# (`first: 101` in its scenarios), so the two never share an AOR.
sdk_users() {
  local i users=""
  for i in $(seq 1 "$sdk_phones"); do
    users="${users:+$users,}$(printf '1%04d' "$i")"
  done
  echo "$users"
}

# run_sdk DIR ARGS...: the real SDK phones; events in DIR/sdk.jsonl, console in DIR/sdk-console.log.
run_sdk() {
  local dir="$1"
  shift
  timeout --kill-after=5 "$run_timeout" node "$interop/sdk_phone.mjs" --target "$serve_url" \
    --users "$(sdk_users)" --events "$dir/sdk.jsonl" --console "$dir/sdk-console.log" "$@" \
    >"$dir/sdk.log" 2>&1
  sdk_status=$?
}

# run_ringstorm DIR SCENARIO PASSWORD: Ringstorm's phones; events in DIR/ringstorm.jsonl.
run_ringstorm() {
  local dir="$1" scenario="$2" password="$3"
  mkdir -p "$dir/out"
  timeout --kill-after=5 "$run_timeout" "$binary" run "$interop/scenarios/$scenario" \
    --target "$serve_url" --ca "$dir/cert.pem" --contract exotel-web-sdk-2.0.5 \
    --phones "$sdk_phones" --password "$password" \
    --events "$dir/ringstorm.jsonl" --out "$dir/out" --quiet >"$dir/ringstorm.log" 2>&1
  rs_status=$?
}

# Prints one line per phone of an events file: "PHONE<TAB>register events in order".
# With CYCLES > 0 the sequence stops at the CYCLES-th `unregistered`, and a third column gives
# the seconds from the first `unregistered` to the next `sent_request` ("none": no retry).
sequences() {
  local file="$1" cycles="${2:-0}"
  [ -s "$file" ] || return 0
  jq -r -s --argjson k "$cycles" '
    map(select(.cb == "register")) | group_by(.phone) | .[] | . as $e
    | [range(0; length) | select($e[.].event == "unregistered")] as $u
    | (if $k > 0 and ($u | length) >= $k then $e[0:$u[$k - 1] + 1] else $e end) as $cut
    | (if ($u | length) > 0
       then ([$e[$u[0] + 1:][] | select(.event == "sent_request")][0].t // null) else null end) as $rt
    | "\($e[0].phone)\t\($cut | map(.event) | join(" "))"
      + (if $k > 0 then "\t\(if $rt == null then "none"
                            else ((($rt - $e[$u[0]].t) * 1000 | round) / 1000) end)" else "" end)
  ' "$file"
}

# compare CASE DIR [CYCLES]: the real SDK's sequences (all its phones must agree) against
# Ringstorm's (each of its phones must show the same); with CYCLES, also the retry delay.
compare() {
  local name="$1" dir="$2" cycles="${3:-0}" real ours real_seqs our_seqs expected n_real n_ours
  real=$(sequences "$dir/sdk.jsonl" "$cycles")
  ours=$(sequences "$dir/ringstorm.jsonl" "$cycles")
  printf '%s\n' "$real" | sed 's/^/  real SDK  /'
  printf '%s\n' "$ours" | sed 's/^/  ringstorm /'
  n_real=$(printf '%s' "$real" | grep -c .)
  n_ours=$(printf '%s' "$ours" | grep -c .)
  if [ "$n_real" -ne "$sdk_phones" ]; then
    fail "$name" "expected register callbacks from $sdk_phones real SDK phone(s), got $n_real (see $dir/sdk.log)"
    return
  fi
  if [ "$n_ours" -ne "$sdk_phones" ]; then
    fail "$name" "expected register callbacks from $sdk_phones Ringstorm phone(s), got $n_ours (see $dir/ringstorm.log)"
    return
  fi
  real_seqs=$(cut -f2 <<<"$real" | sort -u)
  our_seqs=$(cut -f2 <<<"$ours" | sort -u)
  if [ "$(grep -c . <<<"$real_seqs")" -ne 1 ]; then
    fail "$name" "the real SDK phones disagree among themselves: $(paste -sd'|' <<<"$real_seqs")"
    return
  fi
  expected="$real_seqs"
  if [ "$cycles" -gt 0 ]; then
    local delay
    delay=$(cut -f3 <<<"$real" | sort -g | tail -n 1)
    if [ "$delay" = "none" ] || ! awk -v d="$delay" -v w="$retry_within" 'BEGIN { exit !(d <= w) }'; then
      fail "$name" "expected the real SDK to retry within ${retry_within}s of its first unregistered, got ${delay}s"
      return
    fi
    if [ "$(grep -c -w unregistered <<<"$(tr ' ' '\n' <<<"$expected")")" -lt "$cycles" ]; then
      fail "$name" "expected $cycles failure cycles from the real SDK in the window, got: $expected"
      return
    fi
    if grep -qv $'\t''[0-9.]*$' <<<"$ours"; then
      fail "$name" "expected a retry after the first unregistered, got none from Ringstorm: $(paste -sd'|' <<<"$our_seqs")"
      return
    fi
  fi
  if [ "$our_seqs" != "$expected" ]; then
    fail "$name" "expected [$expected] got [$(paste -sd'|' <<<"$our_seqs")]"
    return
  fi
  pass "$name"
}

if [ ! -x "$binary" ]; then
  fail "ringstorm binary" "expected an executable at '$binary', got none (build it first)"
  exit 1
fi
if [ ! -f "$interop/node_modules/@exotel-npm-dev/webrtc-client-sdk/dist/exotelsdk.js" ]; then
  fail "sdk install" "expected the SDK in $interop/node_modules, got none (run scripts/setup-interop)"
  exit 1
fi

# (a) correct password: register (401, 200), hold 2 s, UnRegister().
name="register-unregister"
dir="$work/$name"
if ! serve_start "$dir" secret; then
  fail "$name" "expected ringstorm serve to listen, got nothing (see $dir/serve.log)"
else
  run_sdk "$dir" --password secret --hold 2
  run_ringstorm "$dir" register-unregister.yaml secret
  if [ "$sdk_status" -ne 0 ]; then
    fail "$name" "expected the real SDK phones to finish (exit 0), got exit $sdk_status: $(tail -n 3 "$dir/sdk.log" | tr '\n' ' ')"
  elif [ "$rs_status" -ne 0 ]; then
    fail "$name" "expected ringstorm run to pass (exit 0), got exit $rs_status (see $dir/ringstorm.log)"
  else
    compare "$name" "$dir"
  fi
fi
serve_stop

# (b) wrong password: serve expects another one; the registration fails and the SDK retries.
name="wrong-password"
dir="$work/$name"
if ! serve_start "$dir" secret; then
  fail "$name" "expected ringstorm serve to listen, got nothing (see $dir/serve.log)"
else
  run_sdk "$dir" --password not-secret --observe 12
  run_ringstorm "$dir" wrong-password.yaml not-secret
  if [ "$sdk_status" -ne 0 ]; then
    fail "$name" "expected the real SDK phones to finish (exit 0), got exit $sdk_status: $(tail -n 3 "$dir/sdk.log" | tr '\n' ' ')"
  elif [ "$rs_status" -ne 0 ] && [ "$rs_status" -ne 1 ]; then
    # 1 is the expected verdict (the phone never registered); anything else is a broken run.
    fail "$name" "expected ringstorm run to complete (exit 0 or 1), got exit $rs_status (see $dir/ringstorm.log)"
  else
    compare "$name" "$dir" 2
  fi
fi
serve_stop

echo "interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
