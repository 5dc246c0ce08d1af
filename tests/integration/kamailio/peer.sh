# shellcheck shell=bash
# Starts and stops a Kamailio on loopback for integration tests. Source it, then:
#   kamailio_start [RUN_DIR]   # RUN_DIR default: a new mktemp -d
#   ... use $KAMAILIO_WS_URL $KAMAILIO_WSS_URL $KAMAILIO_CA ...
#   kamailio_stop
# kamailio_start makes a self-signed certificate (SAN 127.0.0.1, ::1, localhost), picks
# free ports, runs docker/kamailio/kamailio.cfg in the foreground mode (-DD -E) in its own
# process group, waits (bounded) until both ws:// and wss:// answer a WebSocket upgrade
# with the `sip` subprotocol, and writes the variables to RUN_DIR/peer.env.
# kamailio_stop sends SIGTERM to that process group by PID, waits up to
# KAMAILIO_STOP_SECONDS (5), then SIGKILL. Kamailio's log: RUN_DIR/kamailio.log.
# KAMAILIO_DEFINES: space-separated defines of the config to add (each becomes -A NAME),
# e.g. "WITH_RTPENGINE RTPENGINE_ECHO"; values without spaces may follow as NAME=VALUE.
# Needs: kamailio (+ websocket and tls modules), openssl, curl, ss (scripts/setup-peers).

kamailio_repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
KAMAILIO_READY_SECONDS="${KAMAILIO_READY_SECONDS:-10}"
KAMAILIO_STOP_SECONDS="${KAMAILIO_STOP_SECONDS:-5}"
KAMAILIO_SHM_MB="${KAMAILIO_SHM_MB:-256}"
KAMAILIO_PASSWORD="${KAMAILIO_PASSWORD:-secret}"
KAMAILIO_PID=""

# A port in 20000-31999 nothing listens on (TCP or UDP). Another process may take it before
# Kamailio binds it; kamailio_start then retries with new ports.
kamailio_free_port() {
  local port _
  for _ in $(seq 1 100); do
    # Below the kernel's ephemeral range (32768+), where outgoing sockets could hold it.
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
    if [ -z "$(ss -Hltnu "sport = :$port" 2>/dev/null)" ]; then
      echo "$port"
      return 0
    fi
  done
  echo "kamailio_free_port: no free port found in 100 tries" >&2
  return 1
}

# Prints the HTTP status of a WebSocket upgrade offering `sip` on URL (ws:// or wss://),
# with "+sip" appended when the answer selects the sip subprotocol (RFC 7118 §4).
kamailio_probe_upgrade() {
  local url="$1" headers code
  url="${url/#ws:/http:}"
  url="${url/#wss:/https:}"
  # After a 101 the connection stays open, so curl ends on --max-time; the headers are in.
  headers=$(curl -s -i -o - --http1.1 --max-time 2 --cacert "$KAMAILIO_CA" \
    -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H 'Sec-WebSocket-Protocol: sip' \
    "$url" 2>/dev/null | tr -d '\r')
  code=$(sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' <<<"$headers")
  if grep -qi '^sec-websocket-protocol: *sip$' <<<"$headers"; then
    code="$code+sip"
  fi
  echo "${code:-none}"
}

# True while PID runs (a zombie waiting to be reaped does not count).
kamailio_alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != "Z" ]
}

# True once something accepts TCP connections on 127.0.0.1:PORT.
kamailio_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

kamailio_start() {
  local run_dir="${1:-}" attempt deadline define
  local -a defines=()
  for define in ${KAMAILIO_DEFINES:-}; do
    defines+=(-A "$define")
  done
  if [ -z "$run_dir" ]; then
    run_dir="$(mktemp -d /tmp/ringstorm-kamailio.XXXXXX)"
  fi
  mkdir -p "$run_dir" && run_dir="$(cd "$run_dir" && pwd)" || return 1  # absolute paths for Kamailio
  # shellcheck disable=SC2034  # read by the sourcing script
  KAMAILIO_RUN_DIR="$run_dir"
  KAMAILIO_CA="$run_dir/tls/cert.pem"
  "$kamailio_repo_root/docker/kamailio/make-cert.sh" "$run_dir/tls" 127.0.0.1 ::1 localhost ||
    { echo "kamailio_start: cannot make a certificate" >&2; return 1; }

  for attempt in 1 2 3; do
    KAMAILIO_UDP_PORT=$(kamailio_free_port) || return 1
    KAMAILIO_WS_PORT=$(kamailio_free_port) || return 1
    KAMAILIO_WSS_PORT=$(kamailio_free_port) || return 1
    if [ "$KAMAILIO_WS_PORT" = "$KAMAILIO_WSS_PORT" ] || [ "$KAMAILIO_WS_PORT" = "$KAMAILIO_UDP_PORT" ]; then
      continue
    fi
    # setsid: Kamailio's main process leads its own group, so its workers stop with it.
    setsid kamailio -f "$kamailio_repo_root/docker/kamailio/kamailio.cfg" -DD -E \
      -Y "$run_dir" -P "$run_dir/kamailio.pid" -m "$KAMAILIO_SHM_MB" -M 16 \
      -A "UDP_PORT=$KAMAILIO_UDP_PORT" -A "WS_PORT=$KAMAILIO_WS_PORT" \
      -A "WSS_PORT=$KAMAILIO_WSS_PORT" \
      -A "TLS_CERT=\"$run_dir/tls/cert.pem\"" -A "TLS_KEY=\"$run_dir/tls/key.pem\"" \
      -A "CTL_SOCKET=\"unix:$run_dir/kamailio_ctl\"" \
      -A "AUTH_PASSWORD=\"$KAMAILIO_PASSWORD\"" "${defines[@]}" \
      </dev/null >"$run_dir/kamailio.log" 2>&1 &
    KAMAILIO_PID=$!

    deadline=$((SECONDS + KAMAILIO_READY_SECONDS))
    while [ "$SECONDS" -lt "$deadline" ] && kamailio_alive "$KAMAILIO_PID"; do
      if kamailio_port_open "$KAMAILIO_WS_PORT" && kamailio_port_open "$KAMAILIO_WSS_PORT"; then
        break
      fi
      sleep 0.1
    done
    # A port taken between the pick and the bind: Kamailio logs it and exits, but another
    # listener on that port can make it look open meanwhile. Start over on other ports.
    if grep -q 'Address already in use' "$run_dir/kamailio.log" && kamailio_alive "$KAMAILIO_PID"; then
      kamailio_stop "$KAMAILIO_PID"
      KAMAILIO_PID=""
      echo "kamailio_start: a port was taken (attempt $attempt); trying others" >&2
      continue
    fi
    if ! kamailio_alive "$KAMAILIO_PID"; then
      wait "$KAMAILIO_PID" 2>/dev/null
      KAMAILIO_PID=""
      if grep -q 'Address already in use' "$run_dir/kamailio.log"; then
        echo "kamailio_start: a port was taken (attempt $attempt); trying others" >&2
        continue
      fi
      echo "kamailio_start: kamailio exited at start-up; last lines of $run_dir/kamailio.log:" >&2
      tail -n 20 "$run_dir/kamailio.log" >&2
      return 1
    fi
    KAMAILIO_WS_URL="ws://127.0.0.1:$KAMAILIO_WS_PORT/"
    KAMAILIO_WSS_URL="wss://127.0.0.1:$KAMAILIO_WSS_PORT/"
    local ws_answer wss_answer
    ws_answer=$(kamailio_probe_upgrade "$KAMAILIO_WS_URL")
    wss_answer=$(kamailio_probe_upgrade "$KAMAILIO_WSS_URL")
    if [ "$ws_answer" != "101+sip" ] || [ "$wss_answer" != "101+sip" ]; then
      echo "kamailio_start: WebSocket upgrade not accepted within ${KAMAILIO_READY_SECONDS}s" \
        "(ws: $ws_answer, wss: $wss_answer); see $run_dir/kamailio.log" >&2
      kamailio_stop "$KAMAILIO_PID"
      return 1
    fi
    cat >"$run_dir/peer.env" <<EOF
KAMAILIO_PID=$KAMAILIO_PID
KAMAILIO_RUN_DIR=$run_dir
KAMAILIO_UDP_PORT=$KAMAILIO_UDP_PORT
KAMAILIO_WS_URL=$KAMAILIO_WS_URL
KAMAILIO_WSS_URL=$KAMAILIO_WSS_URL
KAMAILIO_CA=$KAMAILIO_CA
KAMAILIO_PASSWORD=$KAMAILIO_PASSWORD
EOF
    return 0
  done
  echo "kamailio_start: no free ports after 3 attempts" >&2
  return 1
}

# Stops the Kamailio started by kamailio_start (or the PID given): SIGTERM to its process
# group, up to KAMAILIO_STOP_SECONDS for it to exit, then SIGKILL.
# shellcheck disable=SC2120  # PID is optional
kamailio_stop() {
  local pid="${1:-$KAMAILIO_PID}" deadline
  [ -n "$pid" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  deadline=$((SECONDS + KAMAILIO_STOP_SECONDS))
  while kamailio_alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.1
  done
  if kamailio_alive "$pid"; then
    echo "kamailio_stop: $pid still running after ${KAMAILIO_STOP_SECONDS}s; SIGKILL" >&2
  fi
  # Also reaps workers left behind by a main process that died first.
  kill -KILL -- "-$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  [ "$pid" = "$KAMAILIO_PID" ] && KAMAILIO_PID=""
  return 0
}
