"""Turns the measurements of bench/run.py into BENCHMARKS.md (the plot is plot.py's)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Targets from the performance issue, on this machine.
FIRST_NEXT_MS = 5.0
FIRST_NEXT_RATIO = 100.0
RESPONSE_MS = 12.0
RESPONSE_RATIO = 50.0
PER_EVENT_US = 10.0
TEXT_ALONE_US = 5.0
DIGEST_MS = 50.0
PEAK_RSS_MB = 20.0
ZIP_MB = 3.5

SERIES_ORDER = ["rust_publish", "rust_dry_run", "python_publish", "floor"]
SEED_GROUP = "parse_route_render"
GROUP_ORDER = {SEED_GROUP: 0, "phases": 1, "large_event": 2, "limits": 3, "digest": 4}
# The sample every cold start receives: the plain offer the others are compared with.
PLAIN_OFFER = "offer-released-by-isv"
# What makes a seed event that may miss the per-event target slower than the plain offer.
WHY_SLOWER = {
    "offer-released-hostile-names": (
        "its offer name is 526 bytes with 34 characters outside ASCII (emoji, "
        "joiners, CJK, curly quotes), escaped surrogate pairs, line breaks, tabs and markup: "
        "the cleanings copy its emoji, CJK and curly quotes in their runs, but the name is "
        "read as JSON text with its escapes decoded, cleaned, and then neutralised, escaped "
        "or cut in each place it shows (the subject both renderings share, the chat title "
        "and summary, the description)"
    ),
    "offer-released-bidi-zero-width-urls": (
        "its names carry direction and zero-width controls and web addresses, which are "
        "dropped and defanged, and the chat rendering swaps their markup for look-alikes"
    ),
    "offer-released-26-buyers": "it lists 26 buyer accounts in both renderings",
}


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def instructions_note(name: str, instructions: dict[str, int]) -> str:
    """A sample's instructions per event and their rank among the samples, or nothing when
    they were not counted."""
    if name not in instructions:
        return ""
    rank = 1 + sum(1 for count in instructions.values() if count > instructions[name])
    place = "the most" if rank == 1 else f"{ordinal(rank)} most"
    return f"; {instructions[name]:,} instructions, {place} of {len(instructions)}"


def over_per_event_note(seeds: list[dict[str, Any]], instructions: dict[str, int]) -> str:
    """The seed events over the per-event target, each with its instructions and what sets
    it apart from the plain offer and by how much; empty when none is over."""
    plain = next((e["median_ns"] for e in seeds if e["name"] == PLAIN_OFFER), None)
    notes = []
    for event in sorted(seeds, key=lambda e: -e["median_ns"]):
        if event["median_ns"] <= PER_EVENT_US * 1_000:
            continue
        counted = instructions_note(event["name"], instructions)
        note = f"`{event['name']}` ({duration_ns(event['median_ns'])}{counted})"
        why = WHY_SLOWER.get(event["name"])
        if why and plain is not None:
            more = duration_ns(event["median_ns"] - plain)
            note += f": {why}, {more} more than the plain offer (`{PLAIN_OFFER}`)"
        notes.append(note)
    return f" Over the target: {'; '.join(notes)}." if notes else ""


def ms(value: float) -> str:
    """Format milliseconds with a precision that suits their size."""
    return f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"


def duration_ns(value: float) -> str:
    """Format a criterion estimate (nanoseconds) in the unit that reads best."""
    if value < 1_000:
        return f"{value:.0f} ns"
    if value < 1_000_000:
        return f"{value / 1_000:.2f} µs"
    return f"{value / 1_000_000:.2f} ms"


def megabytes(value: float) -> str:
    """Format bytes as decimal megabytes."""
    return f"{value / 1e6:.2f} MB"


def peak_mb(series: dict[str, Any]) -> float:
    """Return the largest peak RSS of a series in decimal megabytes."""
    return max(series["peak_rss_kib"]) * 1024 / 1e6


def verdict(value: float, limit: float, unit: str, at_least: bool = False) -> str:
    """Say whether `value` meets `limit` (a maximum, or with `at_least` a minimum), by how much."""
    met = value >= limit if at_least else value <= limit
    gap = abs(value - limit)
    side = ("above" if at_least else "under") if met else ("short" if at_least else "over")
    return f"**{'met' if met else 'missed'}**, {gap:.2f}{unit} {side} ({gap / limit:.0%})"


def peer_ratio_row(
    target: str, ratio: float, limit: float, why: str
) -> tuple[str, str, str, str, str]:
    """Build the target row for how many times the Python peer's median is the Rust one's."""
    result = verdict(ratio, limit, "×", at_least=True)
    return (target, f"≥ {limit:g}×", f"{ratio:.0f}×", result, why)


def target_rows(results: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """Build (target, goal, measured, result, why) for each of the issue's targets."""
    series = results["series"]
    rust, dry, python = series["rust_publish"], series["rust_dry_run"], series["python_publish"]
    rows = []

    first_next = rust["first_next"].median
    why = (
        "The function reads its settings and asks for its first event; the SDK configuration, "
        "the SNS client and its HTTPS client (whose trust anchors are the Mozilla roots "
        "compiled into the binary, not the system's certificate store), and the first publish "
        "prepared (a `Publish` taken through credentials, endpoint rules and SigV4 signing and "
        "stopped before it is sent, and the connection it will go out on opened; the "
        "credentials and region taken straight from Lambda's environment variables, without "
        "building the SDK's other providers: 0.2–0.3 ms less to the first response) are "
        "built on a second thread meanwhile: 1.25–1.28 ms less to the first `next` and "
        "0.39–0.51 ms less to the first response over two runs of 40 and 60 interleaved cold "
        "starts on 2026-12-03 (bench/build-times.md, \"SDK clients built beside the first "
        "request\"). A dry run, which builds no SDK client, asks after "
        f"{ms(dry['first_next'].median)}. The binary is linked at a fixed address, so the "
        "dynamic loader "
        "applies no relocations to it before `main`: 0.57 ms less to the first `next` and "
        "0.5 ms less to the first response over two runs of 100 interleaved cold starts on "
        "2026-12-02 (bench/build-times.md, \"Position-dependent bootstrap\"). "
        "Run-to-run spread on this shared machine is wide: on 2026-11-29 the "
        "same configuration's median ranged from 4.3 ms to 8.9 ms between runs of this harness "
        "at similar load averages, moto's own Publish from 3.4 ms to 7.0 ms "
        "(bench/crypto-provider.md, bench/build-times.md)."
    )
    rows.append(
        (
            "spawn → first `next`, median",
            f"≤ {FIRST_NEXT_MS:g} ms",
            ms(first_next),
            verdict(first_next, FIRST_NEXT_MS, " ms"),
            why,
        )
    )

    rows.append(
        peer_ratio_row(
            "spawn → first `next`, Python peer ÷ Rust",
            python["first_next"].median / first_next,
            FIRST_NEXT_RATIO,
            f"The peer needs {ms(python['first_next'].median)} to import Powertools, pydantic and "
            "boto3 and create its SNS client before it asks for work.",
        )
    )

    response = rust["response"].median
    handling = response - first_next
    dry_handling = dry["response"].median - dry["first_next"].median
    moto = results["moto_publish"].median
    rows.append(
        (
            "spawn → first response with one publish to moto, median",
            f"≤ {RESPONSE_MS:g} ms",
            ms(response),
            verdict(response, RESPONSE_MS, " ms"),
            f"`next` to response takes {ms(handling)} ({ms(dry_handling)} in a dry run), of "
            f"which the emulator's answer to `next` {ms(results['next_answer'].median)}. moto "
            f"needs {ms(moto)} per Publish after a rest, a new connection included (it closes "
            "every connection after answering). The function opens the connection its first "
            "publish goes out on during init, as soon as the prepared publish has resolved the "
            "endpoint, so that publish does not wait for a connect (on AWS, a TLS handshake): "
            "0.16–0.22 ms less to the first response over two runs of 60 and 100 interleaved "
            "cold starts on 2026-12-04, for 50 KB of zip (bench/build-times.md, \"The first "
            "publish's connection opened at init\"). The rest is the publish's own work and "
            "what is left "
            "of the SDK's set-up, which runs beside the request for the event and is never "
            "redone for a later one: credentials, endpoint rules and signing on one thread, "
            "the HTTP connector and its TLS configuration (118 roots turned into trust anchors) "
            "on another, started as soon as the settings say the function publishes and run "
            "in Linux's idle scheduling class, since no request needs it before the "
            "publisher's second (0.07 ms less to the first response, 0.16 ms less to the first "
            "`next`, over 200 interleaved cold starts on 2026-12-05). Preparing "
            "the set-up before the first publish instead "
            "of on it, with no throwaway connector per client, took 2.6–2.9 ms off the first "
            "response (260 interleaved cold starts on 2026-12-02); building the connector on "
            "its own thread took 0.16–0.31 ms off (two runs of 40 and 60 interleaved cold "
            "starts on 2026-12-03), about the run-to-run noise, and starting that thread "
            "before the SSM settings and the set-up thread instead of with the SDK "
            "configuration 0.24–0.33 ms more (two runs of 50, the same binary with and "
            "without the early start).",
        )
    )

    rows.append(
        peer_ratio_row(
            "spawn → first response with one publish, Python peer ÷ Rust",
            python["response"].median / response,
            RESPONSE_RATIO,
            f"The peer answers after {ms(python['response'].median)}; moto's time is in both."
            + floor_note(results, response),
        )
    )

    seeds = [e for e in results["criterion"] if e["group"] == SEED_GROUP]
    if seeds:
        slowest = max(seeds, key=lambda e: e["median_ns"])
        fastest = min(seeds, key=lambda e: e["median_ns"])
        phases = {e["name"]: e["median_ns"] for e in results["criterion"] if e["group"] == "phases"}
        split = ", ".join(f"{name.split('_', 1)[1]} {duration_ns(v)}" for name, v in phases.items())
        instructions = results.get("instructions", {})
        over = over_per_event_note(seeds, instructions)
        if instructions:
            over += (
                f" Counted in instructions per event (`make bench-instructions`, cachegrind, in "
                f"this run), which other work on the machine does not change: "
                f"{min(instructions.values()):,} to {max(instructions.values()):,}; a median "
                "here follows them only roughly, since the machine's other work slows whole "
                "stretches of the run (the table below has both)."
            )
        rows.append(
            (
                f"parse + route + compose + both renderings, each of the {len(seeds)} seed events, median",
                f"≤ {PER_EVENT_US:g} µs",
                f"{duration_ns(fastest['median_ns'])} – {duration_ns(slowest['median_ns'])}",
                verdict(slowest["median_ns"] / 1_000, PER_EVENT_US, " µs"),
                f"Slowest: `{slowest['name']}`.{over} Steps for the offer event: {split}. The chat JSON "
                "is written straight into one buffer and fixed wording is borrowed, not copied; "
                "the two renderings share the message's attributes instead of copying them, and "
                "the subject made from its headline (the hostile-names offer 2.5% fewer "
                "instructions), and "
                "each name an offer shows is cleaned once, and a private offer's buyer account "
                "ids are read inline, not one allocation each (the 26-buyer offer 9% faster); "
                "the one-line cleaning and the chat "
                "neutraliser copy runs of plain text whole and answer most other characters with "
                "a few range checks, and the subject and chat title clean only as much of a long "
                "headline as they show, cut in the line's own buffer with its UTF-16 units counted "
                "from its bytes; the chat rendering copies the program's own wording (labels, "
                "titles, fixed next steps) without neutralising it again, and the body check takes "
                "a text body's line feeds a word at a time (these three: the three slowest offers "
                "6-9% faster in an A/B run on 2026-12-03); the chat description is written "
                "straight into the payload, escaped as it goes, and the chat payload, clean as "
                "built, is not scanned again (with both, the offer's chat rendering took 12% "
                "less and the hostile-names offer 10-12% less in an A/B run on 2026-12-04); "
                "the chat neutraliser notes the two characters JSON escapes that it leaves, "
                "so its pieces are not scanned again for them, and timestamps, pasted "
                "commands, counts and an agreement's lists are written without the copies, "
                "regrowing and formatting machinery they used (with these, 6.8% fewer "
                "instructions over the 61 samples, 5-10% for agreements, counted with "
                "`make bench-instructions` on 2026-12-04, which the machine's load does "
                "not move); the one-line cleaning and the chat neutraliser copy accented Latin, "
                "dashes, curly quotes, symbols, CJK and emoji in their runs instead of "
                "decoding and classifying each, and the chat neutraliser escapes for JSON as it "
                "writes into the payload (with these two, the hostile-names offer 9.6% fewer "
                "instructions, the other offers 0.4-2.8% fewer, the rest within 0.1%, later on "
                "2026-12-04); "
                "the payload's nesting is bounded by "
                "counting its brackets before anything walks it. The handler takes the invocation's "
                "body as it arrived instead of through lambda_runtime's reading into a `RawValue` "
                "(5-15% fewer instructions for each sample on 2026-12-05), and checks its UTF-8 "
                "with simdutf8; an event as EventBridge writes it "
                "is then read in one pass: its source and detail type, "
                "found among its first members, pick the family, whose parser reads the envelope "
                "along with the typed detail (2.0% fewer instructions over the 61 samples than "
                "reading the envelope and then the detail, up to 6% for the largest details, a "
                "little more for the smallest, on 2026-12-04). What is left is reading the payload "
                "once, composing "
                "(timestamps, amounts and the one-line cleaning of every seller-written value, "
                "about a hundred small strings for an agreement or offer) and the chat "
                "rendering's neutralising of markup. The release profile builds the SDK at "
                "`opt-level = \"z\"`, the function's AWS and runtime code at `\"s\"`, and the "
                "pure core (notifier-core: parse, compose, render) at 3, which made the per-event "
                "work 12-16% faster for 48 KB of zip; the SDK's generic code is instantiated in the "
                "function's crate, which at 3 would have grown the zip past its budget (3.67 MB). "
                "The JSON reader's crates (serde_json, serde_core, memchr, chrono, itoa) are at 3 "
                "too, which costs 7 KB of zip (bench/build-times.md). The global allocator is mimalloc: "
                "with it the 61 samples took 10.5% fewer instructions (6.9-13.4% each) on "
                "2026-12-05, for 53 KB of zip; it took 7% off the offer event on 2026-12-02 "
                "(29.6 µs to 27.4 µs) and 3-7% on 2026-12-03, and stayed out then; by 2026-12-05 "
                "the rest of the work had shrunk around the hundred or so allocations each event "
                "makes, and glibc's malloc had become the largest single cost. Later on "
                "2026-12-05 the allocator called mimalloc's plain entry points for every block "
                "of a machine word's alignment or less instead of its aligned ones (1.8-2.4% "
                "fewer instructions for each of the five samples bench/build-times.md tracks), "
                "and the text body's check passing the characters every cleaning copies whole, "
                "those characters told by their first bytes, and the chat title and summary "
                "written from one neutralised headline took the hostile-names offer from "
                "125,497 to 119,011 instructions in all (5.2%). Later still, the text body is "
                "written clean instead of scanned afterwards: every value a family takes from an "
                "event, a lookup or a table is made one clean line where it comes in, verbatim "
                "JSON is cleaned as it is written, and a property test that puts control, format "
                "and invisible characters into every string of every sample and every lookup "
                "answer holds each family to it; the scan never found anything to drop, and was "
                "8.3% of the hostile-names offer's instructions and 3.5-4.6% of the other "
                "samples' tracked; and the envelope's time is read by chrono's dedicated RFC 3339 "
                "parser, as the families' timestamps already were, instead of its general one "
                "(about 1,400 instructions fewer for every sample), and the chat title and "
                "summary are escaped once from their headline and cut without counting it whole "
                "(the hostile-names offer 1.0% fewer). "
                "These times depend on the processor more than the cold starts' ratios do: "
                "this work ran about 11.3 thousand instructions per microsecond on the 2-CPU "
                "Intel Xeon machine of 2026-12-05 and about 13.2 thousand on the 2-CPU AMD EPYC "
                "machine of 2026-12-04, where the hostile-names offer's count would take about "
                "9 µs. "
                "The whole is a small fraction of the publish that follows (see the response "
                "times above).",
            )
        )
        if phases:
            text_alone = sum(
                value
                for name, value in phases.items()
                if name.split("_", 1)[1] in ("parse_and_route", "compose", "render_text")
            )
            rows.append(
                (
                    "parse + route + compose + text rendering alone, offer event, median",
                    f"≤ {TEXT_ALONE_US:g} µs",
                    duration_ns(text_alone),
                    verdict(text_alone / 1_000, TEXT_ALONE_US, " µs"),
                    "The sum of the `phases` rows for the e-mail/SQS text: what a notifier "
                    "without a chat topic does per event.",
                )
            )

    digests = [e for e in results["criterion"] if e["group"] == "digest"]
    if digests:
        digest = digests[0]
        rows.append(
            (
                "digest of 10,000 queued events, composed and rendered in both formats, median",
                f"≤ {DIGEST_MS:g} ms",
                duration_ns(digest["median_ns"]),
                verdict(digest["median_ns"] / 1e6, DIGEST_MS, " ms"),
                "Both messages fit SNS's 256 KiB and the chat description's 3,000 characters "
                "uncut (the benchmark checks before measuring): the text lists what fits, the "
                "most urgent first, and counts the rest.",
            )
        )

    rust_mb = peak_mb(rust)
    rows.append(
        (
            "peak RSS, largest over the publishing runs",
            f"≤ {PEAK_RSS_MB:g} MB",
            f"{rust_mb:.1f} MB",
            verdict(rust_mb, PEAK_RSS_MB, " MB"),
            f"The Python peer peaks at {peak_mb(python):.1f} MB.",
        )
    )

    zip_mb = results["zip_bytes"] / 1e6
    rows.append(
        (
            "zipped `bootstrap`",
            f"≤ {ZIP_MB:g} MB",
            megabytes(results["zip_bytes"]),
            verdict(zip_mb, ZIP_MB, " MB"),
            f"The stripped binary is {megabytes(results['binary_bytes'])}. What each SDK "
            "client adds: bench/build-times.md, \"What each SDK client costs\".",
        )
    )
    return rows


def headline(results: dict[str, Any]) -> str:
    """Write the paragraph with the numbers people quote."""
    rust = results["series"]["rust_publish"]
    python = results["series"]["python_publish"]
    next_ratio = python["first_next"].median / rust["first_next"].median
    response_ratio = python["response"].median / rust["response"].median
    return (
        f"Cold start to the first `next` request: **{ms(rust['first_next'].median)}** for the Rust "
        f"binary, {ms(python['first_next'].median)} for the Python peer "
        f"(**{next_ratio:.0f}× faster**). To the first response, with one SNS publish to moto on "
        f"loopback: **{ms(rust['response'].median)}** against {ms(python['response'].median)} "
        f"(**{response_ratio:.0f}× faster**). Peak memory {peak_mb(rust):.1f} MB against "
        f"{peak_mb(python):.1f} MB; the zipped bootstrap is {megabytes(results['zip_bytes'])}."
    )


def table_row(cells: Sequence[str]) -> str:
    """Lay out one row of a Markdown table."""
    return f"| {' | '.join(cells)} |"


def markdown_table(header: Sequence[str], left: int, rows: list[list[str]]) -> list[str]:
    """Lay out a Markdown table: the first `left` columns aligned left, the rest (figures) right."""
    alignment = ["---"] * left + ["---:"] * (len(header) - left)
    return [table_row(header), f"|{'|'.join(alignment)}|", *(table_row(cells) for cells in rows)]


def spread_cells(stats: Any) -> list[str]:
    """Give a series' median, p10 – p90 and IQR as table cells."""
    return [ms(stats.median), f"{stats.p10:.2f} – {stats.p90:.2f}", f"{stats.iqr:.2f}"]


def floor_note(results: dict[str, Any], response: float) -> str:
    """What of the Rust response no function can save: the floor's answer and moto's Publish."""
    floor = results["series"].get("floor")
    if floor is None:
        return ""
    fixed = floor["response"].median + results["moto_publish"].median
    return (
        f" A C program that only asks for its event and answers it takes "
        f"{ms(floor['response'].median)} here, and moto needs {ms(results['moto_publish'].median)} "
        f"per Publish after a rest, its connection included: {ms(fixed)} that a function "
        f"publishing once pays on this harness ({fixed / response:.0%} of the Rust figure) "
        f"unless it opens its connection ahead, as this one does: without that, even a "
        f"function with no work of its own would reach {RESPONSE_RATIO:g}× only against a "
        f"peer taking {ms(RESPONSE_RATIO * fixed)} or more."
    )


def cold_start_table(results: dict[str, Any]) -> list[str]:
    """Tabulate median and spread of every series."""
    rows = []
    for key in SERIES_ORDER:
        data = results["series"].get(key)
        if data is None:
            continue
        rss = data["rss"]
        rows.append(
            [
                data["label"],
                *spread_cells(data["first_next"]),
                *spread_cells(data["response"]),
                f"{rss.median / 1024:.1f} MiB ({rss.maximum / 1024:.1f})",
            ]
        )
    header = [
        "series",
        "first `next` median",
        "p10 – p90",
        "IQR",
        "first response median",
        "p10 – p90",
        "IQR",
        "peak RSS median (max)",
    ]
    return markdown_table(header, 1, rows)


def criterion_table(results: dict[str, Any]) -> list[str]:
    """Tabulate criterion's median per benchmark, with its 95% interval and throughput."""
    entries = sorted(
        results["criterion"], key=lambda e: (GROUP_ORDER.get(e["group"], 9), e["group"], e["name"])
    )
    instructions = results.get("instructions", {})
    rows = []
    for entry in entries:
        size = entry["bytes"]
        speed = f"{size / entry['median_ns'] * 1e9 / 2**20:.0f} MiB/s" if size else ""
        counted = instructions.get(entry["name"]) if entry["group"] == SEED_GROUP else None
        row = [
            entry["group"],
            f"`{entry['name']}`",
            f"{size:,} B" if size else "",
            duration_ns(entry["median_ns"]),
            f"{duration_ns(entry['median_low_ns'])} – {duration_ns(entry['median_high_ns'])}",
            speed,
        ]
        if instructions:
            row.append(f"{counted:,}" if counted is not None else "")
        rows.append(row)
    header = ["group", "benchmark", "input", "median", "95% CI of the median", "throughput"]
    if instructions:
        header.append("instructions")
    return markdown_table(header, 2, rows)


def method_lines(results: dict[str, Any]) -> list[str]:
    """Describe how the numbers were taken."""
    return [
        "- `bench/runtime_api.py` is a Lambda Runtime API on 127.0.0.1 (HTTP/1.1, keep-alive), "
        "a new one on its own port for each process. It hands out one event and takes the "
        "kernel's receive timestamps (`SO_TIMESTAMPNS`) of the first `GET .../invocation/next` "
        "and of the `POST .../response`, so that the harness waiting for a CPU on a busy "
        "machine does not count against the process; a second `next` is held open, as Lambda "
        "does. Its time between a `next` request's arrival and the event's departure is inside "
        "every response time, so it does as little as it can there: one thread serves every "
        "connection from a selector and answers with one write. Until 2026-12-03 it was Python's "
        "`ThreadingHTTPServer`, which started a thread per connection and parsed headers with "
        "the e-mail parser: it took 0.88 ms there against 0.26 ms now (30 cold starts each, "
        "the same binary), so earlier response times are about 0.6 ms higher in every series.",
        "- The C floor, `bench/floor/floor.c` compiled with the system's C compiler, asks for "
        "its event and answers it and does nothing else: its times are what spawning a "
        "process, the loopback and the emulator cost before a function does any work.",
        "- `bench/coldstart.py` reads the clock, spawns the process with `posix_spawn`, waits for "
        "the response (30 s at most), reads the process's `VmHWM` (peak RSS) and kills it.",
        "- The Rust series run the release binary with the configuration the SAM template gives "
        "it (four topic ARNs, JSON logs at INFO) and `AWS_ENDPOINT_URL` set to moto, so the AWS "
        "SDK configuration and SNS client are built at init. The dry run adds "
        "`NOTIFIER_DRY_RUN=true` and builds neither.",
        "- The Python peer, `bench/peer/notifier_peer.py`, does the `Offer Released` job the usual "
        "way: Powertools' `parse` with `EventBridgeEnvelope` and a pydantic model of the detail, "
        "the Powertools logger, a module-level boto3 SNS client, run by `python -m awslambdaric`. "
        "Its own module is compiled at every start (`PYTHONDONTWRITEBYTECODE`), as on Lambda's "
        "read-only file system; installed packages keep their bytecode.",
        "- Both publish to the same moto server on loopback, so moto's handling time is in both "
        "response times. There is no Firecracker VM, network hop or Lambda billing here: compare "
        "the series with each other, not with CloudWatch's `Init Duration`.",
        f"- The series are interleaved, each round in a rotated order, after {results['warmup']} "
        f"discarded warm-up starts each. The harness, moto and the measured processes ran at "
        f"niceness {results['niceness']}, so that other work on the machine delays them less.",
    ]


def write_markdown(results: dict[str, Any], path: Path, plot: Path) -> None:
    """Write BENCHMARKS.md."""
    machine, versions = results["machine"], results["versions"]
    profile = ", ".join(
        f"`{key} = {value!r}`".replace("'", '"').replace("True", "true")
        for key, value in versions["release_profile"].items()
    )
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` on {results['generated']} from `{versions['commit']}`; "
        "run it again rather than editing this file.",
        "",
    ]
    if results["quick"]:
        lines += [
            f"> **Quick mode** ({results['runs']} cold starts per series, short criterion runs): "
            "a check that the harness works, not numbers to quote.",
            "",
        ]
    lines += [
        headline(results),
        "",
        "## Targets",
        "",
        f"The machine is shared: its 1-minute load average was {results['load'][0]:.1f} when the "
        f"cold starts began and {results['load'][1]:.1f} when they ended, on "
        f"{machine['nproc']} CPUs. Other work inflates every time here; the spreads below show "
        "by how much.",
        "",
        "| target | goal | measured | result | why |",
        "|---|---|---|---|---|",
        *(table_row(row) for row in target_rows(results)),
        "",
        "## Cold start",
        "",
        f"{results['runs']} cold starts per series; every process receives "
        f"`{results['event']}`. Milliseconds from just before the spawn.",
        "",
        *cold_start_table(results),
        "",
        "moto closes its connection after every answer (`Connection: close`), so every "
        "Publish, the function's and the peer's alike, opens a new one. moto answers one, "
        f"connection included, in {ms(results['moto_publish'].median)} after resting "
        f"{results['moto_rest_ms']:g} ms, as it has rested when a cold start publishes (median of "
        f"{results['moto_publish'].count}; p10 – p90 {results['moto_publish'].p10:.2f} – "
        f"{results['moto_publish'].p90:.2f}), and in "
        f"{ms(results['moto_publish_busy'].median)} back to back. "
        "The Runtime API emulator takes "
        f"{ms(results['next_answer'].median)} (median over every cold start; p10 – p90 "
        f"{results['next_answer'].p10:.2f} – {results['next_answer'].p90:.2f}) from a first "
        "`next` request's arrival to the event's departure, which every series' response "
        "time includes, as it would include Lambda's.",
        "",
        f"![Cold-start distributions]({os.path.relpath(plot, path.parent)})",
        "",
        "## Per-event cost",
        "",
        "Criterion, with the release profile's optimisation settings. Each sample is fed as "
        "EventBridge delivers it to the function, compact JSON without the indentation the "
        "files in `events/` keep for reading (the bench checks both read as the same JSON; "
        "with the indentation, reading the offer event's payload took 0.15 µs more and parsing it "
        "0.3 µs more, in an A/B run on 2026-12-03). `parse_route_render` goes "
        "from the payload bytes (checked to be UTF-8, as the handler takes the invocation's "
        "body as it arrived) through `MarketplaceEvent::from_json` (envelope, "
        "routing, typed detail), the family's composition and both renderings, the e-mail/SQS "
        "text and the chat JSON, sharing the subject made from the headline, as a notifier "
        "with a chat topic does for every event; "
        "`phases` splits that work for the offer event; `limits` is `Subject::new` on hostile "
        "text and `Notification::new` cutting a 1 MiB body down to SNS's 256 KiB; `digest` "
        "composes and renders, in both formats, the digest of 10,000 queued events.",
        "",
        *criterion_table(results),
        "",
        "## Size",
        "",
        "| artefact | size |",
        "|---|---:|",
        f"| release binary ({'stripped' if results['binary_stripped'] else 'not stripped'}) "
        f"| {megabytes(results['binary_bytes'])} ({results['binary_bytes']:,} B) |",
        f"| `bootstrap.zip` (the binary as `bootstrap`, deflated) "
        f"| {megabytes(results['zip_bytes'])} ({results['zip_bytes']:,} B) |",
        "",
        f"Release profile: {profile}.",
        "",
        "## How it is measured",
        "",
        *method_lines(results),
        "",
        "## Machine and versions",
        "",
        f"- {machine['nproc']} CPUs ({machine['cpu']}), {machine['memory']}, {machine['kernel']}.",
        f"- {versions['rustc']}; crates: "
        + ", ".join(f"{name} {version}" for name, version in versions["crates"].items())
        + ".",
        f"- Python {versions['python']}: "
        + ", ".join(f"{name} {version}" for name, version in versions["python_packages"].items())
        + ".",
        f"- The cold-start part took {results['duration_s']:.0f} s.",
        "",
    ]
    # Build and test-suite figures are measured by hand (they need a clean target directory),
    # kept in bench/build-times.md and carried over on every regeneration.
    build_times = Path(__file__).with_name("build-times.md")
    if build_times.exists():
        lines += [build_times.read_text().rstrip("\n"), ""]
    path.write_text("\n".join(lines))
