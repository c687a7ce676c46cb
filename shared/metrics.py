"""Stage metrics: CloudWatch embedded-metric-format (EMF) log lines, written by hand (docs/architecture.md says why).

Every outcome of a delivery is one EMF JSON line on stdout (namespace `PharmaGen`, dimension
`Stage`), which CloudWatch Logs turns into metrics without an agent. The process also keeps
running totals per stage; the in-flight figure rides on every line as a gauge.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

NAMESPACE = "PharmaGen"

# Name → CloudWatch unit.
UNITS: dict[str, str] = {
    "StageDuration": "Seconds",
    "StageSucceeded": "Count",
    "StageFailed": "Count",
    "StageRetried": "Count",
    "StageInFlight": "Count",
}


def emf_record(stage: str, values: dict[str, float], *, timestamp_ms: int) -> dict[str, Any]:
    """One EMF document: the `_aws` directive naming the metrics, then the dimension and values at top level."""
    return {
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": [["Stage"]],
                    "Metrics": [{"Name": name, "Unit": UNITS[name]} for name in values],
                }
            ],
        },
        "Stage": stage,
        **values,
    }


@dataclass
class StageTotals:
    succeeded: int = 0
    failed: int = 0
    retried: int = 0
    in_flight: int = 0
    duration_sum_s: float = 0.0
    duration_count: int = 0


@dataclass
class Metrics:
    """Per-process stage metrics. `sink` returns the stream EMF lines go to (stdout unless a test swaps it)."""

    sink: Callable[[], TextIO] = field(default=lambda: sys.stdout)
    clock_ms: Callable[[], int] = field(default=lambda: int(time.time() * 1000))
    totals: dict[str, StageTotals] = field(default_factory=lambda: defaultdict(StageTotals))

    def _emit(self, stage: str, values: dict[str, float]) -> None:
        values = {**values, "StageInFlight": self.totals[stage].in_flight}
        stream = self.sink()
        stream.write(json.dumps(emf_record(stage, values, timestamp_ms=self.clock_ms()), separators=(",", ":")) + "\n")
        stream.flush()

    def stage_succeeded(self, stage: str, duration_s: float) -> None:
        totals = self.totals[stage]
        totals.succeeded += 1
        totals.duration_sum_s += duration_s
        totals.duration_count += 1
        self._emit(stage, {"StageDuration": round(duration_s, 3), "StageSucceeded": 1})

    def stage_failed(self, stage: str) -> None:
        self.totals[stage].failed += 1
        self._emit(stage, {"StageFailed": 1})

    def stage_retried(self, stage: str) -> None:
        self.totals[stage].retried += 1
        self._emit(stage, {"StageRetried": 1})

    @contextmanager
    def in_flight(self, stage: str) -> Iterator[None]:
        """Counts a claimed delivery as in flight while the block runs."""
        self.totals[stage].in_flight += 1
        try:
            yield
        finally:
            self.totals[stage].in_flight -= 1


# The process's metrics: the stage runtime records into it.
METRICS = Metrics()
