#!/usr/bin/env bash
# The release build to deploy: installs what is missing, then builds
# target/release/server and target/site/ (the client, split and precompressed) the way
# run.sh and test.sh do, the client linked against the smaller std (setup.sh,
# wasm-release-std). Extra arguments go to `cargo leptos build`.
set -euo pipefail

# Only what building needs (the test tools are test.sh's).
CHARLA_SETUP_ONLY="${CHARLA_SETUP_ONLY:-wasm,wasm-release-std,cargo-leptos,wasm-bindgen,npm}" \
  bash "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$CHARLA_ROOT"

echo "build: cargo leptos build --release --precompress --split (front end and server side by side)"
charla_release_build "$@"
