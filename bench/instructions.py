"""Instructions per event for every sample in events/, counted by cachegrind.

Wall-clock medians of a few microseconds move with whatever else the machine runs (the same
sample took 10 and 15 µs within minutes on a shared 2-CPU machine); instruction counts do
not, so a change's effect on the per-event work can be compared exactly. Each sample runs
through benches/instructions.rs (the bench's parse_route_render) at two repeat counts, and
the difference divided by the extra repeats leaves the start-up out.

    python3 bench/instructions.py [--save FILE] [--against FILE]

It builds the driver with `cargo bench --no-run` (the release profile's settings). --save writes the counts as JSON; --against prints each sample's change from a saved run.
"""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The size outlier, measured on its own by the criterion bench too.
SKIPPED = {"offer-released-30000-buyers"}
FEW, MANY = 100, 300


def instructions(binary: str, repeats: int, sample: Path) -> int:
    """Total instructions of one run, as cachegrind's summary gives them."""
    run = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         binary, str(repeats), str(sample)],
        capture_output=True, text=True, check=False,
    )
    if run.returncode != 0:
        sys.exit(f"instructions: {sample.name}: exit {run.returncode}\n{run.stderr[-2000:]}")
    found = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    if not found:
        sys.exit(f"instructions: no instruction count in cachegrind's output for {sample.name}")
    return int(found.group(1).replace(",", ""))


def build() -> str:
    """Builds benches/instructions.rs and returns the path of its executable."""
    run = subprocess.run(
        ["cargo", "bench", "--bench", "instructions", "--no-run",
         "--message-format=json-render-diagnostics"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False,
    )
    if run.returncode != 0:
        sys.exit("instructions: the driver did not build")
    for line in run.stdout.splitlines():
        message = json.loads(line)
        if message.get("reason") == "compiler-artifact" and message.get("executable") \
                and message["target"]["name"] == "instructions":
            return message["executable"]
    sys.exit("instructions: cargo named no executable for benches/instructions.rs")


def per_event(binary: str, sample: Path) -> int:
    return (instructions(binary, MANY, sample) - instructions(binary, FEW, sample)) // (MANY - FEW)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", type=Path, help="write the counts to this JSON file")
    parser.add_argument("--against", type=Path, help="compare with counts saved earlier")
    args = parser.parse_args()
    binary = build()
    samples = sorted(p for p in (ROOT / "events").glob("*.json") if p.stem not in SKIPPED)
    counts = {sample.stem: per_event(binary, sample) for sample in samples}
    before = json.loads(args.against.read_text()) if args.against else {}
    print("| sample | instructions per event | change |")
    print("|---|---:|---:|")
    for name, count in counts.items():
        change = f"{(count / before[name] - 1) * 100:+.1f}%" if name in before else ""
        print(f"| {name} | {count:,} | {change} |")
    total = sum(counts.values())
    shared = [name for name in counts if name in before]
    if shared:
        now, then = sum(counts[n] for n in shared), sum(before[n] for n in shared)
        print(f"| all {len(shared)} samples | {now:,} | {(now / then - 1) * 100:+.1f}% |")
    else:
        print(f"| all {len(counts)} samples | {total:,} | |")
    if args.save:
        args.save.write_text(json.dumps(counts, indent=1) + "\n")


if __name__ == "__main__":
    main()
