"""Stage metrics: the EMF documents CloudWatch ingests, and the per-stage totals."""

from __future__ import annotations

import io
import json
from typing import Any

from shared.metrics import Metrics, emf_record


def _metrics() -> tuple[Metrics, io.StringIO]:
    out = io.StringIO()
    return Metrics(sink=lambda: out, clock_ms=lambda: 1_700_000_000_000), out


def _lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_an_emf_record_declares_namespace_dimension_and_units_and_carries_the_values_at_top_level():
    record = emf_record("clips", {"StageDuration": 12.5, "StageSucceeded": 1}, timestamp_ms=42)

    directive = record["_aws"]["CloudWatchMetrics"][0]
    assert record["_aws"]["Timestamp"] == 42
    assert directive["Namespace"] == "PharmaGen"
    assert directive["Dimensions"] == [["Stage"]]
    assert directive["Metrics"] == [
        {"Name": "StageDuration", "Unit": "Seconds"},
        {"Name": "StageSucceeded", "Unit": "Count"},
    ]
    assert (record["Stage"], record["StageDuration"], record["StageSucceeded"]) == ("clips", 12.5, 1)


def test_a_success_is_one_json_line_with_its_duration_and_the_in_flight_gauge():
    metrics, out = _metrics()

    with metrics.in_flight("music"):
        metrics.stage_succeeded("music", 3.21)

    [line] = _lines(out)
    assert (line["Stage"], line["StageDuration"], line["StageSucceeded"], line["StageInFlight"]) == (
        "music",
        3.21,
        1,
        1,
    )
    assert line["_aws"]["Timestamp"] == 1_700_000_000_000


def test_failures_and_retries_are_counted_per_stage():
    metrics, out = _metrics()

    metrics.stage_retried("clips")
    metrics.stage_retried("clips")
    metrics.stage_failed("clips")
    metrics.stage_failed("script")

    assert [(line["Stage"], "StageFailed" in line, "StageRetried" in line) for line in _lines(out)] == [
        ("clips", False, True),
        ("clips", False, True),
        ("clips", True, False),
        ("script", True, False),
    ]
    clips, script = metrics.totals["clips"], metrics.totals["script"]
    assert (clips.retried, clips.failed, script.failed) == (2, 1, 1)


def test_in_flight_drops_back_when_the_delivery_raises():
    metrics, _ = _metrics()

    try:
        with metrics.in_flight("composer"):
            assert metrics.totals["composer"].in_flight == 1
            raise RuntimeError("boom")
    except RuntimeError:
        pass

    assert metrics.totals["composer"].in_flight == 0
