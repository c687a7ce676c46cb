"""The briefs the end-to-end tests submit through the API."""

from __future__ import annotations

from typing import Any

# A pharmaceutical spot whose statement fits 24 s at a calm pace.
CLARITEX: dict[str, Any] = {
    "brief": "Spot for Claritex, a once-daily allergy tablet: a calm spring morning, windows open, breathing easy.",
    "ad_type": "pharmaceutical",
    "brand": "Claritex",
    "side_effects": "Claritex may cause drowsiness and dry mouth.",
    "prescribing_info_url": "https://claritex.example/pi",
    "phone": "1-800-555-0199",
    "duration_s": 26,
    "aspect_ratio": "16:9",
    "resolution": "720p",
}
