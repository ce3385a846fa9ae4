#!/usr/bin/env bash
# Installs the real gRPC peers the interop tests run against (idempotent, quick when done already):
# grpc-js from npm, gRPC C-core through Debian's python3-grpcio, and etcd from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."
need_apt=()
/usr/bin/python3 -c 'import grpc' 2>/dev/null || need_apt+=(python3-grpcio python3-protobuf)
command -v etcd >/dev/null 2>&1 || need_apt+=(etcd-server)
if [ ${#need_apt[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
if [ -f tests/peers/package.json ] && [ ! -d tests/peers/node_modules/@grpc/grpc-js ]; then
  (cd tests/peers && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
