#!/usr/bin/env bash
# Makes a throw-away CA and a server certificate for localhost/127.0.0.1 in DIR
# (default /tmp/pgwire-tls): ca.crt, server.crt, server.key.
set -euo pipefail
dir=${1:-/tmp/pgwire-tls}
mkdir -p "$dir"
cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
  -subj "/CN=pgwire-cpp test CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
  -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n' > san.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt \
  -days 3650 -sha256 -extfile san.ext 2>/dev/null
chmod 600 server.key ca.key
rm -f server.csr san.ext
echo "$dir/ca.crt $dir/server.crt $dir/server.key"
