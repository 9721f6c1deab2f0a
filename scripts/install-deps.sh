#!/usr/bin/env bash
# Installs every system dependency of Flern from Debian 12 packages. Idempotent: packages already
# present are left alone and apt is not touched at all when nothing is missing.
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config
  llvm-19-dev libpg-query-dev libboost-dev libzstd-dev nlohmann-json3-dev
  zlib1g-dev libedit-dev libffi-dev libxml2-dev libncurses-dev
  libgtest-dev libgmock-dev libpcre2-dev
  postgresql-15 postgresql-client-15 python3 python3-psycopg2
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
