#!/usr/bin/env bash
# Starts Kamailio in the foreground with Ringstorm's config (the container's only process).
# Makes a self-signed certificate in $CERT_DIR when none is there, naming $CERT_NAMES, so
# a client given --ca $CERT_DIR/cert.pem verifies wss://<one of those names>:8443/.
# Environment (defaults): LISTEN (eth0: the container's address; an interface or an IP),
# WS_PORT (8080), WSS_PORT (8443), UDP_PORT (5060), AUTH_PASSWORD (secret), SHM_MB (512),
# CERT_DIR (/certs), CERT_NAMES ("kamailio localhost 127.0.0.1"), SIP_DOMAIN (kamailio: the
# phones' AOR domain, whose Request-URIs are looked up in the location table).
# Media anchoring (off unless RTPENGINE_SOCK is set): RTPENGINE_SOCK names rtpengine's ng
# socket as Kamailio's rtpengine module wants it, with an IP address (udp:10.0.0.5:2223:
# the config resolves no names); RTPENGINE_ECHO=1 makes rtpengine echo each phone's media
# back to it. rtpengine must answer before Kamailio starts (the module disables one that
# does not).
set -euo pipefail
cert_dir="${CERT_DIR:-/certs}"
if [ ! -s "$cert_dir/cert.pem" ] || [ ! -s "$cert_dir/key.pem" ]; then
  # shellcheck disable=SC2086  # CERT_NAMES is a list of names
  make-cert.sh "$cert_dir" ${CERT_NAMES:-kamailio localhost 127.0.0.1}
  chmod 644 "$cert_dir/cert.pem"
fi
mkdir -p /run/kamailio
media=()
if [ -n "${RTPENGINE_SOCK:-}" ]; then
  media=(-A WITH_RTPENGINE -A "RTPENGINE_SOCK=\"$RTPENGINE_SOCK\"")
  if [ "${RTPENGINE_ECHO:-0}" = 1 ]; then
    media+=(-A RTPENGINE_ECHO)
  fi
fi
# Each WSS connection costs about 135 KB of shared memory: 512 MB holds about 1000 phones.
exec kamailio -f /etc/kamailio/ringstorm.cfg -DD -E -Y /run/kamailio \
  -P /run/kamailio/kamailio.pid -m "${SHM_MB:-512}" -M 16 \
  -A "LISTEN_IP=${LISTEN:-eth0}" -A "UDP_PORT=${UDP_PORT:-5060}" \
  -A "WS_PORT=${WS_PORT:-8080}" -A "WSS_PORT=${WSS_PORT:-8443}" \
  -A "TLS_CERT=\"$cert_dir/cert.pem\"" -A "TLS_KEY=\"$cert_dir/key.pem\"" \
  -A "AUTH_PASSWORD=\"${AUTH_PASSWORD:-secret}\"" \
  -A "SIP_DOMAIN=\"${SIP_DOMAIN:-kamailio}\"" "${media[@]}"
