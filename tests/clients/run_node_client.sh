#!/bin/bash
# Runs node_client.js with better-sqlite3 installed (once) into a cache: the
# first run's npm install compiles better-sqlite3 (about 2 minutes on 2 cores);
# later runs, from any build tree or clone on this machine, reuse it. The cache
# is $PROCTAB_NODE_CACHE, else ~/.cache/proctab/node<major>, else CACHE_DIR (a
# directory of the build tree). Exit 77 = skipped (ctest shows it, with the
# reason printed here).
# usage: run_node_client.sh SOURCE_DIR MODULE CACHE_DIR
set -euo pipefail
src=$1 module=$2 cache=$3
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  "$src/scripts/install-deps.sh" node || true
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIPPED: node and npm are not installed and could not be (scripts/install-deps.sh node)"
  exit 77
fi
major=$(node -p 'process.versions.node.split(".")[0]')
# better-sqlite3 12 supports Node >= 20 (13 crashes on Node 20); 11 still supports Node 18 (Debian 12's).
if [ "$major" -ge 20 ]; then want=12; else want=11; fi
home_cache="${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/proctab/node$major"
if [ -n "${PROCTAB_NODE_CACHE:-}" ]; then
  cache=$PROCTAB_NODE_CACHE
elif mkdir -p "$home_cache" 2>/dev/null && [ -w "$home_cache" ]; then
  cache=$home_cache
fi
mkdir -p "$cache"
cd "$cache"
# One install at a time: the .deb test runs this too, maybe while ctest's
# client test is still compiling into the same cache.
exec 8>"$cache/.lock"
flock -w 900 8 || { echo "FAIL: $cache is locked by another install for 15 minutes"; exit 1; }
[ -f package.json ] || echo '{"private": true, "description": "proctab test client deps (cache)"}' >package.json
have=$(node -p "try { require('./node_modules/better-sqlite3/package.json').version } catch (e) { '' }")
if [ "${have%%.*}" != "$want" ] || ! node -e "require('better-sqlite3')" 2>/dev/null; then
  echo "npm install better-sqlite3@$want into $cache (compiles; first run only)"
  if ! npm install --no-audit --no-fund --loglevel=error "better-sqlite3@$want" >npm-install.log 2>&1; then
    tail -20 npm-install.log
    echo "FAIL: npm install better-sqlite3@$want failed (log: $cache/npm-install.log)"
    exit 1
  fi
fi
NODE_PATH="$cache/node_modules" exec node "$src/tests/clients/node_client.js" "$module"
