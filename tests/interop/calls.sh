#!/usr/bin/env bash
# The `exotel-web-sdk-2.0.5` call model against the REAL SDK: for each case, `ringstorm serve`
# places calls with one behaviour, real @exotel-npm-dev/webrtc-client-sdk 2.0.5 phones in
# headless Chromium (sdk_phone.mjs --steps) and Ringstorm phones (`--contract
# exotel-web-sdk-2.0.5`) run the same flow against it at the same time, and every phone's
# callbacks (RegisterEventCallBack, CallListenerCallback, SessionCallback) are compared row
# by row, names in order, timing ignored:
#   tests/interop/calls.sh [RINGSTORM_BINARY [CASE...]]   (default build/release/engine/ringstorm,
#                                                          every case)
# A case is scenarios/calls-CASE.yaml: the Ringstorm side is the scenario, and two comment
# lines in it give the rest: `# serve: OPTIONS` (serve's call options) and `# sdk-steps:
# STEPS` (the real SDK phones' flow, the same as the scenario's `phone:`), and where the
# target misbehaves on purpose, `# verdict: RULE...` (the contract violations Ringstorm's
# run must report, one per phone; without it the run must pass). Cases: guide,
# remote-hangup, remote-hold, cancel, reject, no-ack (README.md says what each reaches).
#
# Filtered out before comparing, and only these: SessionCallback events `ice_*`
# (ice_gathering_state_*, ice_connection_state_*). The real SDK reports its
# RTCPeerConnection's ICE states through SessionCallback; they follow from media (which
# candidates the target offers and whether its address answers STUN checks), not from
# signalling, and Ringstorm's signalling phones have no ICE agent. Everything else counts,
# including `media_permission_denied`, which would mean the fake microphone is missing.
#
# Besides the sequence, each phone must have had exactly one call, and every call event
# must carry that call's Call-ID (the real SDK's is read from callObj.callDetails()).
# Prints one "PASS interop: calls-CASE" or "FAIL interop: calls-CASE (expected … got …)"
# line per case (expected = the real SDK, got = Ringstorm) and exits 1 if any failed.
# Needs what scripts/setup-interop installs. Network namespace, time bounds and settings
# (RUN_TIMEOUT, SDK_PHONES): common.sh. Work files stay in the printed directory.
set -uo pipefail
script="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
binary="${1:-build/release/engine/ringstorm}"
export RUN_TIMEOUT="${RUN_TIMEOUT:-75}"  # the no-ack case alone takes ≈45 s
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$script")/common.sh"
shift $(($# > 0 ? 1 : 0))

# Prints one line per phone of an events file:
#   PHONE<TAB>cb:event cb:event ...<TAB>calls=N
# with the ice_* session events left out; N is the number of distinct Call-IDs of its call
# events, followed by " empty_call_id" when a call event had none.
sequences() {
  local file="$1"
  [ -s "$file" ] || return 0
  jq -r -s '
    map(select(.cb != "session" or (.event | startswith("ice_") | not)))
    | group_by(.phone) | .[]
    | (map(select(.cb == "call"))) as $calls
    | "\(.[0].phone)\t\(map("\(.cb):\(.event)") | join(" "))\t"
      + "calls=\($calls | map(.call_id) | unique | map(select(. != "")) | length)"
      + (if any($calls[]; .call_id == "") then " empty_call_id" else "" end)
  ' "$file"
}

# The ice_* events a file had, by name (reported, not compared).
filtered() {
  local file="$1"
  [ -s "$file" ] || return 0
  jq -r -s '[.[] | select(.cb == "session" and (.event | startswith("ice_"))) | .event]
            | group_by(.) | map("\(.[0])×\(length)") | join(" ")' "$file"
}

# verdict_problem DIR RS_STATUS RULES: prints why Ringstorm's verdict is not the expected
# one, nothing when it is. RULES empty: the run must pass (exit 0, no violation). Else the
# target misbehaves on purpose: the run must fail (exit 1) with exactly one violation of
# each rule in RULES (space-separated) per phone, and no other.
verdict_problem() {
  local dir="$1" rs_status="$2" rules="$3" want got
  if [ -z "$rules" ]; then
    [ "$rs_status" -eq 0 ] && return 0
    echo "expected ringstorm run to pass (exit 0), got exit $rs_status: $(tail -n 3 "$dir/ringstorm.log" | tr '\n' ' ')(see $dir/out)"
    return 0
  fi
  if [ "$rs_status" -ne 1 ]; then
    echo "expected ringstorm run to fail its verdict (exit 1) with $rules, got exit $rs_status (see $dir/ringstorm.log)"
    return 0
  fi
  want=$(tr ' ' '\n' <<<"$rules" | grep . | sort | sed "s/\$/=$sdk_phones/" | paste -sd' ')
  got=$(jq -r '.contract.by_rule // {} | to_entries | map("\(.key)=\(.value)") | sort | join(" ")' \
    "$dir/out/summary.json" 2>/dev/null)
  if [ "$got" != "$want" ]; then
    echo "expected violations [$want] from ringstorm run, got [$got] (see $dir/out/summary.json)"
  fi
}

# compare CASE DIR PROBLEM: the real SDK's rows (all its phones must agree) against
# Ringstorm's (each of its phones must show the same); PROBLEM (verdict_problem) fails the
# case once the rows have been shown.
compare() {
  local name="$1" dir="$2" problem="$3" real ours real_seqs our_seqs n_real n_ours
  real=$(sequences "$dir/sdk.jsonl")
  ours=$(sequences "$dir/ringstorm.jsonl")
  printf '%s\n' "$real" | sed 's/^/  real SDK  /'
  printf '%s\n' "$ours" | sed 's/^/  ringstorm /'
  echo "  filtered (real SDK): $(filtered "$dir/sdk.jsonl")"
  n_real=$(printf '%s' "$real" | grep -c .)
  n_ours=$(printf '%s' "$ours" | grep -c .)
  if [ "$n_real" -ne "$sdk_phones" ]; then
    fail "$name" "expected callbacks from $sdk_phones real SDK phone(s), got $n_real (see $dir/sdk.log)"
    return
  fi
  if [ "$n_ours" -ne "$sdk_phones" ]; then
    fail "$name" "expected callbacks from $sdk_phones Ringstorm phone(s), got $n_ours (see $dir/ringstorm.log)"
    return
  fi
  real_seqs=$(cut -f2- <<<"$real" | sort -u)
  our_seqs=$(cut -f2- <<<"$ours" | sort -u)
  if [ "$(grep -c . <<<"$real_seqs")" -ne 1 ]; then
    fail "$name" "the real SDK phones disagree among themselves: $(paste -sd'|' <<<"$real_seqs")"
    return
  fi
  if [ -n "$problem" ]; then
    fail "$name" "$problem"
    return
  fi
  if [ "$our_seqs" != "$real_seqs" ]; then
    fail "$name" "expected [$(tr '\t' ' ' <<<"$real_seqs")] got [$(tr '\t' ' ' <<<"$our_seqs" | paste -sd'|')]"
    return
  fi
  if [ "$(cut -f2 <<<"$real_seqs")" != "calls=1" ]; then
    fail "$name" "expected one call with its Call-ID on every call event of each real SDK phone, got $(cut -f2 <<<"$real_seqs")"
    return
  fi
  pass "$name"
}

# The value of the `# KEY: ...` comment line of a scenario file.
header() {
  sed -n "s/^# $2: //p" "$1" | head -n 1
}

prerequisites || exit 1

cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  cases=(guide remote-hangup remote-hold cancel reject no-ack)
fi

for case_name in "${cases[@]}"; do
  name="calls-$case_name"
  scenario="$interop/scenarios/$name.yaml"
  dir="$work/$name"
  mkdir -p "$dir"
  if [ ! -f "$scenario" ]; then
    fail "$name" "expected a scenario at $scenario, got none"
    continue
  fi
  serve_options=$(header "$scenario" serve)
  steps=$(header "$scenario" sdk-steps)
  if [ -z "$serve_options" ] || [ -z "$steps" ]; then
    fail "$name" "expected '# serve:' and '# sdk-steps:' lines in $scenario, got none"
    continue
  fi
  # shellcheck disable=SC2086  # serve_options is a list of options, split on purpose
  if ! serve_start "$dir" secret $serve_options; then
    fail "$name" "expected ringstorm serve to listen, got nothing: $(tail -n 2 "$dir/serve.log" | tr '\n' ' ')"
    serve_stop
    continue
  fi
  # Both kinds of phones at once (different accounts): the case takes as long as one flow.
  run_sdk "$dir" --password secret --steps "$steps" &
  sdk_job=$!
  run_ringstorm "$dir" "$name.yaml" secret &
  rs_job=$!
  wait "$sdk_job"
  sdk_status=$?
  wait "$rs_job"
  rs_status=$?
  serve_stop
  if [ "$sdk_status" -ne 0 ]; then
    fail "$name" "expected the real SDK phones to finish their flow (exit 0), got exit $sdk_status: $(tail -n 3 "$dir/sdk.log" | tr '\n' ' ')"
  else
    compare "$name" "$dir" "$(verdict_problem "$dir" "$rs_status" "$(header "$scenario" verdict)")"
  fi
done

echo "interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
