# Fuzzing parse + render with cargo-fuzz (libFuzzer). Not part of `make test`: CI replays the
# corpus instead (tests/integration/fuzz_corpus.rs). cargo-fuzz needs unstable compiler flags; the
# stable toolchain accepts them with RUSTC_BOOTSTRAP=1, so no nightly toolchain is needed.

FUZZ_SECONDS ?= 60
FUZZ_TARGET := parse_and_render
CARGO_FUZZ := $(CURDIR)/.tools/bin/cargo-fuzz

.PHONY: fuzz

$(CARGO_FUZZ):
	cargo install --locked --root $(CURDIR)/.tools cargo-fuzz

fuzz: $(CARGO_FUZZ) ## Fuzz parse + render for FUZZ_SECONDS (default 60); new inputs go to fuzz/corpus
	RUSTC_BOOTSTRAP=1 $(CARGO_FUZZ) run $(FUZZ_TARGET) fuzz/corpus/$(FUZZ_TARGET) \
	  -- -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10
	cargo test --quiet $(DEV_FEATURES) --test integration fuzz_corpus
