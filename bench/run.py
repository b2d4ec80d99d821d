"""Cold-start, memory and size measurements of the notifier next to a Python peer.

Run by `make bench` inside scripts/with-moto.sh (it needs MOTO_ENDPOINT), after
`cargo build --release` and `cargo bench --bench notify` have run. It measures the release
binary and bench/peer/notifier_peer.py against the same loopback Runtime API emulator,
interleaving the series so that drift on the machine hits them alike, then reads
criterion's estimates and writes the Markdown report and the plot.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zipfile
from pathlib import Path
from typing import Any

import boto3

import coldstart
import plot
import report
from coldstart import Program, Sample
from stats import summarize

ROOT = Path(__file__).resolve().parent.parent
# The deployed bootstrap, built by bench.sh with cargo-lambda (override with NOTIFIER_BINARY).
BINARY = Path(
    os.environ.get(
        "NOTIFIER_BINARY",
        ROOT / "target" / "lambda-x86_64" / "marketplace-catalog-notifier" / "bootstrap",
    )
)
PEER_DIR = ROOT / "bench" / "peer"
EVENT = ROOT / "events" / "offer-released-by-isv.json"
REGION = "us-east-1"
TOPICS = {
    "OFFERS_TOPIC_ARN": "marketplace-offers",
    "CHANGE_SETS_TOPIC_ARN": "marketplace-change-sets",
    "SECURITY_TOPIC_ARN": "marketplace-security",
    "OTHER_EVENTS_TOPIC_ARN": "marketplace-other-events",
}
# Series keys, in the order they are shown.
RUST_PUBLISH = "rust_publish"
RUST_DRY_RUN = "rust_dry_run"
PYTHON_PUBLISH = "python_publish"
FLOOR = "floor"
FLOOR_SOURCE = ROOT / "bench" / "floor" / "floor.c"
MOTO_PROBES = 20
# How long moto rests before an idle probe: at least as long as it rests between one cold
# start's publish and the next, when the harness reaps a process and starts the next one.
MOTO_IDLE_SECONDS = 0.1
COMMAND_TIMEOUT_SECONDS = 60


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse the command line; the defaults are what `make bench` uses."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=25, help="measured cold starts per series")
    parser.add_argument("--warmup", type=int, default=2, help="discarded cold starts per series")
    parser.add_argument(
        "--criterion-dir", type=Path, required=True, help="CRITERION_HOME of the cargo bench run"
    )
    parser.add_argument(
        "--instructions",
        type=Path,
        help="instructions per event, as bench/instructions.py --save writes them",
    )
    parser.add_argument("--markdown", type=Path, required=True, help="where to write the report")
    parser.add_argument("--plot", type=Path, required=True, help="where to write the PNG")
    parser.add_argument(
        "--quick", action="store_true", help="label the report as a quick smoke run"
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    return args


def command_output(argv: list[str], **kwargs: Any) -> str:
    """Run a short command and return its stripped standard output ('' if it fails)."""
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
            check=True,
            **kwargs,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()


def create_topics(endpoint: str) -> dict[str, str]:
    """Create the four notifier topics in moto; return variable name -> topic ARN."""
    sns = boto3.client(
        "sns",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return {variable: sns.create_topic(Name=name)["TopicArn"] for variable, name in TOPICS.items()}


def lambda_environment(endpoint: str, topics: dict[str, str], home: Path) -> dict[str, str]:
    """Build the environment: Lambda's variables, the template's configuration, moto as SNS."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),  # empty: no ~/.aws files to read, as on Lambda
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "AWS_LAMBDA_FUNCTION_NAME": "marketplace-catalog-notifier",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/marketplace-catalog-notifier",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2026/01/01/[$LATEST]0123456789abcdef",
        "AWS_LAMBDA_LOG_FORMAT": "JSON",
        "AWS_LAMBDA_LOG_LEVEL": "INFO",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL": endpoint,
    }
    env.update(topics)
    return env


def programs(base_env: dict[str, str], work: Path) -> dict[str, Program]:
    """Define the series: the Rust binary publishing and in dry run, the peer publishing.

    The binary trusts the root certificates compiled into it and reads no system CA files,
    so there is no series varying SSL_CERT_FILE / SSL_CERT_DIR.
    """
    dry_env = dict(base_env, NOTIFIER_DRY_RUN="true")
    python_env = dict(
        base_env,
        PYTHONPATH=str(PEER_DIR),
        LAMBDA_TASK_ROOT=str(PEER_DIR),
        # A deployed zip is read-only: the handler module is compiled on every cold start.
        PYTHONDONTWRITEBYTECODE="1",
        POWERTOOLS_SERVICE_NAME="marketplace-catalog-notifier-peer",
    )
    series = {
        RUST_PUBLISH: Program("Rust, publish", [str(BINARY)], base_env, str(work / "rust.log")),
        RUST_DRY_RUN: Program("Rust, dry run", [str(BINARY)], dry_env, str(work / "dry.log")),
    }
    floor = compiled_floor(work)
    if floor is not None:
        series[FLOOR] = Program(
            "C floor, asks and answers", [str(floor)], base_env, str(work / "floor.log"), b'"floor"'
        )
    series[PYTHON_PUBLISH] = Program(
        "Python peer, publish",
        [sys.executable, "-m", "awslambdaric", "notifier_peer.handler"],
        python_env,
        str(work / "python.log"),
    )
    return series


def compiled_floor(work: Path) -> Path | None:
    """Compile bench/floor/floor.c with the system's C compiler; None (and a note) without one."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    floor = work / "floor"
    if compiler is not None:
        built = subprocess.run(
            [compiler, "-O2", "-o", str(floor), str(FLOOR_SOURCE)], capture_output=True, text=True
        )
        if built.returncode == 0:
            return floor
        print(f"bench: the floor did not compile:\n{built.stderr}", file=sys.stderr)
    else:
        print("bench: no C compiler, so no floor series", file=sys.stderr)
    return None


def moto_publish_ms(endpoint: str, topic_arn: str, idle_seconds: float) -> list[float]:
    """Round trips of a Publish to moto, each after `idle_seconds` of rest: moto's own share,
    its new connection included. A machine whose CPUs have been resting answers slower than
    one kept busy (caches, power states), so a probe after a rest is what a cold start's
    publish meets, and back-to-back probes show moto at its fastest.

    A plain form POST, so that no client library's time is counted. moto closes the
    connection after every answer, so each request opens a new one (http.client reconnects
    by itself), as the function's and the peer's publishes do; the first is not counted.
    """
    url = urllib.parse.urlsplit(endpoint)
    body = urllib.parse.urlencode(
        {"Action": "Publish", "TopicArn": topic_arn, "Subject": "probe", "Message": "probe"}
    )
    # moto picks the service from the credential scope; the signature itself is not checked.
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sns/aws4_request, "
        "SignedHeaders=host, Signature=0",
    }
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    times = []
    try:
        for attempt in range(MOTO_PROBES + 1):
            time.sleep(idle_seconds)
            started = time.perf_counter_ns()
            connection.request("POST", "/", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            if response.status != 200 or b"MessageId" not in answer:
                raise RuntimeError(f"moto answered {response.status}: {answer[:200]!r}")
            if attempt:
                times.append((time.perf_counter_ns() - started) / 1e6)
    finally:
        connection.close()
    return times


def run_series(series: dict[str, Program], runs: int, warmup: int) -> dict[str, list[Sample]]:
    """Warm up, then run every series `runs` times, rotating which one goes first."""
    event = EVENT.read_bytes()
    keys = list(series)
    for key in keys:
        for _ in range(warmup):
            coldstart.measure(series[key], event)
    samples: dict[str, list[Sample]] = {key: [] for key in keys}
    for round_number in range(runs):
        shift = round_number % len(keys)
        for key in keys[shift:] + keys[:shift]:
            samples[key].append(coldstart.measure(series[key], event))
        print(
            f"bench: cold-start round {round_number + 1}/{runs} done", file=sys.stderr, flush=True
        )
    return samples


def is_stripped(path: Path) -> bool:
    """Tell whether the ELF file has no .symtab section (its symbols are stripped)."""
    return ".symtab" not in command_output(["readelf", "-S", "-W", str(path)])


def zipped_size(binary: Path, work: Path) -> int:
    """Zip the binary as an executable `bootstrap`, as deployed, and return the zip's size."""
    archive = work / "bootstrap.zip"
    info = zipfile.ZipInfo("bootstrap", date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100755 & 0xFFFF) << 16
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr(info, binary.read_bytes())
    return archive.stat().st_size


def criterion_estimates(directory: Path) -> list[dict[str, Any]]:
    """Collect every benchmark criterion wrote under `directory`: id, estimates in ns, bytes."""
    results = []
    for estimates in sorted(directory.glob("**/new/estimates.json")):
        meta_path = estimates.parent / "benchmark.json"
        if not meta_path.is_file():
            continue
        meta = json.loads(meta_path.read_text())
        data = json.loads(estimates.read_text())
        throughput = meta.get("throughput") or {}
        results.append(
            {
                "group": meta["group_id"],
                # "text_only/<event>" when a benchmark has both a function and an input.
                "name": "/".join(
                    part for part in (meta.get("function_id"), meta.get("value_str")) if part
                ),
                "median_ns": data["median"]["point_estimate"],
                "median_low_ns": data["median"]["confidence_interval"]["lower_bound"],
                "median_high_ns": data["median"]["confidence_interval"]["upper_bound"],
                "mean_ns": data["mean"]["point_estimate"],
                "bytes": throughput.get("Bytes") or throughput.get("BytesDecimal"),
            }
        )
    return results


def machine() -> dict[str, str]:
    """Processor count, CPU model, memory and kernel of this machine."""
    model = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "nproc": command_output(["nproc"]) or str(os.cpu_count()),
        "cpu": model,
        "memory": memory,
        "kernel": f"{os.uname().sysname} {os.uname().release} ({os.uname().machine})",
    }


def versions() -> dict[str, Any]:
    """Toolchain, crate and Python package versions behind the numbers."""
    import tomllib
    from importlib import metadata

    lock = tomllib.loads((ROOT / "Cargo.lock").read_text())
    wanted = [
        "lambda_runtime",
        "aws-config",
        "aws-sdk-sns",
        "aws-smithy-http-client",
        "tokio",
        "serde_json",
        "rustls",
        "criterion",
    ]
    crates = {}
    for package in lock.get("package", []):
        if package["name"] in wanted:
            crates.setdefault(package["name"], package["version"])
    python_packages = {}
    for name in [
        "aws-lambda-powertools",
        "pydantic",
        "boto3",
        "botocore",
        "awslambdaric",
        "matplotlib",
    ]:
        try:
            python_packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            python_packages[name] = "not installed"
    moto_server = shutil.which("moto_server")
    if moto_server:
        moto_python = str(Path(moto_server).parent / "python")
        python_packages["moto (server)"] = (
            command_output(
                [
                    moto_python,
                    "-c",
                    "from importlib.metadata import version; print(version('moto'))",
                ]
            )
            or "unknown"
        )
    manifest = tomllib.loads((ROOT / "Cargo.toml").read_text())
    return {
        "rustc": command_output(["rustc", "-V"]),
        "python": sys.version.split()[0],
        "crates": {name: crates.get(name, "not in Cargo.lock") for name in wanted},
        "python_packages": python_packages,
        "release_profile": manifest.get("profile", {}).get("release", {}),
        "commit": commit(),
    }


def commit() -> str:
    """Name the commit measured, flagging uncommitted changes to what gets built."""
    head = command_output(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT) or "unknown"
    built = [
        "src", "core", "Cargo.toml", "Cargo.lock", "benches", "bench", ":!bench/cold-start.png",
    ]
    changed = command_output(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", *built], cwd=ROOT
    )
    return f"{head} with uncommitted changes" if changed else head


def main(argv: list[str]) -> int:
    """Measure, then write the report and the plot."""
    args = parse_args(argv)
    endpoint = os.environ.get("MOTO_ENDPOINT")
    if not endpoint:
        print(
            "bench: MOTO_ENDPOINT is not set; run me through scripts/with-moto.sh", file=sys.stderr
        )
        return 2
    if not BINARY.is_file():
        print(f"bench: {BINARY} is missing; run cargo build --release first", file=sys.stderr)
        return 2
    estimates = criterion_estimates(args.criterion_dir)
    if not estimates:
        print(f"bench: no criterion results under {args.criterion_dir}", file=sys.stderr)
        return 2

    # SIGTERM (from make or CI) unwinds through the finally blocks below like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="notifier-bench-") as scratch:
        work = Path(scratch)
        home = work / "home"
        home.mkdir()
        try:
            topics = create_topics(endpoint)
            env = lambda_environment(endpoint, topics, home)
            series = programs(env, work)
            load_before = os.getloadavg()
            samples = run_series(series, args.runs, args.warmup)
            load_after = os.getloadavg()
            moto_ms = moto_publish_ms(endpoint, topics["OFFERS_TOPIC_ARN"], MOTO_IDLE_SECONDS)
            moto_busy_ms = moto_publish_ms(endpoint, topics["OFFERS_TOPIC_ARN"], 0.0)
        finally:
            coldstart.kill_all()
        zip_bytes = zipped_size(BINARY, work)

    results = {
        "quick": args.quick,
        "runs": args.runs,
        "warmup": args.warmup,
        "event": str(EVENT.relative_to(ROOT)),
        "generated": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "duration_s": time.monotonic() - started,
        "machine": machine(),
        "load": (load_before[0], load_after[0]),
        "niceness": os.getpriority(os.PRIO_PROCESS, 0),
        "moto_publish": summarize(moto_ms),
        "moto_publish_busy": summarize(moto_busy_ms),
        "moto_rest_ms": MOTO_IDLE_SECONDS * 1000,
        "next_answer": summarize(
            [s.next_answer_ms for values in samples.values() for s in values]
        ),
        "versions": versions(),
        "series": {
            key: {
                "label": series[key].name,
                "first_next_ms": [s.first_next_ms for s in values],
                "response_ms": [s.response_ms for s in values],
                "peak_rss_kib": [s.peak_rss_kib for s in values],
                "next_answer_ms": [s.next_answer_ms for s in values],
            }
            for key, values in samples.items()
        },
        "binary_bytes": BINARY.stat().st_size,
        "binary_stripped": is_stripped(BINARY),
        "zip_bytes": zip_bytes,
        "criterion": estimates,
        "instructions": json.loads(args.instructions.read_text()) if args.instructions else {},
    }
    for data in results["series"].values():
        data["first_next"] = summarize(data["first_next_ms"])
        data["response"] = summarize(data["response_ms"])
        data["rss"] = summarize([float(k) for k in data["peak_rss_kib"]])
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.plot.parent.mkdir(parents=True, exist_ok=True)
    plot.write_plot(results, args.plot)
    report.write_markdown(results, args.markdown, args.plot)
    print(f"bench: wrote {args.markdown} and {args.plot}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
