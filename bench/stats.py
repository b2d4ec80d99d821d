"""Order statistics for small samples of timings."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass
class Summary:
    """Median and spread of one series."""

    count: int
    median: float
    p10: float
    p25: float
    p75: float
    p90: float
    minimum: float
    maximum: float

    @property
    def iqr(self) -> float:
        """Interquartile range."""
        return self.p75 - self.p25


def summarize(values: list[float]) -> Summary:
    """Median, quartiles, p10/p90 (linear interpolation between order statistics), min, max."""
    if not values:
        raise ValueError("no values to summarize")
    if len(values) == 1:
        only = values[0]
        return Summary(1, only, only, only, only, only, only, only)
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return Summary(
        count=len(values),
        median=statistics.median(values),
        p10=cuts[9],
        p25=cuts[24],
        p75=cuts[74],
        p90=cuts[89],
        minimum=min(values),
        maximum=max(values),
    )
