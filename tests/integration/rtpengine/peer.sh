# shellcheck shell=bash
# Starts and stops Debian's rtpengine (userspace only) on loopback for integration tests.
# Source tests/integration/kamailio/peer.sh first (kamailio_free_port, kamailio_alive), then:
#   rtpengine_start RUN_DIR    # sets RTPENGINE_PID, RTPENGINE_NG_SOCK, RTPENGINE_CLI_PORT,
#                              # RTPENGINE_LOG
#   ... Kamailio with -A WITH_RTPENGINE -A RTPENGINE_SOCK="$RTPENGINE_NG_SOCK" ...
#   rtpengine_total "Total managed sessions"   # a figure of its CLI's `list totals`
#   rtpengine_stop
# rtpengine_start writes RUN_DIR/rtpengine.conf (the reference setup: `table = -1`, so no
# kernel module and no iptables rule; one interface, 127.0.0.1; ng and CLI control on free
# loopback ports; media ports RTPENGINE_PORT_MIN-RTPENGINE_PORT_MAX, default 16000-16999:
# below the kernel's ephemeral range and outside the ports kamailio_free_port picks), runs
# rtpengine in the foreground in its own process group and waits (bounded) until its CLI
# answers. It logs at level 6 (info): every ng command, each leg's "DTLS-SRTP successfully
# negotiated using <suite>", and each call's "Final packet stats" at its delete.
# rtpengine_stop sends SIGTERM to that group by PID, then SIGKILL after 5 s.
# Needs: rtpengine (Debian's rtpengine-daemon, scripts/setup-peers), ss.

RTPENGINE_READY_SECONDS="${RTPENGINE_READY_SECONDS:-10}"
RTPENGINE_PORT_MIN="${RTPENGINE_PORT_MIN:-16000}"
RTPENGINE_PORT_MAX="${RTPENGINE_PORT_MAX:-16999}"
RTPENGINE_PID=""

# Prints the answer of rtpengine's CLI (the protocol rtpengine-ctl speaks: one command line
# over TCP, the answer until the server closes) to COMMAND, e.g. "list totals".
rtpengine_cli() {
  local answer
  answer=$(
    exec 2>/dev/null  # "connection refused" while it starts is an answer, not noise
    exec 3<>"/dev/tcp/127.0.0.1/$RTPENGINE_CLI_PORT" || exit 1
    printf '%s\n' "$1" >&3
    timeout 5 cat <&3
  ) || return 1
  printf '%s\n' "$answer"
}

# Prints the value of one line of `list totals`, e.g. "Total managed sessions" or
# "Total relayed packet errors" (the counters of sessions already closed).
rtpengine_total() {
  rtpengine_cli "list totals" | awk -F: -v key="$1" '
    { name = $1; sub(/^ +/, "", name); sub(/ +$/, "", name) }
    name == key { gsub(/ /, "", $2); print $2; found = 1; exit }
    END { if (!found) exit 1 }'
}

rtpengine_start() {
  local run_dir="$1" ng_port deadline attempt
  mkdir -p "$run_dir" && run_dir="$(cd "$run_dir" && pwd)" || return 1
  RTPENGINE_LOG="$run_dir/rtpengine.log"
  for attempt in 1 2 3; do
    ng_port=$(kamailio_free_port) || return 1
    RTPENGINE_CLI_PORT=$(kamailio_free_port) || return 1
    [ "$ng_port" != "$RTPENGINE_CLI_PORT" ] || continue
    cat >"$run_dir/rtpengine.conf" <<EOF
[rtpengine]
# userspace only: no kernel forwarding table, nothing outside loopback
table = -1
interface = 127.0.0.1
listen-ng = 127.0.0.1:$ng_port
listen-cli = 127.0.0.1:$RTPENGINE_CLI_PORT
foreground = true
log-stderr = true
log-level = 6
port-min = $RTPENGINE_PORT_MIN
port-max = $RTPENGINE_PORT_MAX
timeout = 60
num-threads = 2
media-num-threads = 1
delete-delay = 0
pidfile = $run_dir/rtpengine.pid
EOF
    setsid rtpengine --config-file="$run_dir/rtpengine.conf" </dev/null >"$RTPENGINE_LOG" 2>&1 &
    RTPENGINE_PID=$!
    deadline=$((SECONDS + RTPENGINE_READY_SECONDS))
    while [ "$SECONDS" -lt "$deadline" ] && kamailio_alive "$RTPENGINE_PID"; do
      if rtpengine_total "Total managed sessions" >/dev/null; then
        # shellcheck disable=SC2034  # read by the sourcing script
        RTPENGINE_NG_SOCK="udp:127.0.0.1:$ng_port"
        return 0
      fi
      sleep 0.1
    done
    if kamailio_alive "$RTPENGINE_PID"; then
      echo "rtpengine_start: its CLI did not answer within ${RTPENGINE_READY_SECONDS}s; see $RTPENGINE_LOG" >&2
      rtpengine_stop
      return 1
    fi
    wait "$RTPENGINE_PID" 2>/dev/null
    RTPENGINE_PID=""
    # A control port taken between the pick and the bind: try others.
    if grep -qi 'address already in use' "$RTPENGINE_LOG"; then
      echo "rtpengine_start: a port was taken (attempt $attempt); trying others" >&2
      continue
    fi
    echo "rtpengine_start: rtpengine exited at start-up; last lines of $RTPENGINE_LOG:" >&2
    tail -n 20 "$RTPENGINE_LOG" >&2
    return 1
  done
  echo "rtpengine_start: no free ports after 3 attempts" >&2
  return 1
}

rtpengine_stop() {
  local pid="$RTPENGINE_PID" deadline
  [ -n "$pid" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  deadline=$((SECONDS + 5))
  while kamailio_alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  RTPENGINE_PID=""
  return 0
}
