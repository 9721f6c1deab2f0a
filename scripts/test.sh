#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit tests and the end-to-end
# tests that start the real server and a throwaway PostgreSQL 15 and drive both with psql.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
cd "${FLERN_BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)" "$@"
