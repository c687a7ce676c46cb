"""Loudness: the measuring pass (EBU R128 over the mixed audio) and the linear loudnorm it enables.

Two-pass normalisation lands within ~0.1 LU of the target where one pass is off by ~0.4 LU.
The measure is read from `ebur128` metadata printed to stdout, so no log parsing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# The delivered ad must peak at or under −2 dBTP (ATSC A/85; the compliance report's TD-TRUEPEAK), and AAC
# overshoots the ceiling it was mixed to by up to ~1 dB, so every target is mixed to a −3 dBTP ceiling.
LOUD_TARGET_LUFS = -16.0
BROADCAST_TRUE_PEAK_DB = -3.0
LOUD_TRUE_PEAK_DB = -3.0
TARGET_LRA_LU = 11.0


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_db: float
    lra_lu: float

    @property
    def threshold_lufs(self) -> float:
        """The relative gate of BS.1770 sits 10 LU under the integrated loudness."""
        return self.integrated_lufs - 10.0


def true_peak_for(target_lufs: float) -> float:
    return LOUD_TRUE_PEAK_DB if target_lufs > LOUD_TARGET_LUFS else BROADCAST_TRUE_PEAK_DB


def measure_filter_args() -> list[tuple[str, dict[str, object]]]:
    """Filters appended to the mixed audio in the measuring pass (name, options)."""
    return [
        ("ebur128", {"peak": "true", "metadata": 1}),
        ("ametadata", {"mode": "print", "file": "-"}),
    ]


def parse_measurement(printed: str) -> Loudness:
    """Reads the last integrated/LRA values and the highest true peak from `ametadata` output."""
    integrated, lra, peak = -70.0, 0.0, 0.0
    for line in printed.splitlines():
        key, _, value = line.partition("=")
        if key == "lavfi.r128.I":
            integrated = float(value)
        elif key == "lavfi.r128.LRA":
            lra = float(value)
        elif key == "lavfi.r128.true_peak":
            peak = max(peak, float(value))
    if integrated <= -70.0:
        raise ValueError("the mixed audio is silent: nothing to normalise")
    peak_db = 20 * math.log10(peak) if peak > 0 else -99.0
    return Loudness(integrated_lufs=integrated, true_peak_db=peak_db, lra_lu=lra)


def loudnorm_options(measured: Loudness, *, target_lufs: float) -> dict[str, object]:
    """Options for a linear loudnorm: one gain for the whole ad, so the mix's dynamics are kept."""
    return {
        "I": f"{target_lufs:.1f}",
        "TP": f"{true_peak_for(target_lufs):.1f}",
        "LRA": f"{max(TARGET_LRA_LU, measured.lra_lu + 1):.1f}",
        "measured_I": f"{measured.integrated_lufs:.2f}",
        "measured_TP": f"{measured.true_peak_db:.2f}",
        "measured_LRA": f"{measured.lra_lu:.2f}",
        "measured_thresh": f"{measured.threshold_lufs:.2f}",
        "offset": "0.0",
        "linear": "true",
    }
