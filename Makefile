# rolegate: `make demo` and `make test` work on a fresh machine; every target installs what it needs when missing.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)

WASM_TARGET := wasm32-unknown-unknown
WASM_BINDGEN_VERSION = $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/version = "\(.*\)"/\1/p;q}' Cargo.lock)
TOOLS := .ci/tools/node_modules/.bin
export CHROMEDRIVER ?= /usr/bin/chromedriver

.PHONY: all demo test pkg tools rust-tools chromium node-tools test-core test-native test-wasm test-smoke clippy worker bench fuzz soak clean

all: pkg

## --- installs (each skipped when already present) -------------------------------------------
tools: rust-tools chromium node-tools

rust-tools: | Cargo.lock
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)
	@if [ "$$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (about 2 minutes)"; \
	  cargo install -q wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); fi

# Only when missing: a committed lockfile is never re-resolved (cargo reads it as it is).
Cargo.lock:
	cargo generate-lockfile

chromium:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; fi

node-tools: $(TOOLS)/wasm-opt
$(TOOLS)/wasm-opt: .ci/tools/package-lock.json
	npm ci --prefix .ci/tools --no-audit --no-fund --loglevel=error
	touch $@

## --- the package ------------------------------------------------------------------------------
# Three wasm builds by runtime need, each with the package's JS layer (src/npm/policy.js) beside its binding:
# browser/ without token code (the console), edge/ without policy analysis (workerd), full/ with both (node,
# the CLI). Entries, types and the CLI: src/npm/.
pkg: pkg/package.json
PKG_SOURCES := Cargo.toml Cargo.lock pkg.json $(shell find src -type f)
WASM_OPT_FLAGS := -Oz --converge --strip-producers --low-memory-unused --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals

# $(call wasm_build,NAME,CARGO_FEATURE_FLAGS,ENTRY): pkg.tmp/NAME/ from its own target dir (no rebuild when the
# other changes), with the JS layer (policy.js), its message catalogs (messages.*.js) and the build's entry
# (ENTRY, as index.js: the public API, listed).
define wasm_build
	cargo build --release --target $(WASM_TARGET) -q --target-dir target/$(1) $(2)
	wasm-bindgen --target web --out-dir pkg.tmp/$(1) --out-name rolegate target/$(1)/$(WASM_TARGET)/release/rolegate.wasm
	$(TOOLS)/wasm-opt $(WASM_OPT_FLAGS) pkg.tmp/$(1)/rolegate_bg.wasm -o pkg.tmp/$(1)/rolegate_bg.wasm
	cp src/npm/policy.js src/npm/messages.*.js pkg.tmp/$(1)/ && cp src/npm/$(3) pkg.tmp/$(1)/index.js
	@echo "pkg/$(1): $$(wc -c < pkg.tmp/$(1)/rolegate_bg.wasm) bytes wasm, $$(gzip -9c pkg.tmp/$(1)/rolegate_bg.wasm | wc -c) gzipped"
endef

pkg/package.json: $(PKG_SOURCES) | rust-tools node-tools
	rm -rf pkg.tmp && mkdir pkg.tmp
	$(call wasm_build,browser,--no-default-features --features analysis,index-browser.js)
	$(call wasm_build,edge,--no-default-features --features token,index.js)
	$(call wasm_build,full,,index.js)
	cp src/npm/node.js src/npm/workerd.js src/npm/*.d.ts src/npm/cli*.js pkg.tmp/
	cp pkg.json pkg.tmp/package.json && cp README.md pkg.tmp/README.md
	rm -rf pkg && mv pkg.tmp pkg

## --- tests ------------------------------------------------------------------------------------
test: test-core
	FUZZ_SECONDS=5 $(MAKE) -C fuzz smoke
	$(MAKE) -C worker test
	$(MAKE) -C worker soak SOAK_SECONDS=10
	$(MAKE) -C www test
	$(MAKE) -C bench test

test-core: clippy test-native test-wasm test-smoke

# Native, then the wasm32 build (the binding module and its tests exist only there); each with and without
# the optional features (`token`, `analysis`: the browser build leaves out the first, the edge build the second).
clippy: rust-tools
	cargo clippy -q --all-targets -- -D warnings
	cargo clippy -q --all-targets --no-default-features -- -D warnings
	cargo clippy -q --target $(WASM_TARGET) --lib --tests -- -D warnings
	cargo clippy -q --target $(WASM_TARGET) --lib --tests --no-default-features -- -D warnings

test-native:
	cargo test -q

# The same JS-API tests in Node and in headless Chromium (the runner rejects cargo's -q).
test-wasm: export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER = wasm-bindgen-test-runner
test-wasm: export WASM_BINDGEN_TEST_WEBDRIVER_JSON = tests/webdriver.json
test-wasm: rust-tools chromium
	cargo test --target $(WASM_TARGET) --test wasm_node --test wasm_browser

# The built package used by its name, as a user would (node entry, exports map, strict TypeScript).
test-smoke: pkg
	cd tests/node && npm ci --no-audit --no-fund --loglevel=error && npm test --silent

## --- running things ----------------------------------------------------------------------------
demo: pkg
	$(MAKE) -C www demo

worker: pkg
	$(MAKE) -C worker run

bench: pkg
	$(MAKE) -C bench bench

## The edge worker under 60 s of loopback load.
soak: pkg
	$(MAKE) -C worker soak

## Five minutes per fuzz target, then the property tests with 40 times their cases.
fuzz:
	$(MAKE) -C fuzz fuzz

clean:
	rm -rf target pkg pkg.tmp .ci/tools/node_modules tests/node/node_modules
