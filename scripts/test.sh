#!/usr/bin/env bash
# Runs every test project in the solution. Extra arguments go to `dotnet test`.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-peers.sh >/dev/null || exit 1
dotnet test ActorChannel.sln -c Release --logger "trx" --logger "console;verbosity=normal" "$@"
