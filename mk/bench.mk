# Benchmarks: `make bench` measures the release binary next to a Python peer (bench/peer/)
# and rewrites BENCHMARKS.md and bench/cold-start.png; `make bench-quick` (or
# `BENCH_QUICK=1 make bench`) is a short smoke run whose report goes to a temporary
# directory. bench/bench.sh does the work; this file provides the venvs it needs.

BENCH_VENV := .venv-bench
BENCH_VENV_STAMP := $(BENCH_VENV)/.requirements-installed

.PHONY: bench bench-quick bench-venv bench-instructions

bench: venv $(BENCH_VENV_STAMP) ## Run benchmarks and regenerate BENCHMARKS.md
	MAKE="$(MAKE)" bench/bench.sh

bench-quick: venv $(BENCH_VENV_STAMP) ## Check that the benchmarks run (few runs, report to a temp dir)
	BENCH_QUICK=1 MAKE="$(MAKE)" bench/bench.sh

# Instructions per event for every sample, counted by valgrind's cachegrind: what an A/B
# comparison of the per-event work uses on a machine too noisy for microsecond medians.
# INSTRUCTIONS_ARGS="--save before.json" once, then "--against before.json" after a change.
bench-instructions: ## Count instructions per event for every sample (needs valgrind)
	@command -v valgrind >/dev/null || { echo "bench-instructions: valgrind is not installed" >&2; exit 1; }
	python3 bench/instructions.py $(INSTRUCTIONS_ARGS)

bench-venv: $(BENCH_VENV_STAMP) ## Create .venv-bench with the Python peer's packages and matplotlib

# Rebuilt from scratch whenever the pinned requirements change. The venv ignores itself in
# git, as venvs made by newer Pythons do. Its packages are compiled to bytecode as they are
# installed (make-venv), as they are in a Lambda deployment package: the peer runs with
# PYTHONDONTWRITEBYTECODE, and compiling boto3 and pydantic at every cold start would make
# it look more than twice as slow as it is.
$(BENCH_VENV_STAMP): requirements/bench.txt
	$(call make-venv,$(BENCH_VENV),requirements/bench.txt)
	printf '*\n' > $(BENCH_VENV)/.gitignore
	touch $@
