#!/usr/bin/env bash
# Ringstorm phones against a media stack no one here wrote: Debian's rtpengine (userspace
# only) anchoring the media of calls through Kamailio 5.6 (docker/kamailio/kamailio.cfg with
# -A WITH_RTPENGINE), on loopback, digest auth on:
#   tests/integration/rtpengine.sh [RINGSTORM_BINARY]   (default build/release/engine/ringstorm)
# Per case, Kamailio starts with the case's defines and two `ringstorm run` processes run at
# once, like kamailio_calls.sh: the callees (scenarios/rtpengine-call-callee.yaml), then,
# once Kamailio holds every callee's binding, the callers (rtpengine-call-caller.yaml);
# phone n of the callers calls phone n of the callees and talks 4 s. Kamailio hands every
# offer and answer to rtpengine, which puts its own candidates, ICE credentials and
# fingerprint in them: each phone runs ICE and DTLS-SRTP with rtpengine, never with the
# other phone.
#   echo:  -A RTPENGINE_ECHO, rtpengine's `media-echo=both`: each phone's audio comes back
#          to it from rtpengine (what the issue asks: phones receive echoed audio).
#   relay: rtpengine relays each phone's audio to the other, decrypting and re-encrypting
#          it with the other leg's keys.
# A case passes when
#   - both runs exit 0 with verdict pass, zero contract violations (the media.* rules
#     included), no protocol error, every call answered and completed;
#   - on both sides summary.json "media" has a stream per call, at least MIN_PACKETS (100,
#     2 s of 20 ms frames) received and sent per stream, loss ≤ 1 %, zero SRTP auth
#     failures, a mean MOS ≥ 4, jitter p99 ≤ 30 ms, and the ice, dtls_handshake and
#     media_first_packet latencies of every call;
#   - rtpengine saw the same: one session per call (CLI `list totals`), DTLS-SRTP
#     negotiated on every leg (two per call), and at each call's delete ("Final packet
#     stats") two UDP/TLS/RTP/SAVPF legs that each received packets; no error or warning
#     line in its log (an SRTP packet failing authentication would be one) but, relaying,
#     "SRTP output wanted, but no crypto suite was negotiated": a packet that arrived while
#     the other leg's DTLS was still running, which rtpengine drops and counts as a packet
#     error. Echo mode allows no packet error, relay mode at most 1 % of the packets;
#   - Kamailio logged no rtpengine failure.
# Prints one "PASS <case>" or "FAIL <case>: why" line per case, with the figures, and exits
# 1 if any failed. Each ringstorm run is bounded by RUN_TIMEOUT seconds (default 45);
# rtpengine and Kamailio are stopped by PID on exit. Work files (both logs, reports, each
# case's slice of rtpengine's log) stay in the printed directory.
# Settings: RTPENGINE_PHONES (10 calls per case), RTPENGINE_RATE (10 phones/s), MIN_PACKETS.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root" || exit 1
binary="${1:-build/release/engine/ringstorm}"
scenarios="tests/integration/scenarios"
run_timeout="${RUN_TIMEOUT:-45}"
phones="${RTPENGINE_PHONES:-10}"
rate="${RTPENGINE_RATE:-10}"
min_packets="${MIN_PACKETS:-100}"
source tests/integration/kamailio/peer.sh
source tests/integration/rtpengine/peer.sh

work="$(mktemp -d /tmp/ringstorm-it-rtpengine.XXXXXX)"
echo "rtpengine integration: work files in $work"
passed=0
failed=0
callee_pid=""
cleanup() {
  if [ -n "$callee_pid" ]; then
    kill -TERM "$callee_pid" 2>/dev/null
    wait "$callee_pid" 2>/dev/null
  fi
  kamailio_stop "$KAMAILIO_PID"
  rtpengine_stop
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
  fail "rtpengine: ringstorm binary" "'$binary' is missing or not executable (build it first)"
  exit 1
fi
if ! command -v rtpengine >/dev/null; then
  fail "rtpengine: install" "no rtpengine on PATH (scripts/setup-peers installs rtpengine-daemon)"
  exit 1
fi
if ! rtpengine_start "$work/rtpengine"; then
  fail "rtpengine: start" "rtpengine did not start (see $work/rtpengine/rtpengine.log)"
  exit 1
fi
echo "rtpengine: pid $RTPENGINE_PID, ng $RTPENGINE_NG_SOCK, media ports $RTPENGINE_PORT_MIN-$RTPENGINE_PORT_MAX"

# One of Kamailio's own statistics from its /metrics (xhttp_prom).
kamailio_stat() {
  curl -s --max-time 5 "http://127.0.0.1:${KAMAILIO_WS_URL##*:}metrics" |
    awk -v name="kamailio_$1" '$1 == name { print $2 }'
}

# Prints why summary.json in directory DIR breaks the jq condition FILTER.
summary_check() {
  local dir="$1" filter="$2" what="$3"
  if [ ! -s "$dir/summary.json" ]; then
    echo "no summary.json in $dir"
    return 1
  fi
  if ! jq -e "$filter" "$dir/summary.json" >/dev/null 2>&1; then
    echo "$what; summary: $(jq -c '{verdict, phones, calls, media, violations: .contract.by_rule,
      errors: .protocol_errors.by_kind, ice: .latency_seconds.ice.count,
      dtls: .latency_seconds.dtls_handshake.count}' "$dir/summary.json" 2>/dev/null ||
      echo 'not valid JSON')"
    return 1
  fi
}

# The media figures of a summary.json, for the PASS line.
media_figures() {
  jq -r '.media | "\(.streams) streams, \(.packets_sent) sent, \(.packets_received) received,
    loss \(.loss_ratio), jitter p99 \(.jitter_seconds_p99 * 100000 | round / 100) ms,
    MOS \(.mos_mean * 100 | round / 100)"' "$1/summary.json" | tr -s ' \n' ' '
}

# Reads what rtpengine logged for the calls of a case (FILE: that slice of its log) and
# prints "calls legs silent_legs errors packets non_webrtc_legs dtls_legs unexplained":
# calls deleted ("Final packet stats"), their legs, legs that received nothing, packet
# errors and packets received over all legs, legs not UDP/TLS/RTP/SAVPF, legs (call and
# port) that logged "DTLS-SRTP successfully negotiated" (it says so twice per leg, for RTP
# and for the muxed RTCP), and error or warning lines other than the relay's "SRTP output
# wanted, but no crypto suite was negotiated" (a packet to forward to a leg whose DTLS has
# not finished yet).
rtpengine_view() {
  local dtls unexplained
  dtls=$(grep -a 'DTLS-SRTP successfully negotiated' "$1" |
    sed -E 's/^[^]]*\] [A-Z]+: \[([^]]* port [0-9]+)\].*/\1/' | sort -u | grep -c .)
  unexplained=$(grep -a -E '^\[[0-9.]+\] (ERR|WARNING|CRIT|ALERT|EMERG):' "$1" |
    grep -a -c -v 'SRTP output wanted, but no crypto suite was negotiated')
  awk -v dtls="$dtls" -v unexplained="$unexplained" '
    /Final packet stats/ { calls++ }
    /------ Media #[0-9]+ \(/ {
      if ($0 !~ /\(audio over UDP\/TLS\/RTP\/SAVPF\)/) non_webrtc++
    }
    /--------- Port / {
      if (match($0, /, [0-9]+ p, [0-9]+ b, [0-9]+ e/)) {
        split(substr($0, RSTART + 2, RLENGTH - 2), f, /[ ,]+/)
        legs++
        packets += f[1]
        errors += f[5]
        if (f[1] == 0) silent++
      }
    }
    END {
      printf "%d %d %d %d %d %d %d %d\n", calls, legs, silent, errors, packets, non_webrtc, dtls, unexplained
    }
  ' "$1"
}

# The SRTP suites rtpengine negotiated in FILE (its log slice), e.g. "AEAD_AES_128_GCM".
rtpengine_suites() {
  grep -a -o 'DTLS-SRTP successfully negotiated using [A-Z0-9_]*' "$1" | awk '{ print $NF }' |
    sort -u | paste -sd,
}

# media_case MODE SLUG CONTRACT URL-KIND CALLEES CALLERS: $phones callers (accounts CALLERS)
# call $phones callees (accounts CALLEES) through a Kamailio anchoring media in rtpengine;
# MODE is echo or relay, URL-KIND ws or wss (see the top of this file).
media_case() {
  local mode="$1" slug="$2" contract="$3" kind="$4" callees="$5" callers="$6"
  local name="rtpengine: $mode-$slug" dir="$work/$mode-$slug" url users deadline why
  local callee_status caller_status offset sessions_before
  local -a tls=()
  mkdir -p "$dir/callee" "$dir/caller"

  KAMAILIO_DEFINES="WITH_RTPENGINE RTPENGINE_SOCK=\"$RTPENGINE_NG_SOCK\""
  [ "$mode" = echo ] && KAMAILIO_DEFINES="$KAMAILIO_DEFINES RTPENGINE_ECHO"
  if ! kamailio_start "$dir/kamailio"; then
    fail "$name" "Kamailio did not start (see $dir/kamailio/kamailio.log)"
    return
  fi
  # The module pings rtpengine at start-up and disables one that does not answer.
  if ! grep -q "rtpengine instance <$RTPENGINE_NG_SOCK> found, support for it enabled" \
    "$dir/kamailio/kamailio.log"; then
    fail "$name" "Kamailio's rtpengine module did not reach $RTPENGINE_NG_SOCK (see $dir/kamailio/kamailio.log)"
    kamailio_stop
    return
  fi
  if [ "$kind" = wss ]; then
    url="$KAMAILIO_WSS_URL"
    tls=(--ca "$KAMAILIO_CA")
  else
    url="$KAMAILIO_WS_URL"
  fi
  sed "s/to: \"81{n:03}\"/to: \"$callees\"/" "$scenarios/rtpengine-call-caller.yaml" >"$dir/caller.yaml"
  if ! grep -qF "to: \"$callees\"" "$dir/caller.yaml"; then
    fail "$name" "cannot point rtpengine-call-caller.yaml at the callees $callees (it should dial \"81{n:03}\")"
    kamailio_stop
    return
  fi
  offset=$(stat -c %s "$RTPENGINE_LOG")
  sessions_before=$(rtpengine_total "Total managed sessions")

  local common=(--target "$url" --contract "$contract" --phones "$phones" --rate "$rate"
    --password "$KAMAILIO_PASSWORD" --quiet "${tls[@]}")
  timeout --kill-after=5 "$run_timeout" "$binary" run "$scenarios/rtpengine-call-callee.yaml" \
    --out "$dir/callee" --accounts "$callees" --events "$dir/callee/events.jsonl" "${common[@]}" \
    >"$dir/callee/ringstorm.log" 2>&1 &
  callee_pid=$!
  deadline=$((SECONDS + 15))
  users=$(kamailio_stat usrloc_registered_users)
  while [ "${users:-0}" -lt "$phones" ] && [ "$SECONDS" -lt "$deadline" ] &&
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
  kamailio_stop
  tail -c +$((offset + 1)) "$RTPENGINE_LOG" >"$dir/rtpengine.log"

  if [ "$caller_status" -ne 0 ] || [ "$callee_status" -ne 0 ]; then
    fail "$name" "exit caller $caller_status, callee $callee_status, expected 0 and 0 (logs: $dir/*/ringstorm.log)"
    return
  fi
  local filter=".verdict == \"pass\" and .contract.violations == 0 and .contract.checked > 0
      and .phones.failed == 0 and .protocol_errors.total == 0
      and .calls.offered == $phones and .calls.failed == 0
      and .calls.answered == $phones and .calls.completed == $phones
      and .media.streams == $phones
      and .media.packets_received >= $((phones * min_packets))
      and .media.packets_sent >= $((phones * min_packets))
      and .media.loss_ratio <= 0.01 and .media.srtp_auth_failures == 0
      and .media.mos_mean >= 4 and .media.jitter_seconds_p99 <= 0.03
      and .latency_seconds.ice.count == $phones
      and .latency_seconds.dtls_handshake.count == $phones
      and .latency_seconds.media_first_packet.count == $phones" side
  for side in caller callee; do
    if ! why=$(summary_check "$dir/$side" "$filter" \
      "${side}s: expected pass, no violation, $phones calls with media through rtpengine ($mode): a stream each, ≥ $min_packets packets each way, loss ≤ 1 %, no SRTP auth failure, MOS ≥ 4, ice/dtls/first-packet latencies"); then
      fail "$name" "$why"
      return
    fi
  done

  # rtpengine's own view of the same calls.
  local calls legs silent errors packets non_webrtc dtls unexplained sessions max_errors
  read -r calls legs silent errors packets non_webrtc dtls unexplained < <(rtpengine_view "$dir/rtpengine.log")
  sessions=$(($(rtpengine_total "Total managed sessions") - ${sessions_before:-0}))
  # Echoed packets never wait for the other leg: no error at all. A relayed packet that
  # arrives while the other leg's DTLS is still running has no keys to go out with and
  # counts as an error: a few at each call's start, never an authentication failure (those
  # would be "unexplained" lines).
  max_errors=0
  [ "$mode" = relay ] && max_errors=$((packets / 100))
  if [ "$sessions" -ne "$phones" ] || [ "$calls" -ne "$phones" ] || [ "$legs" -ne $((2 * phones)) ] ||
    [ "$dtls" -ne $((2 * phones)) ] || [ "$silent" -ne 0 ] || [ "$errors" -gt "$max_errors" ] ||
    [ "$non_webrtc" -ne 0 ] || [ "$unexplained" -ne 0 ]; then
    fail "$name" "rtpengine saw $sessions sessions and $calls deleted calls (expected $phones), $legs legs (expected $((2 * phones))), $dtls legs with DTLS-SRTP (expected $((2 * phones))), $silent legs without packets (expected 0), $errors packet errors in $packets packets (expected at most $max_errors), $non_webrtc legs not UDP/TLS/RTP/SAVPF (expected 0), $unexplained error or warning lines (expected 0) (see $dir/rtpengine.log)"
    return
  fi
  if grep -q 'rtpengine_\(offer\|answer\) failed' "$dir/kamailio/kamailio.log"; then
    fail "$name" "Kamailio logged an rtpengine failure: $(grep -m1 'rtpengine_\(offer\|answer\) failed' "$dir/kamailio/kamailio.log")"
    return
  fi
  pass "$name (callers: $(media_figures "$dir/caller"); callees: $(media_figures "$dir/callee"); rtpengine: $dtls legs with DTLS-SRTP ($(rtpengine_suites "$dir/rtpengine.log")), $packets packets in, $errors dropped before the other leg's keys)"
}

media_case echo ws-documented documented ws "81{n:03}" "91{n:03}"
media_case relay wss-exotel-web-sdk-2.0.5 exotel-web-sdk-2.0.5 wss "82{n:03}" "92{n:03}"

echo "rtpengine integration: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
