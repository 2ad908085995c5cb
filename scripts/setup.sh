#!/usr/bin/env bash
# Installs what building, running and testing Charla needs, and only what is missing.
# Idempotent: on a machine that has everything it prints one line per step and changes nothing.
#
# Steps, in order (CHARLA_SETUP_ONLY=step,step,... runs only those, e.g. CHARLA_SETUP_ONLY=npm,chromium):
#   wasm          the wasm32-unknown-unknown std (rustup; Debian rustc-web fallback), rustfmt, clippy
#   wasm-release-std  the smaller wasm32 std the release client links (rust-src, built once)
#   cargo-leptos  cargo-leptos 0.3.11 with `no_downloads`
#   wasm-bindgen  wasm-bindgen-cli at the version of wasm-bindgen in Cargo.lock
#   npm           end2end/node_modules (playwright-core, binaryen's wasm-opt)
#   chromium      Debian's /usr/bin/chromium for the browser tests
#   mail          Dovecot (IMAP + LMTP) and OpenSMTPD for the email channel's tests
#   s3            moto_server (PyPI moto[server]): a local S3-compatible server for storage tests
#   fuzzer        schemathesis (PyPI): the API fuzzer driven by /api/v1/openapi.json
#   deny          cargo-deny: licences, bans, sources and advisories of the dependency graph
# The installed versions are printed at the end.
# Facts behind these choices: shared/docs/toolchain.md.
set -euo pipefail

# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$CHARLA_ROOT"

readonly WASM_TARGET=wasm32-unknown-unknown
readonly LEPTOS_VERSION=0.3.11
# cargo-leptos 0.3.11 --locked needs rustc >= 1.96 (rustup's stable 1.95 cannot build it).
readonly LEPTOS_TOOLCHAIN=1.96.0
readonly FALLBACK_ENV="$CHARLA_CACHE/env.sh"
readonly FALLBACK_SYSROOT="$CHARLA_CACHE/wasm-sysroot"
# Written by step_wasm_release_std; where and with which flags come from scripts/env.sh.
readonly RELEASE_SYSROOT="$CHARLA_RELEASE_SYSROOT"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# Is step $1 selected by CHARLA_SETUP_ONLY (unset or empty: every step)?
want() { [ -z "${CHARLA_SETUP_ONLY:-}" ] || [[ ",${CHARLA_SETUP_ONLY// /}," == *",$1,"* ]]; }

# Runs a command with its output kept back; shows the output only if it fails.
quietly() {
  local log rc=0
  log="$(mktemp)"
  "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then cat "$log" >&2; fi
  rm -f "$log"
  return "$rc"
}

readonly STEPS="wasm wasm-release-std cargo-leptos wasm-bindgen npm chromium mail s3 fuzzer deny"
if [ -n "${CHARLA_SETUP_ONLY:-}" ]; then
  for s in ${CHARLA_SETUP_ONLY//,/ }; do
    [[ " $STEPS " == *" $s "* ]] || die "unknown step '$s' in CHARLA_SETUP_ONLY (steps: $STEPS)"
  done
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_UPDATED=0
# Installs those of the given Debian packages that are not installed yet (apt-get update once).
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "apt-get update"
    quietly $SUDO apt-get update
    APT_UPDATED=1
  fi
  say "apt-get install ${missing[*]}"
  quietly $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

# Does directory $1 hold a compiled std (libstd-*.rlib)?
has_std() { [ -n "$1" ] && compgen -G "$1/libstd-*.rlib" >/dev/null; }

# ---------------------------------------------------------------------------
# a. Rust toolchain pieces and the wasm32 target
# ---------------------------------------------------------------------------
step_wasm() {
  # RUSTUP_AUTO_INSTALL=0 on these machines: a rust-toolchain file is not installed on first use.
  if { [ -f rust-toolchain.toml ] || [ -f rust-toolchain ]; } && ! rustc --version >/dev/null 2>&1; then
    say "rustup toolchain install (the toolchain named by rust-toolchain.toml)"
    rustup toolchain install
  fi

  local comps=()
  cargo fmt --version >/dev/null 2>&1 || comps+=(rustfmt)
  cargo clippy --version >/dev/null 2>&1 || comps+=(clippy)
  if [ "${#comps[@]}" -gt 0 ]; then
    say "rustup component add ${comps[*]}"
    rustup component add "${comps[@]}"
  fi

  local libdir
  libdir="$(rustc --print target-libdir --target "$WASM_TARGET" 2>/dev/null || true)"
  if has_std "$libdir"; then
    say "$WASM_TARGET std: present (rustup)"
    drop_stale_fallback_env
    return 0
  fi

  say "rustup target add $WASM_TARGET"
  if rustup target add "$WASM_TARGET" \
    && has_std "$(rustc --print target-libdir --target "$WASM_TARGET" 2>/dev/null || true)"; then
    drop_stale_fallback_env
    return 0
  fi

  say "rustup could not add $WASM_TARGET: using the Debian rustc-web fallback"
  wasm_fallback
}

# Builds a wasm32 std with `-Zbuild-std` in a scratch crate and puts its rlibs in $1
# (emptied first). $2: the scratch directory; $3: extra `[profile.release]` lines;
# $4: std features (empty: std's defaults); the rest: the cargo to run there, with its
# environment (e.g. `env RUSTFLAGS=... cargo`).
build_wasm_std() {
  local libdir="$1" build="$2" profile="$3" features="$4"
  shift 4
  local extra=()
  if [ -n "$features" ]; then extra=("-Zbuild-std-features=$features"); fi
  rm -rf "$build" "$libdir"
  mkdir -p "$build/src" "$libdir"
  printf '[package]\nname = "charla-wasm-std"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[lib]\npath = "src/lib.rs"\n\n[profile.release]\npanic = "abort"\n%s\n\n[workspace]\n' \
    "$profile" >"$build/Cargo.toml"
  printf '#![no_std]\n' >"$build/src/lib.rs"
  (
    cd "$build"
    env -u CARGO_ENCODED_RUSTFLAGS -u CARGO_TARGET_DIR -u CARGO_BUILD_TARGET_DIR \
      -u CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS -u CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER \
      "$@" build --quiet --release --target "$WASM_TARGET" -Zbuild-std=std,panic_abort "${extra[@]}"
  )
  cp "$build/target/$WASM_TARGET/release/deps/"*.rlib "$libdir/"
  rm -f "$libdir"/libcharla_wasm_std-*.rlib
  has_std "$libdir" || die "no libstd-*.rlib came out of the -Zbuild-std build in $build"
  rm -rf "$build"
}

# A fallback env file left from an earlier run would force the fallback toolchain
# although rustup now has the target: remove it.
drop_stale_fallback_env() {
  if [ -f "$FALLBACK_ENV" ] && grep -q 'CHARLA_WASM_FALLBACK=1' "$FALLBACK_ENV"; then
    say "removing $FALLBACK_ENV (rustup has $WASM_TARGET now)"
    rm -f "$FALLBACK_ENV"
    unset CHARLA_WASM_FALLBACK CHARLA_WASM_SYSROOT CHARLA_LEPTOS_ARGS \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER
  fi
}

# ---------------------------------------------------------------------------
# FALLBACK, used only where rustup cannot download the wasm32 std
# (toolchain.md, option B2). Debian's bookworm-security packages give rustc 1.96
# with the std sources; we build the wasm32 std with it once into our own sysroot
# and point wasm32 builds at it:
#   - $CHARLA_CACHE/wasm-sysroot/lib/rustlib/wasm32-unknown-unknown/lib/*.rlib
#   - $CHARLA_CACHE/env.sh (sourced by scripts/env.sh) exports
#       CHARLA_WASM_FALLBACK=1
#       CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS=--sysroot=<that sysroot> --cfg erase_components
#                           (this variable replaces .cargo/config.toml's build.rustflags
#                           for wasm32, so it repeats the erase_components cfg)
#       CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=<rust-lld or wasm-ld of lld-22>
#       CHARLA_LEPTOS_ARGS  extra `cargo leptos` arguments: the WASM (lib) build runs
#                           with Debian's /usr/bin/rustc, which made that sysroot
#   - scripts/test.sh lints the wasm32 build with Debian's clippy (rust-web-clippy).
# The server, fmt, clippy (ssr) and tests keep rustup's stable toolchain.
# ---------------------------------------------------------------------------
wasm_fallback() {
  apt_install rustc-web cargo-web rust-web-src rust-web-clippy lld-22

  local libdir="$FALLBACK_SYSROOT/lib/rustlib/$WASM_TARGET/lib"
  local stamp="$FALLBACK_SYSROOT/rustc-vV.txt"
  local rustc_vv
  rustc_vv="$(/usr/bin/rustc -vV)"
  if has_std "$libdir" && [ "$(cat "$stamp" 2>/dev/null || true)" = "$rustc_vv" ]; then
    say "$WASM_TARGET std (fallback sysroot): present in $FALLBACK_SYSROOT"
  else
    say "building the $WASM_TARGET std with Debian's rustc into $FALLBACK_SYSROOT (once, ~30 s)"
    build_wasm_std "$libdir" "$CHARLA_CACHE/wasm-std-build" "" "" \
      env -u RUSTFLAGS RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 /usr/bin/cargo
    printf '%s\n' "$rustc_vv" >"$stamp"
  fi

  # Linker for wasm32: /usr/bin/rust-lld dangles until lld-22 is installed; wasm-ld also works.
  local linker=""
  if [ -x "$(readlink -f /usr/bin/rust-lld 2>/dev/null || true)" ]; then
    linker=/usr/bin/rust-lld
  elif command -v wasm-ld-22 >/dev/null 2>&1; then
    linker="$(command -v wasm-ld-22)"
  elif [ -x /usr/lib/llvm-22/bin/wasm-ld ]; then
    linker=/usr/lib/llvm-22/bin/wasm-ld
  else
    die "no wasm linker found (rust-lld / wasm-ld from lld-22)"
  fi

  local content
  content="$(cat <<ENV
# Written by Charla's scripts/setup.sh — FALLBACK wasm32 toolchain, because
# \`rustup target add $WASM_TARGET\` failed on this machine. Sourced by scripts/env.sh.
# Delete this file to go back to rustup's target (setup.sh removes it once rustup has it).
export CHARLA_WASM_FALLBACK=1
export CHARLA_WASM_SYSROOT='$FALLBACK_SYSROOT'
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS='--sysroot=$FALLBACK_SYSROOT --cfg erase_components'
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER='$linker'
# cargo-leptos builds the WASM lib with Debian's rustc (the one that built the sysroot).
export CHARLA_LEPTOS_ARGS='--lib-cargo-args=--config=build.rustc="/usr/bin/rustc"'
ENV
)"
  if [ "$(cat "$FALLBACK_ENV" 2>/dev/null || true)" != "$content" ]; then
    say "writing $FALLBACK_ENV"
    mkdir -p "$CHARLA_CACHE"
    printf '%s\n' "$content" >"$FALLBACK_ENV.tmp"
    mv "$FALLBACK_ENV.tmp" "$FALLBACK_ENV"
  fi
  # shellcheck source=/dev/null
  . "$FALLBACK_ENV"
}

# ---------------------------------------------------------------------------
# a2. The release client's std, rebuilt for size with the flags the release client is
# built with (scripts/env.sh, CHARLA_RELEASE_WASM_FLAGS): panic=immediate-abort (std's
# panic machinery, messages and formatting left out; every panic is a trap),
# -Zfmt-debug=none (`{:?}` prints nothing, so no Debug code), -Zlocation-detail=none,
# and std's `optimize_for_size` algorithms. Together with the lazy parts, 318 -> 267 KB
# brotli before the inbox is interactive (BENCHMARKS.md, client weight). In the released
# client a panic shows in the console as "unreachable" with no message, and Debug output
# is empty (nothing user-visible uses it; the server is built normally).
# Built once per rustc, with rustup's rust-src, into $RELEASE_SYSROOT; scripts/env.sh
# points only the release WASM build at it (CHARLA_RELEASE_ENV, CHARLA_RELEASE_LEPTOS_ARGV).
# Nightly features on the stable toolchain (RUSTC_BOOTSTRAP) are needed for this build
# and, through scripts/rustc-unstable.sh, for the release WASM build's rustc calls only,
# never for the server's. Where rust-src cannot be had, or on the Debian fallback
# toolchain, the release client links the stock std and is built without these flags.
# ---------------------------------------------------------------------------
# Bitcode embedded: the client's build is LTO, which reads std's bitcode too.
readonly RELEASE_STD_FLAGS="$CHARLA_RELEASE_WASM_FLAGS -Cembed-bitcode=yes"
step_wasm_release_std() {
  if [ "${CHARLA_WASM_FALLBACK:-}" = 1 ]; then
    say "release wasm32 std: skipped on the fallback toolchain (the client links the stock std)"
    rm -rf "$RELEASE_SYSROOT"
    return 0
  fi
  local src stamp want_stamp libdir
  src="$(rustc --print sysroot)/lib/rustlib/src/rust/library"
  if [ ! -d "$src/std" ]; then
    say "rustup component add rust-src"
    if ! rustup component add rust-src || [ ! -d "$src/std" ]; then
      say "release wasm32 std: no rust-src here; the release client links the stock std"
      rm -rf "$RELEASE_SYSROOT"
      return 0
    fi
  fi
  libdir="$RELEASE_SYSROOT/lib/rustlib/$WASM_TARGET/lib"
  stamp="$RELEASE_SYSROOT/rustc-vV.txt"
  want_stamp="$(charla_release_std_stamp)"
  if has_std "$libdir" && [ "$(cat "$stamp" 2>/dev/null || true)" = "$want_stamp" ]; then
    say "release wasm32 std (built for size): present in $RELEASE_SYSROOT"
    return 0
  fi
  say "building the release $WASM_TARGET std (for size) into $RELEASE_SYSROOT (once, ~1 min)"
  # The same size settings as the workspace's wasm-release profile.
  build_wasm_std "$libdir" "$CHARLA_CACHE/wasm-release-std-build" $'opt-level = "z"\ncodegen-units = 1' \
    "$CHARLA_RELEASE_STD_FEATURES" env RUSTC_BOOTSTRAP=1 RUSTFLAGS="$RELEASE_STD_FLAGS" cargo
  printf '%s\n' "$want_stamp" >"$stamp"
}

# ---------------------------------------------------------------------------
# b. cargo-leptos 0.3.11 (no_downloads: uses wasm-bindgen and wasm-opt from PATH)
# ---------------------------------------------------------------------------
# Build tools are compiled lightly optimised. cargo-leptos's own release profile (fat LTO,
# one codegen unit, opt-level 3) spends most of its 20-minute install optimising swc and
# cargo-generate, which a build of Charla barely runs; a tool's optimisation level does
# not change what it writes (the same site, the same bindings, the same report), only how
# fast it runs, and the parts that crunch bytes on every build (brotli, gzip, the WASM
# reader and splitter, CSS) stay fully optimised. Measured in BENCHMARKS.md ("First run").
TOOL_BUILD_PROFILE=(CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1)
TOOL_BUILD_CONFIG=()
for crate in brotli brotli-decompressor flate2 miniz_oxide libflate libflate_lz77 walrus \
  wasmparser wasm-encoder wasm_split_cli_support lightningcss; do
  TOOL_BUILD_CONFIG+=(--config "profile.release.package.$crate.opt-level=3")
done
# Installs a build tool with the profile above: tool_install <cargo…> install <args…>.
tool_install() { env "${TOOL_BUILD_PROFILE[@]}" "$@" "${TOOL_BUILD_CONFIG[@]}"; }
step_cargo_leptos() {
  local have
  have="$(cargo leptos --version 2>/dev/null || true)"
  if [[ "$have" =~ (^|[^0-9.])${LEPTOS_VERSION//./\\.}([^0-9.]|$) ]]; then
    say "cargo-leptos: $have"
    return 0
  fi
  say "installing cargo-leptos $LEPTOS_VERSION (found: ${have:-none}; about 9 min on 2 cores)"
  local toolchains
  toolchains="$(rustup toolchain list 2>/dev/null || true)"
  if grep -q "^$LEPTOS_TOOLCHAIN-" <<<"$toolchains" \
    || rustup toolchain install "$LEPTOS_TOOLCHAIN" --profile minimal; then
    tool_install cargo "+$LEPTOS_TOOLCHAIN" install cargo-leptos \
      --version "$LEPTOS_VERSION" --locked --features no_downloads
  else
    # FALLBACK: rustup cannot install 1.96; Debian's cargo-web/rustc-web are 1.96.
    say "rustup could not install $LEPTOS_TOOLCHAIN: installing cargo-leptos with Debian's cargo-web"
    apt_install rustc-web cargo-web
    RUSTC=/usr/bin/rustc tool_install /usr/bin/cargo install --root "$HOME/.cargo" \
      cargo-leptos --version "$LEPTOS_VERSION" --locked --features no_downloads
  fi
}

# ---------------------------------------------------------------------------
# c. wasm-bindgen-cli, same version as the wasm-bindgen crate in Cargo.lock
# ---------------------------------------------------------------------------
step_wasm_bindgen() {
  [ -f Cargo.lock ] || die "Cargo.lock is missing: it pins the wasm-bindgen version"
  local want have
  want="$(awk '$0 == "name = \"wasm-bindgen\"" { getline; if ($1 == "version") { gsub(/"/, "", $3); print $3; exit } }' Cargo.lock)"
  [ -n "$want" ] || die "no wasm-bindgen package in Cargo.lock"
  have="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
  if [ "$have" = "$want" ]; then
    say "wasm-bindgen-cli: $have (= Cargo.lock)"
    return 0
  fi
  say "installing wasm-bindgen-cli $want (found: ${have:-none}; under 2 min)"
  # Not --locked: its lock pins a yanked crate.
  tool_install cargo install wasm-bindgen-cli --version "$want" --force
}

# ---------------------------------------------------------------------------
# d. npm packages for the browser tests and binaryen's wasm-opt (end2end/)
# ---------------------------------------------------------------------------
step_npm() {
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  local dir="$CHARLA_ROOT/end2end" stamp="$CHARLA_ROOT/end2end/node_modules/.package-lock.json"
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  if [ ! -f "$dir/package-lock.json" ]; then
    say "npm install in end2end/ (no package-lock.json yet)"
    (cd "$dir" && quietly npm install --no-audit --no-fund)
  elif [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ] || [ "$dir/package.json" -nt "$stamp" ]; then
    say "npm ci in end2end/"
    (cd "$dir" && quietly npm ci --no-audit --no-fund)
  else
    say "end2end/node_modules: up to date"
  fi
}

# ---------------------------------------------------------------------------
# e. Chromium for the browser tests (playwright-core downloads no browser)
# ---------------------------------------------------------------------------
step_chromium() {
  if [ -x /usr/bin/chromium ]; then
    say "chromium: present"
  else
    apt_install chromium
  fi
  # No pkg-config / libssl-dev: nothing in Cargo.lock links OpenSSL.
}

want wasm && step_wasm
want wasm-release-std && step_wasm_release_std
want cargo-leptos && step_cargo_leptos
want wasm-bindgen && step_wasm_bindgen
want npm && step_npm
want chromium && step_chromium
# The reports' browser test writes a month of history into the server's SQLite file,
# whose full-text index needs a newer SQLite than Debian's (its trigram tokenizer's
# remove_diacritics): Python with the pysqlite3 wheel, which bundles one.
readonly PYSQLITE3_VERSION=0.5.4.post2
step_pysqlite3() {
  if python3 -c "import pysqlite3" 2>/dev/null; then
    say "pysqlite3: $(python3 -c 'import pysqlite3; print(pysqlite3.sqlite_version)')"
  else
    say "pip install pysqlite3-binary==$PYSQLITE3_VERSION"
    quietly python3 -m pip install --quiet "pysqlite3-binary==$PYSQLITE3_VERSION"
  fi
}
want chromium && step_pysqlite3

# ---------------------------------------------------------------------------
# e2. Real mail servers for the email channel's tests (started by scripts/mail-servers.sh)
# ---------------------------------------------------------------------------
step_mail() {
  # Debian starts neither here (no init); scripts/mail-servers.sh runs private instances.
  apt_install dovecot-imapd dovecot-lmtpd opensmtpd
  say "mail servers: $(dovecot --version 2>/dev/null | cut -d' ' -f1) / OpenSMTPD $(dpkg-query -W -f='${Version}' opensmtpd 2>/dev/null)"
}
want mail && step_mail

# ---------------------------------------------------------------------------
# e3. A local S3-compatible server for the object-storage tests (started by the tests)
# ---------------------------------------------------------------------------
readonly MOTO_VERSION=5.2.1
step_s3() {
  if command -v moto_server >/dev/null 2>&1; then
    say "moto_server: present"
  else
    say "pip install moto[server]==$MOTO_VERSION"
    quietly python3 -m pip install --quiet "moto[server]==$MOTO_VERSION"
  fi
}
want s3 && step_s3

# The property-based API fuzzer the suite runs against the OpenAPI document.
readonly SCHEMATHESIS_VERSION=4.32.5
step_fuzzer() {
  local have
  have="$(schemathesis --version 2>/dev/null | awk '{ print $3 }' || true)"
  if [ "$have" = "$SCHEMATHESIS_VERSION" ]; then
    say "schemathesis: $have"
  else
    say "pip install schemathesis==$SCHEMATHESIS_VERSION"
    quietly python3 -m pip install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
    # Under pyenv a new command needs its shim.
    if command -v pyenv >/dev/null 2>&1; then pyenv rehash || true; fi
  fi
}
want fuzzer && step_fuzzer

# ---------------------------------------------------------------------------
# e4. cargo-deny for the dependency checks (deny.toml)
# ---------------------------------------------------------------------------
readonly DENY_VERSION=0.20.2
step_deny() {
  local have
  have="$(cargo deny --version 2>/dev/null | awk '{ print $2 }' || true)"
  if [ "$have" = "$DENY_VERSION" ]; then
    say "cargo-deny: $have"
    return 0
  fi
  say "installing cargo-deny $DENY_VERSION (found: ${have:-none}; ~6 min on 2 cores)"
  quietly tool_install cargo install cargo-deny --version "$DENY_VERSION" --locked --force
}
want deny && step_deny

# ---------------------------------------------------------------------------
# f. What we have now
# ---------------------------------------------------------------------------
version_of() {
  local v
  v="$("$@" 2>/dev/null | head -n1 || true)"
  printf '%s' "${v:-missing}"
}
wasm_std="missing"
if has_std "$(rustc --print target-libdir --target "$WASM_TARGET" 2>/dev/null || true)"; then
  wasm_std="rustup"
elif [ "${CHARLA_WASM_FALLBACK:-}" = 1 ]; then
  wasm_std="fallback sysroot $CHARLA_WASM_SYSROOT ($(version_of /usr/bin/rustc --version))"
fi
say "versions:"
printf '  %-15s %s\n' \
  rustc "$(version_of rustc --version)" \
  "wasm32 std" "$wasm_std" \
  cargo-leptos "$(version_of cargo leptos --version)" \
  wasm-bindgen "$(version_of wasm-bindgen --version)" \
  wasm-opt "$(version_of wasm-opt --version) ($(command -v wasm-opt || echo 'not on PATH'))" \
  node "$(version_of node --version)" \
  playwright-core "$(cd end2end 2>/dev/null && version_of node -p 'require("playwright-core/package.json").version')" \
  chromium "$(version_of /usr/bin/chromium --version)" \
  cargo-deny "$(version_of cargo deny --version)"
