#!/usr/bin/env bash
# Quick start, step 1: install what is missing, build, and run the demo (embedded Redis,
# simulators of the six systems, one full sync, the API). Extra arguments go to `hub demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server missing: installing it with apt-get" >&2
  apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
fi
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build --silent
exec node --no-memory-reducer dist/src/cli/main.js demo "$@"
