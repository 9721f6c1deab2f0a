#!/usr/bin/env bash
# Configures and builds Flern (Release with assertions off, tests on) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
"./scripts/install-deps.sh"
build_dir=${FLERN_BUILD_DIR:-build}
build_type=${FLERN_BUILD_TYPE:-RelWithDebInfo}
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" ${FLERN_CMAKE_ARGS:-}
fi
cmake --build "$build_dir" -j "$(nproc)"
