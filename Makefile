# headroom — one command to see the app, one to test everything.
#
#   make serve   install what is missing, then serve on http://127.0.0.1:8080
#   make test    install what is missing, then run every check CI runs
#   make dist    release build into dist/
#   make single  the release build as one file: dist-single/headroom.html
#   make size    every file of dist/ with raw and gzip bytes, and the wasm's largest parts
#   make bench   sparse-kernel benchmark in Node; writes docs/sparse-benchmark.md
#   make perf    start-up and recompute times in headless Chromium; writes target/perf.md
#   make fuzz    the readers under libFuzzer (nightly), FUZZ_SECONDS per target

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

.PHONY: help setup serve dist single size test lint fmt test-native test-wasm test-browser e2e bench bench-place perf accuracy fuzz clean

help:
	@echo "make serve   install what is missing, then serve the app on http://127.0.0.1:8080"
	@echo "make test    install what is missing, then run every check (what CI runs)"
	@echo "make dist    release build into dist/ (publish that folder as static files)"
	@echo "make single  the release build as one self-contained file, dist-single/headroom.html (opens from disk)"
	@echo "make size    every file of dist/ with raw and gzip bytes, the first visit's total, and the wasm's largest parts"
	@echo "make bench   benchmark the sparse kernels as wasm in Node; writes docs/sparse-benchmark.md"
	@echo "make bench-place  benchmark the placement simulator at cluster scale as wasm in Node; writes docs/placement-benchmark.md"
	@echo "make perf    start-up and recompute times of the release build in headless Chromium; writes target/perf.md"
	@echo "make accuracy  the calibration suite: published measurements against the command line; writes docs/accuracy.md"
	@echo "make fuzz    fuzz the readers (scenario, config.json, catalog, link, saved list); FUZZ_SECONDS each"
	@echo "make fmt     format the code"

setup:
	@scripts/setup.sh

serve: setup
	trunk serve

dist: setup
	trunk build --release

# scripts/single.mjs: dist/ inlined into one HTML file that works from file://.
single: dist
	node scripts/single.mjs --dir dist --out dist-single/headroom.html

# scripts/size.mjs: what a first visit downloads (gzip), file by file, and the
# largest functions and data of the app's main wasm module, the one the first page
# loads (twiggy, on the module before wasm-opt strips the names; scripts/split.mjs
# keeps it), grouped by crate; and the engine alone as a module of its own
# (crates/sizing/examples/first_page_floor.rs), the least the first page can weigh.
size: dist
	@command -v twiggy >/dev/null || cargo install twiggy --version 0.8.0 --locked
	@mkdir -p target
	cargo build --release -p sizing --example first_page_floor $(WASM)
	node scripts/size.mjs --dir dist --wasm target/wasm32-unknown-unknown/release/headroom-main.wasm \
	  --floor target/wasm32-unknown-unknown/release/examples/first_page_floor.wasm | tee target/size.md

fmt:
	cargo fmt --all

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --workspace --all-targets $(WASM) -- -D warnings
	cargo clippy -p headroom --bin headroom --features split $(WASM) -- -D warnings

test-native:
	cargo test --workspace

# The engine's and the kernels' tests compiled to wasm32 (with simd128) and run in Node.
test-wasm:
	cargo test -p sizing -p sparse $(WASM)

# DOM tests of the mounted app in headless Chromium.
test-browser:
	cargo test -p headroom $(WASM) --test web

# Playwright against the release build, served at / (every test) and under
# /docs/sizing/ (the tests tagged @smoke); the scenario tests compare the app
# with the command line's output.
e2e:
	cargo build -p headroom-cli
	cd e2e && playwright test -c playwright.config.mjs

test: setup
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-native
	$(MAKE) --no-print-directory test-wasm
	$(MAKE) --no-print-directory test-browser
	trunk build --release
	node scripts/single.mjs --dir dist --out dist-single/headroom.html
	$(MAKE) --no-print-directory e2e
	@echo "all checks passed"

# The kernels and their peers (sprs, nalgebra-sparse, matrixmultiply) in one
# wasm32-wasip1 module with simd128, timed in Node's V8 with every function
# compiled by its optimising tier from the start (see docs/sparse-kernels.md).
BENCH_WASM := target/wasm32-wasip1/wasm-bench/sparse-bench.wasm
bench: setup
	cargo build --profile wasm-bench -p sparse-bench --target wasm32-wasip1
	node --no-warnings --no-liftoff --no-wasm-dynamic-tiering scripts/wasi-run.mjs $(BENCH_WASM) | tee target/sparse-bench.md
	{ echo "# Sparse-kernel benchmark"; echo; \
	  echo "Generated by \`make bench\` on $$(date -u +%F): Node $$(node -v) (V8 $$(node -p process.versions.v8), optimising tier only), $$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $$(nproc) cores. The kernels are in \`crates/sparse\`; see [sparse-kernels.md](sparse-kernels.md)."; \
	  echo; cat target/sparse-bench.md; } > docs/sparse-benchmark.md
	@echo "wrote docs/sparse-benchmark.md"

# The placement simulator at cluster scale, as wasm32-wasip1 in Node's V8.
PLACE_BENCH_WASM := target/wasm32-wasip1/wasm-bench/place-bench.wasm
bench-place: setup
	cargo build --profile wasm-bench -p place-bench --target wasm32-wasip1
	node --no-warnings scripts/wasi-run.mjs $(PLACE_BENCH_WASM) | tee target/place-bench.md
	{ echo "# Placement benchmark"; echo; \
	  echo "Generated by \`make bench-place\` on $$(date -u +%F): the simulator (\`crates/sizing/src/place\`) as wasm32-wasip1 in Node $$(node -v) (V8 $$(node -p process.versions.v8)), $$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $$(nproc) cores. See [vsphere.md](vsphere.md)."; \
	  echo; cat target/place-bench.md; } > docs/placement-benchmark.md
	@echo "wrote docs/placement-benchmark.md"

# The release build in headless Chromium (scripts/perf.mjs): first paint and ready
# (total shown, inputs usable) over cold loads, input → DOM and input → painted
# frame over input changes; median, min and max as a Markdown table.
perf: setup
	trunk build --release
	@mkdir -p target
	node scripts/perf.mjs --dir dist | tee target/perf.md

# The calibration suite (scripts/accuracy.mjs): each case of accuracy/cases.json, a
# scenario and a published measurement, sized by the command line; the error per
# case and the median and worst per kind into docs/accuracy.md.
accuracy: setup
	cargo build -p headroom-cli
	node scripts/accuracy.mjs

# Each reader under libFuzzer for FUZZ_SECONDS: scenario files, config.json, catalogs,
# links, saved lists (fuzz/src/checks.rs says what is checked). New inputs go to
# target/fuzz/corpus, crashes to target/fuzz/artifacts; copy a crash into
# fuzz/regressions/<target>/ and `make test` replays it from then on.
FUZZ_SECONDS ?= 300
FUZZ_TARGETS := scenario config catalog link saved
fuzz: setup
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p target/fuzz/corpus/$$t target/fuzz/artifacts/$$t; \
	  echo "==> fuzzing $$t for $(FUZZ_SECONDS) s"; \
	  cargo +nightly fuzz run $$t --sanitizer none target/fuzz/corpus/$$t fuzz/corpus/$$t -- \
	    -max_total_time=$(FUZZ_SECONDS) -max_len=300000 -print_final_stats=1 \
	    -artifact_prefix=target/fuzz/artifacts/$$t/ > target/fuzz/$$t.log 2>&1 \
	    || { tail -40 target/fuzz/$$t.log; exit 1; }; \
	  grep -E "^stat::number_of_executed_units|^Done" target/fuzz/$$t.log; \
	done

clean:
	cargo clean
	rm -rf dist dist-single target/playwright fuzz/target
