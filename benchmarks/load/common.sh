# Shared by the load benchmarks: start `ringstorm serve` on a free loopback port with a
# generated certificate, and stop it by PID. Sourced, not run.
ringstorm_bin="${RINGSTORM:-build/release/engine/ringstorm}"
work_dir="$(mktemp -d /tmp/ringstorm-bench.XXXXXX)"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_serve() {  # start_serve [serve options...]; sets serve_pid, serve_url, serve_ca
  local port; port=$(free_port)
  serve_url="wss://127.0.0.1:${port}/ws"
  serve_ca="$work_dir/serve-cert.pem"
  "$ringstorm_bin" serve --listen "$serve_url" --write-cert "$serve_ca" --quiet "$@" \
    >"$work_dir/serve.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 50); do
    [ -s "$serve_ca" ] && grep -q listening "$work_dir/serve.log" && return 0
    sleep 0.1
  done
  echo "ringstorm serve did not start:"; cat "$work_dir/serve.log"; return 1
}

stop_serve() {
  [ -n "${serve_pid:-}" ] || return 0
  kill -INT "$serve_pid" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$serve_pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$serve_pid" 2>/dev/null
}
trap stop_serve EXIT
