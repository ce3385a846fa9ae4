#!/usr/bin/env bash
# Installs the real gRPC peers the interop tests run against (idempotent, quick when done already):
# grpc-js from npm (tests/peers, pinned by package-lock.json), gRPC C-core through Debian's python3-grpcio
# (+ python3-grpc-tools, which compiles src/Host/Protos for the python peer at test time), and etcd from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."
need_apt=()
/usr/bin/python3 -c 'import grpc' 2>/dev/null || need_apt+=(python3-grpcio)
/usr/bin/python3 -c 'import google.protobuf' 2>/dev/null || need_apt+=(python3-protobuf)
/usr/bin/python3 -c 'import grpc_tools.protoc' 2>/dev/null || need_apt+=(python3-grpc-tools)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
command -v etcd >/dev/null 2>&1 || need_apt+=(etcd-server)
command -v dnsmasq >/dev/null 2>&1 || need_apt+=(dnsmasq-base)
if [ ${#need_apt[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
if [ -f tests/peers/package-lock.json ]; then
  stamp=tests/peers/node_modules/.installed-lock
  if [ ! -d tests/peers/node_modules/@grpc/grpc-js ] || [ ! -d tests/peers/node_modules/@grpc/proto-loader ] \
     || ! cmp -s tests/peers/package-lock.json "$stamp"; then
    (cd tests/peers && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp tests/peers/package-lock.json "$stamp"
  fi
fi
