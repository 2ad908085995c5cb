#!/usr/bin/env bash
# The whole test suite, failing fast: set-up, rustfmt, clippy (ssr and hydrate feature
# sets), cargo tests (PostgreSQL-backed ones skip themselves if there is no server),
# then the browser tests (cargo leptos end-to-end: builds, serves, runs `node --test`
# in end2end/). The runners' own summary lines ("test result: ...", "# pass N",
# "# fail N") are printed as they come; the exit code is non-zero on any failure.
# CARGO_TARGET_DIR is honoured if the caller sets it; this script does not set it.
set -euo pipefail

bash "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$CHARLA_ROOT"

step() { printf '\n==> %s\n' "$*"; }

# A one-shot build: incremental state would only fill the disk.
export CARGO_INCREMENTAL=0

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (server: app/ssr)"
cargo clippy -p app -p server -p bench --all-targets --features app/ssr -- -D warnings

step "cargo clippy (client: wasm32, app/hydrate)"
if [ "${CHARLA_WASM_FALLBACK:-}" = 1 ]; then
  # FALLBACK toolchain (see scripts/setup.sh): the wasm32 std was built by Debian's
  # rustc 1.96, so lint with Debian's clippy of the same version.
  CARGO=/usr/bin/cargo RUSTC=/usr/bin/rustc /usr/bin/cargo-clippy clippy \
    -p app -p frontend --target wasm32-unknown-unknown --features app/hydrate -- -D warnings
else
  cargo clippy -p app -p frontend --target wasm32-unknown-unknown --features app/hydrate -- -D warnings
fi

step "cargo deny (deny.toml)"
# The RustSec advisory database is a git repository on GitHub. Where it cannot be
# fetched (these machines reach only the package registries) the advisories check is
# reported as skipped with the reason; licences, bans and sources always run.
advisories_log="$(mktemp)"
if cargo deny check advisories >"$advisories_log" 2>&1; then
  echo "advisories: ok"
elif grep -qiE "failed to (fetch|clone|open)|unable to (fetch|clone)|could not (fetch|resolve)|network|connect" "$advisories_log"; then
  echo "advisories: SKIPPED (the RustSec database cannot be fetched here): $(grep -iE 'error' "$advisories_log" | head -n1)"
else
  cat "$advisories_log"
  rm -f "$advisories_log"
  exit 1
fi
rm -f "$advisories_log"
cargo deny check licenses bans sources

step "PostgreSQL on 127.0.0.1:5432"
if ! command -v pg_isready >/dev/null 2>&1; then
  echo "pg_isready not found: the database tests will report why they skip"
elif pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "PostgreSQL is accepting connections"
else
  # shellcheck disable=SC2012 # version directory names are plain numbers
  pg_version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1 || true)"
  if [ -n "$pg_version" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "starting PostgreSQL $pg_version/main"
    pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      pg_isready -q -h 127.0.0.1 -p 5432 && break
      sleep 1
    done
  fi
  if pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "PostgreSQL is accepting connections"
  else
    echo "PostgreSQL is not reachable: the database tests will report why they skip"
  fi
fi

step "mail servers (Dovecot IMAP, OpenSMTPD SMTP) on loopback"
bash scripts/mail-servers.sh start

step "cargo test (app + server + bench, app/ssr; includes the benchmark's quick mode)"
# No backtrace: a CI log keeps only its head and tail, and a backtrace after a failing
# test's message would push the message out of the tail.
RUST_BACKTRACE=0 cargo test -p app -p server -p bench --features app/ssr

step "browser tests (cargo leptos end-to-end --release --split)"
# cargo-leptos serves on the site-addr of Cargo.toml (127.0.0.1:3000); another server
# there would be tested instead of this build.
if (exec 3<>/dev/tcp/127.0.0.1/3000) 2>/dev/null; then
  echo "error: something already listens on 127.0.0.1:3000 (a running scripts/run.sh?): stop it first" >&2
  exit 1
fi
e2e_data="$(mktemp -d "${TMPDIR:-/tmp}/charla-e2e.XXXXXX")"
trap 'rm -rf "$e2e_data"' EXIT
e2e_log="$e2e_data/e2e.log"
# cargo-leptos 0.3.11 can exit 0 when the build fails before any test runs, so the
# runner's own summary is checked too: some tests passed and none failed.
set +e
# The browser tests' mail servers and Graph fake listen on loopback, which channel
# connections may reach only when allowed (SECURITY.md, "Channel secrets follow their host").
env CHARLA_DATA_DIR="$e2e_data" CHARLA_E2E_DATA_DIR="$e2e_data" CHARLA_SEED_DEMO=true CHARLA_WIDGET_EMAIL_AFTER_SECONDS=3 \
  CHARLA_OUTBOUND_ALLOW_PRIVATE=true CHARLA_GRAPH_ALLOW_HOSTS=127.0.0.1 "${CHARLA_RELEASE_ENV[@]}" \
  cargo leptos end-to-end --release --precompress --split "${CHARLA_LEPTOS_ARGV[@]}" "${CHARLA_RELEASE_LEPTOS_ARGV[@]}" 2>&1 | tee "$e2e_log"
e2e_status=${PIPESTATUS[0]}
set -e
passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$e2e_log" | tail -n1)
failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$e2e_log" | tail -n1)
if [ "$e2e_status" -ne 0 ] || [ -z "$passed" ] || [ "$passed" -eq 0 ] || [ "${failed:-1}" -ne 0 ]; then
  echo "browser tests failed (exit $e2e_status, passed ${passed:-none}, failed ${failed:-unknown})" >&2
  exit 1
fi
echo "browser tests: $passed passed, 0 failed"

step "client weight of this release build (benchmark, figures printed)"
./target/debug/bench weight --site target/site
