#!/usr/bin/env bash
# Starts Kamailio on loopback for a manual session (tests source peer.sh instead):
#   tests/integration/kamailio/start.sh [RUN_DIR]
# Prints the variables of RUN_DIR/peer.env (URLs, CA file, PID); stop it with
#   tests/integration/kamailio/stop.sh RUN_DIR
set -uo pipefail
source "$(dirname "$0")/peer.sh"
kamailio_start "${1:-}" || exit 1
cat "$KAMAILIO_RUN_DIR/peer.env"
