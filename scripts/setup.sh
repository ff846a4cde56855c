#!/usr/bin/env bash
# Installs whatever headroom's build and tests need and is missing. Safe to run
# again: every step checks first and does nothing when the tool is already right.
#
#   wasm32 targets, rustfmt, clippy    rustup
#   trunk 0.21.14                      cargo install --locked
#   wasm-bindgen-cli = Cargo.lock's    cargo install (without --locked, see below)
#   wasm-split-cli 0.2.4               cargo install --locked (wasm_split_cli_support)
#   binaryen (wasm-opt 132), Playwright  npm ci, from package-lock.json
#   chromium, chromium-driver          apt-get (Debian), for browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs)."
command -v rustup >/dev/null || die "rustup not found: the wasm32 target is installed through rustup."
command -v node >/dev/null || die "node not found: install Node.js 20 or later (and npm)."
command -v npm >/dev/null || die "npm not found: install npm alongside Node.js."

# 1. Rust target and components.
# wasm32-unknown-unknown: the app and its tests; wasm32-wasip1: the kernel benchmark (make bench).
for target in wasm32-unknown-unknown wasm32-wasip1; do
  if ! rustup target list --installed | grep -qx "$target"; then
    say "adding the $target target"
    rustup target add "$target"
  fi
done
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^${component}"; then
    say "adding $component"
    rustup component add "$component"
  fi
done

# 2. Trunk, pinned: 0.22 needs a newer rustc.
if [[ "$(trunk --version 2>/dev/null || true)" != "trunk ${TRUNK_VERSION}" ]]; then
  say "installing trunk ${TRUNK_VERSION} (takes several minutes)"
  cargo install trunk --version "${TRUNK_VERSION}" --locked
fi

# 3. wasm-bindgen CLI, exactly the version of the wasm-bindgen crate in Cargo.lock.
#    Installed without --locked: its own lock file names a crate version crates.io lacks.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
[[ -n "$WASM_BINDGEN_VERSION" ]] || die "no wasm-bindgen entry in Cargo.lock"
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen ${WASM_BINDGEN_VERSION}" ]] \
  || ! command -v wasm-bindgen-test-runner >/dev/null; then
  say "installing wasm-bindgen-cli ${WASM_BINDGEN_VERSION} (takes a few minutes)"
  cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}" --force
fi

# 4. wasm-split-cli: splits the app's wasm so that each secondary page's code is
#    fetched when the page is first shown (scripts/split.mjs).
WASM_SPLIT_VERSION=0.2.4
if ! cargo install --list | grep -qx "wasm_split_cli_support v${WASM_SPLIT_VERSION}:" \
  || ! command -v wasm-split-cli >/dev/null; then
  say "installing wasm-split-cli ${WASM_SPLIT_VERSION} (takes a few minutes)"
  cargo install wasm_split_cli_support --version "${WASM_SPLIT_VERSION}" --features build-binary --locked
fi

# 5. npm packages, exactly as package-lock.json records them.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing npm packages (binaryen, Playwright)"
  npm ci --no-audit --no-fund
fi
[[ "$(node_modules/.bin/wasm-opt --version)" == *"version 132"* ]] || die "node_modules/.bin/wasm-opt is not binaryen 132"

# 6. Chromium and its WebDriver for browser tests (Debian packages).
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing chromium and chromium-driver"
  SUDO=""
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null || die "chromium is missing and installing it needs root: apt-get install chromium chromium-driver"
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium chromium-driver
fi

say "tools ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(node_modules/.bin/wasm-opt --version | awk '{print $3}'), $(chromium --version 2>/dev/null | head -1)"
