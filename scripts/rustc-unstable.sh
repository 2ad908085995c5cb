#!/bin/sh
# cargo's rustc wrapper for the release WASM build only (scripts/env.sh,
# CHARLA_RELEASE_LEPTOS_ARGV): lets the stable rustc take the nightly-only
# size flags of that build (scripts/env.sh, CHARLA_RELEASE_WASM_FLAGS; scripts/setup.sh, wasm-release-std).
# Set here, in rustc's environment, and not for cargo: the server's build never sees it,
# so its dependencies are not rebuilt.
RUSTC_BOOTSTRAP=1 exec "$@"
