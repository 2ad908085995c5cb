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

# scripts/bin first (wasm-opt behind a cache of its results), then binaryen's wasm-opt
# from npm (Debian's wasm-opt 108 breaks hydration), then cargo-installed tools
# (cargo-leptos, wasm-bindgen) and rustup's proxies.
case ":$PATH:" in
  *":$CHARLA_ROOT/scripts/bin:$CHARLA_ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:"*) ;;
  *) PATH="$CHARLA_ROOT/scripts/bin:$CHARLA_ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH" ;;
esac
export PATH

# cargo-leptos is installed with `no_downloads`: it uses wasm-bindgen and wasm-opt
# from PATH and never fetches tools, so no LEPTOS_*_VERSION variables are needed.

# Extra arguments for `cargo leptos ...` (set by the fallback env file), as an array.
# shellcheck disable=SC2034 # used by run.sh, test.sh and build.sh
CHARLA_LEPTOS_ARGV=()
# shellcheck disable=SC2034
if [ -n "${CHARLA_LEPTOS_ARGS:-}" ]; then
  read -r -a CHARLA_LEPTOS_ARGV <<<"$CHARLA_LEPTOS_ARGS"
fi

# The release client is built for size with nightly-only flags, against a std rebuilt
# with the same flags (scripts/setup.sh, step wasm-release-std, explains why). Only the
# release builds of run.sh, test.sh and build.sh use it, as `env "${CHARLA_RELEASE_ENV[@]}"
# cargo leptos ... --release "${CHARLA_RELEASE_LEPTOS_ARGV[@]}"`; both arrays stay empty until that std is built for
# this rustc, and on the fallback toolchain, so the release client then links the stock std.
CHARLA_RELEASE_SYSROOT="$CHARLA_CACHE/wasm-release-sysroot"
# Panics abort where they happen (no messages, no formatting), `{:?}` prints nothing (no
# Debug code), no file/line records; std picks its smaller algorithms.
CHARLA_RELEASE_WASM_FLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none"
CHARLA_RELEASE_STD_FEATURES="optimize_for_size"
charla_release_std_stamp() { rustc -vV 2>/dev/null; echo "$CHARLA_RELEASE_WASM_FLAGS $CHARLA_RELEASE_STD_FEATURES"; }
# shellcheck disable=SC2034 # used by run.sh, test.sh and build.sh
CHARLA_RELEASE_ENV=()
# shellcheck disable=SC2034
CHARLA_RELEASE_LEPTOS_ARGV=()
if [ "${CHARLA_WASM_FALLBACK:-}" != 1 ] \
  && [ "$(cat "$CHARLA_RELEASE_SYSROOT/rustc-vV.txt" 2>/dev/null || true)" = "$(charla_release_std_stamp)" ]; then
  # This variable replaces .cargo/config.toml's build.rustflags for wasm32, so it repeats
  # the erase_components cfg.
  CHARLA_RELEASE_ENV=("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS=--sysroot=$CHARLA_RELEASE_SYSROOT $CHARLA_RELEASE_WASM_FLAGS --cfg erase_components")
  # The flags above are nightly-only: the WASM build's rustc calls (only those) run
  # through a wrapper that allows them on the stable toolchain.
  CHARLA_RELEASE_LEPTOS_ARGV=("--lib-cargo-args=--config=build.rustc-wrapper='$CHARLA_ROOT/scripts/rustc-unstable.sh'")
fi

# The release build (target/release/server and target/site/, the client split and
# precompressed), the front end and the server side by side. `cargo leptos build
# --precompress` builds them one after the other (so that a server could embed the
# compressed files, which Charla's does not); the two share no cargo lock (target/front/
# and target/), and the front end's last steps (its single LTO unit, wasm-opt) keep one
# core busy, so side by side they finish sooner on 2 cores (BENCHMARKS.md, "First run").
# Used by run.sh, build.sh and lighthouse.sh; arguments go to both `cargo leptos build`s.
charla_release_build() {
  local front server rc=0
  env "${CHARLA_RELEASE_ENV[@]}" cargo leptos build --release --precompress --split --frontend-only \
    "${CHARLA_LEPTOS_ARGV[@]}" "${CHARLA_RELEASE_LEPTOS_ARGV[@]}" "$@" &
  front=$!
  env "${CHARLA_RELEASE_ENV[@]}" cargo leptos build --release --split --server-only \
    "${CHARLA_LEPTOS_ARGV[@]}" "${CHARLA_RELEASE_LEPTOS_ARGV[@]}" "$@" &
  server=$!
  wait "$front" || rc=$?
  wait "$server" || rc=$?
  return "$rc"
}
