#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages a step needs, only those missing.
# usage: scripts/install-deps.sh build|test|bench|fuzz
set -euo pipefail
case "${1:-build}" in
  build) packages=(cmake g++ make pkg-config libsqlite3-dev sqlite3) ;;
  test)  packages=(cmake g++ make pkg-config libsqlite3-dev sqlite3 catch2 iproute2 python3 python3-psutil
                   valgrind) ;;
  fuzz)  packages=(cmake make pkg-config libsqlite3-dev clang libclang-rt-14-dev python3) ;;
  bench) packages=(cmake g++ make gcc libsqlite3-dev sqlite3 hyperfine python3 python3-psutil
                   python3-matplotlib iproute2 net-tools lsof time) ;;
  *) echo "usage: $0 build|test|bench|fuzz" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
