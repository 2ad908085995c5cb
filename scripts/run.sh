#!/usr/bin/env bash
# Runs Charla: installs what is missing, then builds and starts the release build.
# The server seeds demo data on first start and prints its URL and the demo logins.
#   CHARLA_DATA_DIR  where the server keeps its data (default: <repo>/data)
# Extra arguments go to the server.
set -euo pipefail

# Only what building and running needs; the test tools (Chromium, mail and S3 servers,
# cargo-deny) are installed by scripts/test.sh.
CHARLA_SETUP_ONLY="${CHARLA_SETUP_ONLY:-wasm,wasm-release-std,cargo-leptos,wasm-bindgen,npm}" \
  bash "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$CHARLA_ROOT"

export CHARLA_DATA_DIR="${CHARLA_DATA_DIR:-$CHARLA_ROOT/data}"
# Demo data is opt-in (the server never seeds it unless told); this command is the demo.
export CHARLA_SEED_DEMO="${CHARLA_SEED_DEMO:-true}"
# The demo is a local trial: its channels may be pointed at mail servers and a Graph API
# fake on this machine. A production server keeps both refused (SECURITY.md).
if [ "$CHARLA_SEED_DEMO" = true ]; then
  export CHARLA_OUTBOUND_ALLOW_PRIVATE="${CHARLA_OUTBOUND_ALLOW_PRIVATE:-true}"
  export CHARLA_GRAPH_ALLOW_HOSTS="${CHARLA_GRAPH_ALLOW_HOSTS:-127.0.0.1,localhost}"
fi
mkdir -p "$CHARLA_DATA_DIR"
echo "run: cargo leptos build --release --precompress --split (front end and server side by side)"
charla_release_build
echo "run: target/release/server (data in $CHARLA_DATA_DIR)"
exec env LEPTOS_SITE_ROOT="$CHARLA_ROOT/target/site" "$CHARLA_ROOT/target/release/server" "$@"
