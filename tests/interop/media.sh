#!/usr/bin/env bash
# Media against Chrome's own WebRTC stack: real @exotel-npm-dev/webrtc-client-sdk 2.0.5
# phones in headless Chromium (sdk_phone.mjs --steps) answer calls from `ringstorm serve
# --media MODE`, whose offers carry a=ice-lite, a host candidate, a DTLS fingerprint and
# a=setup:actpass; Chrome must complete ICE and DTLS with serve and exchange SRTP with it:
#   tests/interop/media.sh [RINGSTORM_BINARY [CASE...]]   (default build/release/engine/ringstorm,
#                                                          every case)
# Cases (serve's --media): echo (serve sends each phone's packets back, re-protected with its
# own keys) and tone (serve sends its own Opus tone).
# Each real SDK phone registers, answers serve's call (--call-after 3s, the target hangs up
# 8 s after its 200) and reads its RTCPeerConnection's getStats() twice (sdk_steps.mjs
# `media` step): once media flows, and 3 s later. A case passes when, for every phone,
#   - its flow completed (exit 0: every step, both media readings included);
#   - the SDK's SessionCallback reported `ice_connection_state_connected` (Chrome's ICE
#     agent, as the app sees it) and no `ice_connection_state_failed` before it;
#   - the last reading shows the selected candidate pair succeeded with serve's host
#     candidate (127.0.0.1), DTLS connected with an SRTP cipher, at least MIN_PACKETS (150:
#     3 s of 20 ms frames) inbound audio packets decrypted, at most 1 % of them lost, and
#     audio packets sent;
#   - serve's offer, as SIP.js logged it, carried a=ice-lite, a host candidate, a sha-256
#     fingerprint and a=setup:actpass (so the proof is against the offer described above).
# Prints one "PASS interop: media-CASE (figures)" or "FAIL interop: media-CASE (why)" line per
# case and exits 1 if any failed. Needs what scripts/setup-interop installs. Network
# namespace, time bounds and settings (RUN_TIMEOUT, SDK_PHONES): common.sh. Work files
# (events, the driver's trace with every stats reading, the SDK's console with the SIP
# messages, serve's log) stay in the printed directory.
set -uo pipefail
script="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
binary="${1:-build/release/engine/ringstorm}"
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$script")/common.sh"
shift $(($# > 0 ? 1 : 0))
min_packets="${MIN_PACKETS:-150}"

# The flow of every real SDK phone: the first media reading waits up to 10 s for 50
# packets, the second, 3 s later, must show MIN_PACKETS.
steps="register, expect:registered:10, wait_call:20, answer, expect:call:connected:10,
  media:10, think:3, media:2:$min_packets, wait_end:20, unregister, expect:unregistered:10"

# Prints, per phone of the trace file, its last media reading as one JSON object
# {"phone": ..., "media": {...}}.
last_readings() {
  jq -c -s 'map(select(.media != null)) | group_by(.phone) | map(last)
            | .[] | {phone, step, result, media}' "$1"
}

# media_problem DIR: prints what is wrong with the media of the case in DIR, nothing when
# every phone passed.
media_problem() {
  local dir="$1" readings bad connected phone
  readings=$(last_readings "$dir/sdk-trace.jsonl" 2>/dev/null)
  if [ "$(grep -c . <<<"$readings")" -ne "$sdk_phones" ]; then
    echo "expected a media reading from each of $sdk_phones phones, got $(grep -c . <<<"$readings") (see $dir/sdk-trace.jsonl)"
    return
  fi
  bad=$(jq -r --argjson min "$min_packets" '
    select((.media.pair.state == "succeeded" and .media.pair.remote.address == "127.0.0.1"
            and .media.pair.remote.type == "host"
            and .media.dtlsState == "connected" and (.media.srtpCipher // "") != ""
            and .media.inbound.packetsReceived >= $min
            and .media.inbound.packetsLost <= .media.inbound.packetsReceived / 100
            and .media.outbound.packetsSent > 0) | not)
    | "\(.phone): \(.media | tojson)"' <<<"$readings")
  if [ -n "$bad" ]; then
    echo "expected a succeeded pair to serve's 127.0.0.1 host candidate, DTLS connected with an SRTP cipher, ≥ $min_packets packets received with ≤ 1 % lost, packets sent; got $(head -n 1 <<<"$bad")"
    return
  fi
  for phone in $(jq -r '.phone' <<<"$readings"); do
    connected=$(jq -r -s --arg p "$phone" '
      map(select(.phone == $p and .cb == "session" and (.event | startswith("ice_connection_state_"))) | .event)
      | (index("ice_connection_state_connected")) as $c
      | if $c == null then "none: \(join(" "))"
        elif (.[:$c] | index("ice_connection_state_failed")) != null then "failed first: \(join(" "))"
        else "ok" end' "$dir/sdk.jsonl")
    if [ "$connected" != ok ]; then
      echo "expected SessionCallback ice_connection_state_connected from phone $phone, got $connected"
      return
    fi
  done
  # serve's offer as SIP.js logged it on receipt: the console gives every line of one
  # logged message the same "TIME PHONE" prefix, so the lines of the INVITE that carried
  # a=ice-lite (only serve's offers do) are those with its prefix.
  local offers
  offers=$(awk '
    FNR == NR { if ($0 ~ /a=ice-lite/) lite[$1 " " $2] = 1; next }
    ($1 " " $2) in lite {
      key = $1 " " $2
      if ($0 ~ /a=candidate:.* typ host/) host[key] = 1
      if ($0 ~ /a=fingerprint:sha-256 /) fp[key] = 1
      if ($0 ~ /a=setup:actpass/) actpass[key] = 1
    }
    END {
      for (k in lite) if (host[k] && fp[k] && actpass[k]) { split(k, f, " "); ok[f[2]] = 1 }
      n = 0; for (p in ok) n++
      print n
    }' "$dir/sdk-console.log" "$dir/sdk-console.log")
  if [ "$offers" -ne "$sdk_phones" ]; then
    echo "expected each of $sdk_phones phones to receive serve's offer with a=ice-lite, a host candidate, a sha-256 fingerprint and a=setup:actpass (as SIP.js logged it in $dir/sdk-console.log), got $offers phone(s)"
  fi
}

# The figures of a passing case, from the first phone's last reading.
figures() {
  last_readings "$1/sdk-trace.jsonl" | head -n 1 | jq -r '.media | "ICE \(.iceConnectionState),
    pair \(.pair.local.type) \(.pair.local.address):\(.pair.local.port) -> \(.pair.remote.type)
    \(.pair.remote.address):\(.pair.remote.port) \(.pair.state), DTLS \(.dtlsRole)
    \(.tlsVersion) \(.srtpCipher), \(.inbound.codec) in \(.inbound.packetsReceived) lost
    \(.inbound.packetsLost) jitter \(.inbound.jitter) s energy \(.inbound.totalAudioEnergy), out
    \(.outbound.packetsSent)"' | tr -s ' \n' ' '
}

prerequisites || exit 1

cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  cases=(echo tone)
fi

for case_name in "${cases[@]}"; do
  name="media-$case_name"
  dir="$work/$name"
  mkdir -p "$dir"
  if ! serve_start "$dir" secret --call-after 3s --call-mix answered_then_target_bye=1 \
    --call-duration 8s --media "$case_name"; then
    fail "$name" "expected ringstorm serve --media $case_name to listen, got nothing: $(tail -n 2 "$dir/serve.log" | tr '\n' ' ')"
    serve_stop
    continue
  fi
  run_sdk "$dir" --password secret --steps "$steps"
  serve_stop
  if [ "$sdk_status" -ne 0 ]; then
    fail "$name" "expected the real SDK phones to finish their flow (exit 0), got exit $sdk_status: $(tail -n 3 "$dir/sdk.log" | tr '\n' ' ')"
    continue
  fi
  problem=$(media_problem "$dir")
  if [ -n "$problem" ]; then
    fail "$name" "$problem"
    continue
  fi
  pass "$name ($sdk_phones phones; first: $(figures "$dir"))"
done

echo "interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
