#!/usr/bin/env bash
# Soak run of the differential fuzzer: random seeds for a given time (default one hour).
#   tests/fuzz/soak.sh [SECONDS] [fuzzer options, e.g. --enable outer_joins --disable F7_...]
# Every failure is printed as a shrunk, standalone repro and also written to $FUZZ_REPRO_DIR
# (default: a new directory under /tmp). The seed of each schema is printed, so a failure can
# be rerun with: differential_fuzzer.py --seeds SEED --query INDEX (and the same flags).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-3600}"
shift || true
server="${FLERN_SERVER:-$here/../../build/server/flern-server}"
repro_dir="${FUZZ_REPRO_DIR:-$(mktemp -d /tmp/flern-soak-XXXXXX)}"
echo "soak: ${seconds}s, server $server, repros in $repro_dir"
exec /usr/bin/python3 "$here/differential_fuzzer.py" --flern "$server" --random-seeds \
  --time-limit "$seconds" --queries 300 --max-failures 50 --repro-dir "$repro_dir" "$@"
