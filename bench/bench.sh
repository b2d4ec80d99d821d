#!/usr/bin/env bash
# Build the release binary, run the criterion benchmarks and the cold-start harness, and
# write BENCHMARKS.md with its plot. Called by `make bench` (mk/bench.mk), which first
# creates .venv (moto) and .venv-bench (the Python peer, matplotlib).
set -euo pipefail

# Environment:
#   BENCH_QUICK=1  a short smoke run (3 cold starts per series, brief criterion runs) whose
#                  report goes to a temporary directory, leaving the committed one alone
#   BENCH_RUNS=N   cold starts per series (default 25, quick 3)

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="$root/.venv-bench/bin/python"
if [[ ! -x "$python" ]]; then
  echo "bench: $python not found; run 'make bench' (it creates .venv-bench)" >&2
  exit 1
fi

criterion_home="$(mktemp -d "${TMPDIR:-/tmp}/notifier-criterion.XXXXXX")"
trap 'rm -rf "$criterion_home"' EXIT

if [[ "${BENCH_QUICK:-}" == "1" ]]; then
  runs="${BENCH_RUNS:-3}"
  warmup=1
  # About 0.2 s per benchmark, some 70 of them: long enough to run each, too short to measure.
  # Criterion's statistics resample each benchmark's samples 100,000 times by default, and in
  # the dev profile that analysis, not the benchmarks, took most of the pass (63 s against
  # 15 s with 1,000 resamples): the confidence intervals of a smoke run need no precision.
  criterion_args=(--warm-up-time 0.05 --measurement-time 0.1 --sample-size 10 --nresamples 1000)
  # Checks that the benchmarks run, not how fast: the dev profile reuses the dependencies
  # `make test` compiled, instead of building the AWS SDK once more in an optimised profile.
  # The same features as `make test` (DEV_FEATURES, exported by the Makefile), or its
  # dependencies would not match.
  read -r -a dev_features <<<"${DEV_FEATURES:-}"
  bench_profile=(--profile dev "${dev_features[@]}")
  out_dir="$(mktemp -d "${TMPDIR:-/tmp}/notifier-bench.XXXXXX")"
  markdown="$out_dir/BENCHMARKS.md"
  plot="$out_dir/cold-start.png"
  quick=(--quick)
else
  runs="${BENCH_RUNS:-25}"
  warmup=2
  criterion_args=()
  bench_profile=()
  markdown="$root/BENCHMARKS.md"
  plot="$root/bench/cold-start.png"
  quick=()
fi

# On a shared machine other work delays the measured processes; where allowed, they run
# (with moto and the harness) at a higher priority. nice keeps going if it may not.
boost=()
if [[ "$(id -u)" == "0" ]]; then
  boost=(nice -n -10)
fi

# The criterion pass first: it does not need the bootstrap, so when CI runs this while its
# release build is still going, it uses the other CPU instead of waiting for cargo's lock.
echo "bench: per-event cost (criterion)"
CRITERION_HOME="$criterion_home" "${boost[@]}" cargo bench "${bench_profile[@]}" --bench notify -- --noplot "${criterion_args[@]}"

# Instructions per event beside criterion's medians: other work on the machine moves the
# medians, not the counts (bench/instructions.py, which runs valgrind's cachegrind).
instructions=()
if [[ "${BENCH_QUICK:-}" != "1" ]]; then
  if command -v valgrind >/dev/null; then
    echo "bench: instructions per event (cachegrind)"
    "$python" bench/instructions.py --save "$criterion_home/instructions.json"
    instructions=(--instructions "$criterion_home/instructions.json")
  else
    echo "bench: valgrind not found; the report leaves out instructions per event" >&2
  fi
fi

# The binary measured is the one deployed: cargo-lambda's release build (its CPU target and
# panic strategy included), built by `make lambda-build-x86`, so neither repeats the other
# and the two never build at once.
echo "bench: building the release bootstrap with cargo-lambda"
"${MAKE:-make}" --no-print-directory lambda-build-x86
export NOTIFIER_BINARY="$root/target/lambda-x86_64/marketplace-catalog-notifier/bootstrap"

echo "bench: cold starts, $runs per series, against moto on loopback"
# with-moto.sh starts moto_server on a free 127.0.0.1 port and stops it however we exit.
PATH="$root/.venv/bin:$PATH" "${boost[@]}" scripts/with-moto.sh \
  "$python" bench/run.py --runs "$runs" --warmup "$warmup" \
  --criterion-dir "$criterion_home" "${instructions[@]}" --markdown "$markdown" --plot "$plot" \
  "${quick[@]}"

echo "bench: report in ${markdown#"$root"/}, plot in ${plot#"$root"/}"
