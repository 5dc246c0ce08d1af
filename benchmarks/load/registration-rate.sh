#!/usr/bin/env bash
# New WSS registrations per second, Ringstorm and `ringstorm serve` on one machine.
#   benchmarks/load/registration-rate.sh [RATE] [SECONDS]     (default 1500/s for 30 s)
# Prints the achieved rate (2xx to REGISTER per second over the ramp) and the latencies.
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/load/common.sh
rate="${1:-1500}"
seconds="${2:-30}"
phones=$(python3 -c "print(int($rate*$seconds))")
start_serve --threads 1 --accounts "3{n:06}" --password bench
"$ringstorm_bin" run benchmarks/load/registration-rate.yaml --target "$serve_url" --ca "$serve_ca" \
  --phones "$phones" --rate "$rate" --duration "$((seconds + 10))s" --threads 2 \
  --out "$work_dir/out" --quiet || true
python3 - "$work_dir/out/summary.json" "$seconds" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); secs = float(sys.argv[2])
lat = s["latency_seconds"]
ok = lat["register"]["count"]
print(f"phones planned {s['phones']['planned']}, registered {s['phones']['registered']}, failed {s['phones']['failed']}")
print(f"achieved: {ok/secs:.0f} registrations/s over {secs:.0f} s (verdict {s['verdict']})")
for step in ("ws_connect", "tls_handshake", "register"):
    l = lat[step]
    print(f"  {step:14s} p50 {l['p50']*1e3:7.2f} ms  p99 {l['p99']*1e3:7.2f} ms  max {l['max']*1e3:7.2f} ms")
print("protocol errors:", s["protocol_errors"])
PY
echo "work dir: $work_dir"
