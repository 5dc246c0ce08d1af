#!/usr/bin/env bash
# Concurrent calls with real media, Ringstorm and `ringstorm serve --media echo` on one
# machine (one worker thread each, so together they use the machine's 2 cores).
#   benchmarks/load/media-calls.sh [CALLS] [HOLD_SECONDS]     (default 3000 calls held 60 s)
#   ENCODE=live [COMPLEXITY=0..10] benchmarks/load/media-calls.sh ...   the phones encode their
#   tone live (media.encode: live) instead of replaying it: real CPU-shaped load
# The phones register at 500/s; serve calls each one 2 s after it registers, talk time
# HOLD + the registration ramp, so every call is up together for HOLD seconds. Reports the
# summary's media block (loss, jitter, MOS, SRTP auth failures), the ice / dtls_handshake /
# media_first_packet latencies, serve's own media counters, and the CPU each process used
# while all calls were up (from /proc, t = ramp+4 s .. ramp+HOLD+2 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/load/common.sh
calls="${1:-3000}"
hold="${2:-60}"
reg_rate=500
ramp=$(( (calls + reg_rate - 1) / reg_rate ))
talk=$(( hold + ramp + 2 ))
duration=$(( ramp + 2 + talk + 12 ))
metrics_port=$(free_port)
start_serve --threads 1 --accounts "5{n:06}" --password bench --prometheus "127.0.0.1:$metrics_port" \
  --call-after 2s --call-duration "${talk}s" --call-mix answered_then_target_bye=1 --media echo

cpu_ticks() {  # utime + stime of a process, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}
serve_media() {
  curl -fsS "http://127.0.0.1:$metrics_port/metrics" | grep '^ringstorm_target_media' || true
}
run_metrics_port=$(free_port)
lateness_buckets() {  # the phones' send lateness histogram now (cumulative buckets)
  curl -fsS "http://127.0.0.1:$run_metrics_port/metrics" |
    grep '^ringstorm_media_send_lateness_seconds_bucket' || true
}

scenario=benchmarks/load/media-calls.yaml
if [ "${ENCODE:-replay}" != replay ]; then
  scenario="$work_dir/media-calls.yaml"
  media="{enabled: true, encode: ${ENCODE}${COMPLEXITY:+, complexity: $COMPLEXITY}}"
  sed "s/^  enabled: true\$/  enabled: true\n  encode: ${ENCODE}${COMPLEXITY:+\n  complexity: $COMPLEXITY}/" \
    benchmarks/load/media-calls.yaml >"$scenario"
  grep -q "encode: ${ENCODE}" "$scenario" || { echo "could not set $media"; exit 2; }
fi
"$ringstorm_bin" run "$scenario" --target "$serve_url" --ca "$serve_ca" \
  --phones "$calls" --rate "$reg_rate" --duration "${duration}s" --threads 1 \
  --out "$work_dir/out" --prometheus "127.0.0.1:$run_metrics_port" --quiet &
run_pid=$!
# Calls start from t ≈ 2 s to ramp + 2 s and each lasts talk = hold + ramp + 2 s, so all are
# up (ICE and DTLS done) from about ramp + 4 s for hold - 2 s.
window_start=$(( ramp + 4 ))
window=$(( hold > 4 ? hold - 2 : 2 ))
sleep "$window_start"
r0=$(cpu_ticks "$run_pid"); s0=$(cpu_ticks "$serve_pid"); t0=$(date +%s.%N)
lateness_buckets >"$work_dir/lateness-0.txt"
sleep "$window"
r1=$(cpu_ticks "$run_pid"); s1=$(cpu_ticks "$serve_pid"); t1=$(date +%s.%N)
lateness_buckets >"$work_dir/lateness-1.txt"
serve_media >"$work_dir/serve-media.txt"
wait "$run_pid" || true
python3 - "$work_dir/out/summary.json" "$r0" "$r1" "$s0" "$s1" "$t0" "$t1" "$(getconf CLK_TCK)" \
  "$work_dir/serve-media.txt" "$work_dir/lateness-0.txt" "$work_dir/lateness-1.txt" <<'PY'
import json, re, sys
s = json.load(open(sys.argv[1]))
r0, r1, s0, s1 = (int(x) for x in sys.argv[2:6])
t0, t1, hz = float(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8])
span = t1 - t0
print(f"CPU while all calls were up ({span:.0f} s): ringstorm {(r1 - r0) / hz / span:.2f} cores, "
      f"serve {(s1 - s0) / hz / span:.2f} cores")
print(f"phones planned {s['phones']['planned']}, registered {s['phones']['registered']}, failed {s['phones']['failed']}")
print("calls:", s["calls"], " verdict:", s["verdict"])
print("media:", s.get("media"))
lat = s["latency_seconds"]
for step in ("answer_to_connected", "ice", "dtls_handshake", "media_first_packet"):
    l = lat.get(step)
    if l:
        print(f"  {step:20s} n {l['count']:7d}  p50 {l['p50']*1e3:7.2f} ms  p99 {l['p99']*1e3:7.2f} ms  max {l['max']*1e3:7.2f} ms")
print("contract:", {k: s["contract"][k] for k in ("checked", "passed", "violations", "by_rule")})
print("thresholds:", [(t["metric"], t["condition"], t["value"], t["passed"]) for t in s.get("thresholds", [])])
# The phones' send lateness over the window alone (the run's p99 above includes the set-up
# ramp): the difference of two scrapes of the cumulative histogram.
def buckets(path):
    out = {}
    for line in open(path):
        m = re.search(r'le="([^"]+)"\}\s+(\S+)', line)
        if m:
            out[m.group(1)] = float(m.group(2))
    return out
b0, b1 = buckets(sys.argv[10]), buckets(sys.argv[11])
if b1:
    d = {le: b1[le] - b0.get(le, 0.0) for le in b1}
    total = d.get("+Inf", 0.0)
    if total > 0:
        bounds = sorted((float(le), le) for le in d if le != "+Inf")
        p99 = next((f"<= {v * 1e3:g} ms" for v, le in bounds if d[le] >= 0.99 * total), "> 20 ms")
        within = d.get("0.002", 0.0) / total * 100
        print(f"send lateness while all calls were up: {total:.0f} ticks, {within:.2f} % within 2 ms, p99 {p99}")
print("serve:")
print(open(sys.argv[9]).read().rstrip())
PY
echo "work dir: $work_dir"
