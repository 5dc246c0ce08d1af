# shellcheck shell=bash
# Shared by the interop tests (registration.sh, calls.sh); sourced, not run. Before sourcing,
# the test sets `script` (its own absolute path) and `binary` (the ringstorm executable);
# every function below uses them and the settings:
#   RUN_TIMEOUT (60)  seconds per run of either kind of phone
#   SDK_PHONES (2)    real SDK phones per case; Ringstorm runs as many
# As root the test re-runs itself in a private network namespace whose only interface is lo
# (nothing, not even the SDK's hard-coded STUN lookup, leaves the machine); otherwise
# everything stays on 127.0.0.1 anyway. serve is stopped by PID.

# shellcheck disable=SC2154  # script and binary come from the sourcing test
root="$(cd "$(dirname "$script")/../.." && pwd)"
cd "$root" || exit 1
run_timeout="${RUN_TIMEOUT:-60}"
sdk_phones="${SDK_PHONES:-2}"
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

# serve_start DIR PASSWORD [SERVE OPTIONS...]: `ringstorm serve` on a free loopback port with
# a self-signed certificate (DIR/cert.pem) for accounts 1{n:04}; sets serve_url once it
# listens.
serve_start() {
  local dir="$1" password="$2" deadline
  shift 2
  mkdir -p "$dir"
  # shellcheck disable=SC2154
  "$binary" serve --listen "wss://127.0.0.1:0/ws" --write-cert "$dir/cert.pem" \
    --accounts "1{n:04}" --password "$password" --threads 1 "$@" >"$dir/serve.log" 2>&1 &
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

# run_sdk DIR ARGS...: the real SDK phones; events in DIR/sdk.jsonl, console in
# DIR/sdk-console.log, driver trace in DIR/sdk-trace.jsonl; exit status in sdk_status (and
# returned, for a run in the background).
run_sdk() {
  local dir="$1"
  shift
  timeout --kill-after=5 "$run_timeout" node "$interop/sdk_phone.mjs" --target "$serve_url" \
    --users "$(sdk_users)" --events "$dir/sdk.jsonl" --console "$dir/sdk-console.log" \
    --trace "$dir/sdk-trace.jsonl" "$@" >"$dir/sdk.log" 2>&1
  sdk_status=$?
  return "$sdk_status"
}

# run_ringstorm DIR SCENARIO PASSWORD: Ringstorm's phones; events in DIR/ringstorm.jsonl,
# reports in DIR/out; exit status in rs_status (and returned).
run_ringstorm() {
  local dir="$1" scenario="$2" password="$3"
  mkdir -p "$dir/out"
  timeout --kill-after=5 "$run_timeout" "$binary" run "$interop/scenarios/$scenario" \
    --target "$serve_url" --ca "$dir/cert.pem" --contract exotel-web-sdk-2.0.5 \
    --phones "$sdk_phones" --password "$password" \
    --events "$dir/ringstorm.jsonl" --out "$dir/out" --quiet >"$dir/ringstorm.log" 2>&1
  rs_status=$?
  return "$rs_status"
}

# Fails and returns 1 unless the binary and the SDK are in place.
prerequisites() {
  if [ ! -x "$binary" ]; then
    fail "ringstorm binary" "expected an executable at '$binary', got none (build it first)"
    return 1
  fi
  if [ ! -f "$interop/node_modules/@exotel-npm-dev/webrtc-client-sdk/dist/exotelsdk.js" ]; then
    fail "sdk install" "expected the SDK in $interop/node_modules, got none (run scripts/setup-interop)"
    return 1
  fi
}
