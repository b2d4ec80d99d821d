"""Draws the cold-start plot of BENCHMARKS.md from the measurements of bench/run.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from report import SERIES_ORDER, ms

SERIES_COLOURS = {
    "rust_publish": "#b7410e",
    "rust_dry_run": "#e8a273",
    "python_publish": "#3a6ea5",
    "floor": "#8c8c8c",
}


def write_plot(results: dict[str, Any], path: Path) -> None:
    """Draw both cold-start times per series: box plots with every run, on a log axis."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [
        ("first_next_ms", "first_next", "Spawn → first 'next' request"),
        ("response_ms", "response", "Spawn → first response"),
    ]
    keys = [key for key in reversed(SERIES_ORDER) if key in results["series"]]
    figure, axes = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    for axis, (field, summary, title) in zip(axes, panels, strict=True):
        data = [results["series"][key][field] for key in keys]
        boxes = axis.boxplot(
            data,
            vert=False,
            widths=0.55,
            whis=(10, 90),
            showfliers=False,
            patch_artist=True,
            medianprops={"color": "black", "linewidth": 1.5},
        )
        for patch, key in zip(boxes["boxes"], keys, strict=True):
            patch.set_facecolor(SERIES_COLOURS[key])
            patch.set_alpha(0.35)
        for row, (key, values) in enumerate(zip(keys, data, strict=True), start=1):
            spread = [row + ((i * 0.37) % 0.5 - 0.25) * 0.8 for i in range(len(values))]
            axis.scatter(values, spread, s=10, color=SERIES_COLOURS[key], alpha=0.8, zorder=3)
        labels = [
            f"{results['series'][k]['label']}\nmedian {ms(results['series'][k][summary].median)}"
            for k in keys
        ]
        axis.set_yticks(range(1, len(keys) + 1), labels)
        axis.set_xscale("log")
        axis.set_title(title, loc="left", fontsize=11)
        axis.grid(axis="x", which="both", alpha=0.3)
    axes[-1].set_xlabel(
        "milliseconds, log scale (boxes: quartiles; whiskers: p10 – p90; dots: runs)"
    )
    values = [v for k in keys for field, _, _ in panels for v in results["series"][k][field]]
    axes[-1].set_xlim(min(values) / 1.5, max(values) * 1.5)
    mode = ", quick mode" if results["quick"] else ""
    figure.suptitle(
        f"Cold starts on loopback, {results['runs']} per series{mode} "
        f"({results['machine']['nproc']} CPUs, {results['machine']['cpu']})",
        fontsize=11,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
