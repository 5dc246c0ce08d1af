#!/usr/bin/env bash
# Registered idle WSS phones in one Ringstorm process, with refreshes; RSS per phone.
#   benchmarks/load/idle-phones.sh [PHONES]      (default 15000; at most ≈19,900 here:
#   one open file per phone, and this machine caps a process at 20,000)
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/load/common.sh
phones="${1:-15000}"
start_serve --threads 1 --max-expires 60 --accounts "4{n:06}" --password bench
"$ringstorm_bin" run benchmarks/load/idle-phones.yaml --target "$serve_url" --ca "$serve_ca" \
  --phones "$phones" --out "$work_dir/out" --quiet &
run_pid=$!
sleep 1
base_kb=$(awk '/VmRSS/ {print $2}' "/proc/$run_pid/status")
# The ramp takes phones/500 s; sample RSS after it, while every phone idles.
sleep $(( phones / 500 + 20 ))
loaded_kb=$(awk '/VmRSS/ {print $2}' "/proc/$run_pid/status")
fds=$(ls "/proc/$run_pid/fd" | wc -l)
wait "$run_pid" || true
python3 - "$work_dir/out/summary.json" "$phones" "$base_kb" "$loaded_kb" "$fds" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); n = int(sys.argv[2]); base = int(sys.argv[3]); loaded = int(sys.argv[4])
print(f"phones {n}: registered {s['phones']['registered']}, failed {s['phones']['failed']}, open files {sys.argv[5]}")
print(f"RSS {base/1024:.1f} MiB at start, {loaded/1024:.1f} MiB with every phone idle: "
      f"{(loaded-base)*1024/n/1024:.1f} KiB per idle phone")
reg = s["latency_seconds"]["register"]
print(f"REGISTER 2xx: {reg['count']} (initial {n}, so {reg['count']-n} refreshes; 60 s granted -> one per phone every 48 s)")
print(f"register p50 {reg['p50']*1e3:.2f} ms p99 {reg['p99']*1e3:.2f} ms; verdict {s['verdict']}")
PY
echo "work dir: $work_dir"
