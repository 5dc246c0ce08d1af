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
# scripts/setup-interop installs. Network namespace, time bounds and settings (RUN_TIMEOUT,
# SDK_PHONES): common.sh. Work files stay in the printed directory.
set -uo pipefail
script="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
binary="${1:-build/release/engine/ringstorm}"
retry_within="${RETRY_WITHIN:-8}"   # seconds from the first `unregistered` to the retry
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$script")/common.sh"

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

prerequisites || exit 1

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
