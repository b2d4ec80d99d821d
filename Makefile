# Front door for the notifier: `make` lists the targets.
#
# `make test` runs the tests; `make check` runs everything CI runs, each step named below.
# The makefiles in mk/ add the SAM/cargo-lambda, benchmark and fuzzing targets.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV := .venv
VENV_BIN := $(CURDIR)/$(VENV)/bin
VENV_STAMP := $(VENV)/.requirements-installed
EVENT ?=
# Which renderings `make demo` shows: both, text (e-mail/SQS) or chat (Slack/Teams JSON).
FORMAT ?= both
# `make demo DIGEST=daily` (or weekly): queue every sample for that digest and show it.
DIGEST ?=
# The features of every dev-profile build here (tests, lint, the bench smoke run, the operator
# commands): one set everywhere, so each build reuses the dependencies another compiled.
# `redrive` adds the redrive command and its two SDK clients (Cargo.toml). Exported for
# bench/bench.sh, whose smoke run builds its benchmarks in the dev profile too.
export DEV_FEATURES := --features redrive
# Kept so `make test` can close with one total over every cargo test binary.
CARGO_TEST_LOG := .run/cargo-test.log

-include mk/*.mk

.PHONY: help venv demo test test-build check lint fmt invoke check-event clean

help: ## Show this list of targets
	@echo "Usage: make <target> [VAR=value]"
	@echo
	@grep -hE '^[A-Za-z0-9_.-]+:.*## ' $(MAKEFILE_LIST) \
	  | awk 'BEGIN { FS = ":.*## " } { printf "  %-14s %s\n", $$1, $$2 }' \
	  | LC_ALL=C sort -u

venv: $(VENV_STAMP) ## Create .venv with the pinned Python tools (moto, cargo-lambda, zig, cfn-lint)

# Every venv here is made the same way: a fresh venv, uv in it, then the pinned requirements
# installed by uv, which resolves, downloads and unpacks in parallel (about 16 s for .venv,
# against 71 s with pip). Every module is compiled to bytecode as it is installed, as pip
# does: uv would leave that to the first import, and where PYTHONDONTWRITEBYTECODE is set
# nothing is ever written back, so every start compiled its imports again. cfn-lint took
# 5.3 s to import that way and 1.5 s with bytecode; it is started by the tests' template
# helpers (tests/template_patterns.py) and by lint-template, beside moto_server and sam.
# $(call make-venv,DIR,REQUIREMENTS)
UV_VERSION := 0.13.8
define make-venv
$(PYTHON) -m venv --clear $(1)
$(1)/bin/python -m pip install --disable-pip-version-check --quiet uv==$(UV_VERSION)
$(1)/bin/uv pip install --quiet --compile-bytecode --python $(1)/bin/python -r $(2)
endef

# Rebuilt from scratch whenever the pinned requirements change.
$(VENV_STAMP): requirements/test.txt
	$(call make-venv,$(VENV),requirements/test.txt)
	touch $@

demo: ## Render every sample event in events/ to stdout, text and chat (dry run): FORMAT=text|chat for one, DIGEST=daily|weekly for the digest
	FORMAT="$(FORMAT)" DIGEST="$(DIGEST)" cargo run --quiet --no-default-features --bin notifier-demo -- events/*.json

test: venv ## Run the Rust tests (unit and integration) against a throwaway moto server on 127.0.0.1
	@mkdir -p $(dir $(CARGO_TEST_LOG))
	PATH="$(VENV_BIN):$$PATH" \
	AWS_REGION=us-east-1 \
	AWS_ACCESS_KEY_ID=testing \
	AWS_SECRET_ACCESS_KEY=testing \
	AWS_EC2_METADATA_DISABLED=true \
	NOTIFIER_PYTHON="$(VENV_BIN)/python" \
	scripts/with-moto.sh cargo test --workspace $(DEV_FEATURES) 2>&1 | tee $(CARGO_TEST_LOG)
	@# cargo ends on the doctest line (often "0 passed"); close with the total over all test binaries.
	@awk '/^test result:/ { for (i = 2; i <= NF; i++) { \
	    if ($$i ~ /^passed/) passed += $$(i - 1); \
	    if ($$i ~ /^failed/) failed += $$(i - 1); \
	    if ($$i ~ /^ignored/) ignored += $$(i - 1) } } \
	  END { printf "cargo-test: %d passed, %d failed, %d skipped\n", passed, failed, ignored }' $(CARGO_TEST_LOG)

# The tests' build alone: it needs neither .venv nor moto, so CI starts it while .venv
# installs, and `make test` then finds it done.
test-build: ## Compile the tests without running them
	cargo test --workspace --no-run $(DEV_FEATURES)

# What CI runs (.ci/run), in the same order. The bootstrap build comes before the bench
# smoke run, which measures that same binary, so the release dependency tree is compiled
# once; the smoke run's criterion pass reuses the tests' dev build.
check: ## Run everything CI runs: test, lint, lint-template, lambda-build-x86, bench-quick
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory lint-template
	@$(MAKE) --no-print-directory lambda-build-x86
	@$(MAKE) --no-print-directory bench-quick

# Clippy as this crate's compiler (cargo hands the workspace's own crates to the wrapper,
# dependencies to rustc): the same lints as `cargo clippy -- -D warnings`, but as a build, so
# it reuses the dependencies `make test` and `make demo` compiled instead of checking the
# whole tree once more. CI sets the same two variables for every step (.ci/run), so the tests'
# build is already linted and this one finds nothing left to do.
CLIPPY := CLIPPY_ARGS=-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__ RUSTC_WORKSPACE_WRAPPER=clippy-driver

lint: ## Check formatting and run clippy with warnings as errors
	cargo fmt --all --check
	$(CLIPPY) cargo build --workspace --all-targets $(DEV_FEATURES)
	@# The demo's build: the pure core without the `aws` feature must stay warning-free too.
	$(CLIPPY) cargo build --no-default-features --bin notifier-demo

fmt: ## Format the Rust sources
	cargo fmt --all

invoke: check-event venv ## Run one event through the local Lambda runtime: make invoke EVENT=events/<file>.json
	scripts/invoke.sh "$(EVENT)"

# Fails fast, before any install, when EVENT is missing.
check-event:
	@if [[ -z "$(EVENT)" ]]; then \
	  echo "usage: make invoke EVENT=events/<file>.json" >&2; \
	  echo "sample events: $$(cd events && echo *.json)" >&2; \
	  exit 2; \
	fi

clean: ## Remove build output, the Python venvs, installed tools and .run/
	cargo clean
	rm -rf $(VENV) .venv-sam .venv-bench .run .tools fuzz/target
