#!/usr/bin/env bash
# Starts rtpengine in the foreground (the container's only process) with the config the
# integration tests use (tests/integration/rtpengine/peer.sh), written here because its
# media address is the container's own, known only at start.
# Environment (defaults): MEDIA_IP (the container's first address), NG_PORT (2223),
# CLI_PORT (9900), PORT_MIN (16000), PORT_MAX (16999), LOG_LEVEL (6: every ng command,
# each leg's DTLS-SRTP suite, each call's final packet stats).
set -euo pipefail
own_ip="$(hostname -i | cut -d' ' -f1)"
media_ip="${MEDIA_IP:-$own_ip}"  # the address put in the SDP (candidates, c=)
cat >/etc/rtpengine/ringstorm.conf <<CONF
[rtpengine]
# userspace only: no kernel forwarding table (the Debian default config wants one)
table = -1
interface = $media_ip
listen-ng = $own_ip:${NG_PORT:-2223}
listen-cli = 127.0.0.1:${CLI_PORT:-9900}
foreground = true
log-stderr = true
log-level = ${LOG_LEVEL:-6}
port-min = ${PORT_MIN:-16000}
port-max = ${PORT_MAX:-16999}
timeout = 60
delete-delay = 0
CONF
exec rtpengine --config-file=/etc/rtpengine/ringstorm.conf
