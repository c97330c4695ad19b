#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages a step needs, only those missing.
# usage: scripts/install-deps.sh build|test|bench|node|fuzz
set -euo pipefail
step=${1:-build}
case "$step" in
  build) packages=(cmake g++ make pkg-config libsqlite3-dev libmnl-dev sqlite3 clang bpftool libbpf-dev) ;;
  test)  packages=(cmake g++ make pkg-config libsqlite3-dev libmnl-dev sqlite3 clang bpftool libbpf-dev catch2 iproute2 python3 python3-psutil lsof
                   dpkg-dev file valgrind) ;;
  node)  packages=() ;;
  fuzz)  packages=(cmake make pkg-config libsqlite3-dev libmnl-dev clang libclang-rt-14-dev python3) ;;
  bench) packages=(cmake g++ make gcc pkg-config libsqlite3-dev libmnl-dev clang bpftool libbpf-dev sqlite3 hyperfine python3 python3-psutil
                   python3-matplotlib iproute2 net-tools lsof time) ;;
  *) echo "usage: $0 build|test|bench|node|fuzz" >&2; exit 2 ;;
esac
# The Node.js client test needs node and npm. A node from elsewhere (e.g.
# NodeSource's nodejs, which bundles npm) counts: Debian's npm package would
# conflict with it.
case "$step" in test | node)
  command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm) ;;
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
