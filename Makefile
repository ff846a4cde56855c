# headroom — one command to see the app, one to test everything.
#
#   make serve   install what is missing, then serve on http://127.0.0.1:8080
#   make test    install what is missing, then run every check CI runs
#   make dist    release build into dist/

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Tools installed by scripts/setup.sh: cargo's bin dir and the pinned npm packages (wasm-opt).
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export CHROMIUM ?= /usr/bin/chromium
# Browser test runs start Chromium through chromedriver; allow for slow machines.
export WASM_BINDGEN_TEST_TIMEOUT ?= 120
export WASM_BINDGEN_TEST_DRIVER_TIMEOUT ?= 30

WASM := --target wasm32-unknown-unknown

.PHONY: help setup serve dist test lint fmt test-native test-wasm test-browser e2e clean

help:
	@echo "make serve   install what is missing, then serve the app on http://127.0.0.1:8080"
	@echo "make test    install what is missing, then run every check (what CI runs)"
	@echo "make dist    release build into dist/ (publish that folder as static files)"
	@echo "make fmt     format the code"

setup:
	@scripts/setup.sh

serve: setup
	trunk serve

dist: setup
	trunk build --release

fmt:
	cargo fmt --all

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --workspace --all-targets $(WASM) -- -D warnings

test-native:
	cargo test --workspace

# The engine's tests compiled to wasm32 and run in Node (usize is 32 bits there).
test-wasm:
	cargo test -p sizing $(WASM)

# DOM tests of the mounted app in headless Chromium.
test-browser:
	cargo test -p headroom $(WASM) --test web

# Playwright against the release build, served at / and under /docs/sizing/.
e2e:
	cd e2e && playwright test -c playwright.config.mjs

test: setup
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-native
	$(MAKE) --no-print-directory test-wasm
	$(MAKE) --no-print-directory test-browser
	trunk build --release
	$(MAKE) --no-print-directory e2e
	@echo "all checks passed"

clean:
	cargo clean
	rm -rf dist target/playwright
