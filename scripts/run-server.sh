#!/usr/bin/env bash
# Installs what is missing, builds, and starts the Flern server in the foreground on
# 127.0.0.1:${FLERN_PORT:-5433} with the data directory ./data (created on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
exec ./build/server/flern-server --port "${FLERN_PORT:-5433}" --data-dir "${FLERN_DATA_DIR:-data}" "$@"
