# Front door for the notifier: `make` lists the targets.
#
# Other files may add targets by dropping a makefile in mk/; to run extra checks as part
# of `make test` they append a target name to EXTRA_TEST_TARGETS.

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
EXTRA_TEST_TARGETS :=
# Kept so `make test` can close with one total over every cargo test binary.
CARGO_TEST_LOG := .run/cargo-test.log

-include mk/*.mk

.PHONY: help venv demo test test-rust lint fmt invoke check-event clean

help: ## Show this list of targets
	@echo "Usage: make <target> [VAR=value]"
	@echo
	@grep -hE '^[A-Za-z0-9_.-]+:.*## ' $(MAKEFILE_LIST) \
	  | awk 'BEGIN { FS = ":.*## " } { printf "  %-14s %s\n", $$1, $$2 }' \
	  | LC_ALL=C sort -u

venv: $(VENV_STAMP) ## Create .venv with the pinned Python tools (moto, cargo-lambda, zig, cfn-lint)

# Rebuilt from scratch whenever the pinned requirements change.
$(VENV_STAMP): requirements/test.txt
	$(PYTHON) -m venv --clear $(VENV)
	$(VENV)/bin/python -m pip install --disable-pip-version-check --quiet -r requirements/test.txt
	touch $@

demo: ## Render every sample event in events/ to stdout, text and chat (dry run): FORMAT=text|chat for one
	FORMAT="$(FORMAT)" cargo run --quiet --example demo -- events/*.json

test: venv ## Run the Rust tests against a local moto server, then the checks listed in EXTRA_TEST_TARGETS
	@$(MAKE) --no-print-directory test-rust
	@for target in $(EXTRA_TEST_TARGETS); do \
	  echo "make: running $$target"; \
	  $(MAKE) --no-print-directory "$$target"; \
	done
	@# cargo ends on the doctest line (often "0 passed"); close with the total over all test binaries.
	@awk '/^test result:/ { for (i = 2; i <= NF; i++) { \
	    if ($$i ~ /^passed/) passed += $$(i - 1); \
	    if ($$i ~ /^failed/) failed += $$(i - 1); \
	    if ($$i ~ /^ignored/) ignored += $$(i - 1) } } \
	  END { printf "cargo-test: %d passed, %d failed, %d skipped\n", passed, failed, ignored }' $(CARGO_TEST_LOG)

test-rust: venv ## Run cargo test with a throwaway moto server on 127.0.0.1
	@mkdir -p $(dir $(CARGO_TEST_LOG))
	PATH="$(VENV_BIN):$$PATH" \
	AWS_REGION=us-east-1 \
	AWS_ACCESS_KEY_ID=testing \
	AWS_SECRET_ACCESS_KEY=testing \
	AWS_EC2_METADATA_DISABLED=true \
	NOTIFIER_PYTHON="$(VENV_BIN)/python" \
	scripts/with-moto.sh cargo test 2>&1 | tee $(CARGO_TEST_LOG)

lint: ## Check formatting and run clippy with warnings as errors
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings

fmt: ## Format the Rust sources
	cargo fmt

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
