#!/usr/bin/env bash
# Benchmark: Lighthouse's mobile preset over the sign-in page, the inbox, an open
# conversation and the contact list, on the release build with demo data. Prints scores
# and metrics (median of CHARLA_LH_RUNS runs, default 3). Not a test: it asserts nothing.
# Needs what scripts/test.sh installs (Chromium); installs Lighthouse in bench/lighthouse.
#   --profile   instead of Lighthouse: the long tasks and the functions with the most self
#               time while each page loads and hydrates (bench/lighthouse/profile.mjs)
set -euo pipefail
program=run.mjs
if [ "${1:-}" = --profile ]; then program=profile.mjs; fi
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$CHARLA_ROOT"

CHARLA_SETUP_ONLY=wasm,wasm-release-std,cargo-leptos,wasm-bindgen,npm,chromium bash scripts/setup.sh
(cd bench/lighthouse && npm ci --no-audit --no-fund --silent)

data="$(mktemp -d)"
port="${CHARLA_LH_PORT:-3017}"
log="$data/server.log"
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT

charla_release_build
CHARLA_DATA_DIR="$data" CHARLA_SEED_DEMO=true LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  LEPTOS_SITE_ROOT=target/site \
  "${CHARLA_TARGET_DIR:-target}/release/server" >"$log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/login" && break
  sleep 0.5
done
CHARLA_LH_URL="http://127.0.0.1:$port" node "bench/lighthouse/$program"
