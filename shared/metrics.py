"""Stage metrics: CloudWatch embedded-metric-format (EMF) log lines, and the same counters as Prometheus text.

Every outcome of a delivery is one EMF JSON line on stdout (namespace `PharmaGen`, dimension
`Stage`), which CloudWatch Logs turns into metrics without an agent. The process also keeps
running totals so `prometheus_text()` can serve a scrape; the two views count the same events.
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
PROMETHEUS_PREFIX = "pharmagen"

# Name → CloudWatch unit; the Prometheus names are derived from these.
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

    def prometheus_text(self) -> str:
        """The same totals in the Prometheus text exposition format (version 0.0.4)."""
        stages = sorted(self.totals.items())
        families: list[tuple[str, str, str, Callable[[StageTotals], float]]] = [
            ("stage_succeeded_total", "counter", "Stage deliveries that finished", lambda t: t.succeeded),
            ("stage_failed_total", "counter", "Stage deliveries that failed the job", lambda t: t.failed),
            ("stage_retried_total", "counter", "Stage deliveries left for a retry", lambda t: t.retried),
            ("stage_in_flight", "gauge", "Stage deliveries running now", lambda t: t.in_flight),
        ]
        lines: list[str] = []
        for name, kind, help_text, value in families:
            lines += [f"# HELP {PROMETHEUS_PREFIX}_{name} {help_text}.", f"# TYPE {PROMETHEUS_PREFIX}_{name} {kind}"]
            lines += [f'{PROMETHEUS_PREFIX}_{name}{{stage="{s}"}} {value(t)}' for s, t in stages]
        duration = f"{PROMETHEUS_PREFIX}_stage_duration_seconds"
        lines += [f"# HELP {duration} Seconds spent in finished stages.", f"# TYPE {duration} summary"]
        for s, t in stages:
            lines += [f'{duration}_sum{{stage="{s}"}} {round(t.duration_sum_s, 3)}']
            lines += [f'{duration}_count{{stage="{s}"}} {t.duration_count}']
        return "\n".join(lines) + "\n"


# The process's metrics: the stage runtime records into it, a scrape endpoint may render it.
METRICS = Metrics()


def prometheus_text() -> str:
    return METRICS.prometheus_text()
