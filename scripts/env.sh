# shellcheck shell=bash
# Sourced (not run) by scripts/setup.sh, run.sh and test.sh: the environment Charla
# builds and tests in. Safe to source more than once.

# Repository root, from this file's location (not from $PWD).
CHARLA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CHARLA_ROOT

# Written by scripts/setup.sh only where rustup could not add the wasm32 target
# (the Debian rustc-web fallback): sysroot, linker and CHARLA_WASM_FALLBACK=1.
CHARLA_CACHE="${CHARLA_CACHE:-$HOME/.cache/charla}"
export CHARLA_CACHE
if [ -f "$CHARLA_CACHE/env.sh" ]; then
  # shellcheck source=/dev/null
  . "$CHARLA_CACHE/env.sh"
fi

# binaryen's wasm-opt from npm first (Debian's wasm-opt 108 breaks hydration),
# then cargo-installed tools (cargo-leptos, wasm-bindgen) and rustup's proxies.
case ":$PATH:" in
  *":$CHARLA_ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:"*) ;;
  *) PATH="$CHARLA_ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH" ;;
esac
export PATH

# cargo-leptos is installed with `no_downloads`: it uses wasm-bindgen and wasm-opt
# from PATH and never fetches tools, so no LEPTOS_*_VERSION variables are needed.

# Extra arguments for `cargo leptos ...` (set by the fallback env file), as an array.
# shellcheck disable=SC2034 # used by run.sh and test.sh
CHARLA_LEPTOS_ARGV=()
# shellcheck disable=SC2034
if [ -n "${CHARLA_LEPTOS_ARGS:-}" ]; then
  read -r -a CHARLA_LEPTOS_ARGV <<<"$CHARLA_LEPTOS_ARGS"
fi
