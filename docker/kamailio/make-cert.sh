#!/usr/bin/env bash
# Makes a self-signed certificate for Kamailio's wss listener, which clients trust with
# `ringstorm run --ca DIR/cert.pem`:
#   make-cert.sh DIR [NAME...]      NAMEs go into subjectAltName (IP literals as IP:,
#                                   the rest as DNS:); default 127.0.0.1 ::1 localhost
# Writes DIR/cert.pem and DIR/key.pem (P-256, valid 30 days). The certificate is its own
# CA (basicConstraints CA:TRUE, OpenSSL's default for -x509), so it works as a trust anchor.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: make-cert.sh DIR [NAME...]" >&2
  exit 2
fi
dir="$1"
shift
[ $# -gt 0 ] || set -- 127.0.0.1 ::1 localhost

san=""
for name in "$@"; do
  if [[ "$name" =~ ^[0-9.]+$ || "$name" == *:* ]]; then
    entry="IP:$name"
  else
    entry="DNS:$name"
  fi
  san="${san:+$san,}$entry"
done

mkdir -p "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
  -subj "/CN=ringstorm-kamailio" -addext "subjectAltName=$san" \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
chmod 600 "$dir/key.pem"
