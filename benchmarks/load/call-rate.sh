#!/usr/bin/env bash
# Call setups + teardowns per second, Ringstorm and `ringstorm serve` on one machine (both on
# the same cores). Signalling only by default; MEDIA=echo (or tone) makes every call set up
# ICE and DTLS-SRTP and carry Opus both ways for its talk time too.
#   [MEDIA=none|echo|tone] benchmarks/load/call-rate.sh [RATE] [PHONES]
#                                                       (default 2000 calls/s, 6000 phones)
# The phones register over 6 s, then serve calls them at RATE for the rest of the 50 s run
# (talk time 1 s, target BYE). The achieved rate is the target's completed calls between
# t=15 s and t=45 s, read from its /metrics, so the ramp and the wind-down do not count.
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/load/common.sh
rate="${1:-2000}"
phones="${2:-6000}"
media="${MEDIA:-none}"
metrics_port=$(free_port)
start_serve --threads 1 --accounts "4{n:06}" --password bench --prometheus "127.0.0.1:$metrics_port" \
  --call-rate "$rate" --call-spacing fixed --call-duration 1s --call-mix answered_then_target_bye=1 --media "$media"
completed() {
  curl -fsS "http://127.0.0.1:$metrics_port/metrics" |
    awk '/^ringstorm_target_calls_total\{.*result="completed"/ {s += $NF} END {printf "%d\n", s}'
}
"$ringstorm_bin" run benchmarks/load/call-rate.yaml --target "$serve_url" --ca "$serve_ca" \
  --phones "$phones" --rate 1000 --duration 50s --threads 1 \
  --out "$work_dir/out" --quiet &
run_pid=$!
sleep 15; c0=$(completed); t0=$(date +%s.%N)
sleep 30; c1=$(completed); t1=$(date +%s.%N)
wait "$run_pid" || true
python3 - "$work_dir/out/summary.json" "$c0" "$c1" "$t0" "$t1" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
c0, c1, t0, t1 = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
print(f"achieved: {(c1 - c0) / (t1 - t0):.0f} call setups+teardowns/s (target, t=15..45 s)")
print(f"phones planned {s['phones']['planned']}, registered {s['phones']['registered']}, failed {s['phones']['failed']}")
print("calls:", s["calls"], " verdict:", s["verdict"])
print("contract:", {k: s["contract"][k] for k in ("checked", "passed", "violations", "by_rule")})
lat = s["latency_seconds"]
m = s["media"]
print("media:", {k: m[k] for k in ("streams", "packets_sent", "packets_received", "loss_ratio",
                                   "srtp_auth_failures")})
for step in ("invite_to_incoming", "answer_to_connected", "answer_to_ack", "register", "ice",
             "dtls_handshake", "media_first_packet"):
    l = lat[step]
    if l["count"] == 0:
        continue
    print(f"  {step:20s} n {l['count']:7d}  p50 {l['p50']*1e3:7.2f} ms  p99 {l['p99']*1e3:7.2f} ms  max {l['max']*1e3:7.2f} ms")
print("protocol errors:", s["protocol_errors"])
PY
echo "work dir: $work_dir"
