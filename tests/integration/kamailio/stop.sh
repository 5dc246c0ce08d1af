#!/usr/bin/env bash
# Stops the Kamailio that start.sh started in RUN_DIR, by the PID in RUN_DIR/peer.env.
#   tests/integration/kamailio/stop.sh RUN_DIR
set -uo pipefail
source "$(dirname "$0")/peer.sh"
if [ $# -ne 1 ] || [ ! -f "$1/peer.env" ]; then
  echo "usage: stop.sh RUN_DIR (the directory holding peer.env)" >&2
  exit 2
fi
pid=$(sed -n 's/^KAMAILIO_PID=//p' "$1/peer.env")
kamailio_stop "$pid"
