"""The validated ad request: what a user asked for, as stored in the ledger and read by every stage.

The gateway's HTTP schema maps onto this model; stages read it from the job item.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

AdType = Literal["pharmaceutical", "general"]
AspectRatio = Literal["16:9", "9:16", "1:1"]
Resolution = Literal["720p", "1080p"]

BRIEF_MAX_CHARS = 2000
SIDE_EFFECTS_MAX_CHARS = 1500

# Frame sizes per resolution and aspect ratio (width, height), even numbers for yuv420p.
FRAME_SIZES: dict[tuple[str, str], tuple[int, int]] = {
    ("1080p", "16:9"): (1920, 1080),
    ("1080p", "9:16"): (1080, 1920),
    ("1080p", "1:1"): (1080, 1080),
    ("720p", "16:9"): (1280, 720),
    ("720p", "9:16"): (720, 1280),
    ("720p", "1:1"): (720, 720),
}


class AdRequest(BaseModel):
    """A brief and its options. Field names are the public API's JSON names."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    brief: str = Field(min_length=10, max_length=BRIEF_MAX_CHARS)
    ad_type: AdType = "general"
    brand: str | None = Field(default=None, min_length=1, max_length=60)
    side_effects: str | None = Field(default=None, min_length=10, max_length=SIDE_EFFECTS_MAX_CHARS)
    duration_s: int = Field(default=30, ge=8, le=60)
    aspect_ratio: AspectRatio = "16:9"
    resolution: Resolution = "1080p"
    style_reference_urls: list[HttpUrl] = Field(default_factory=list, max_length=3)
    voice: str = Field(default="alloy", min_length=1, max_length=40)
    narration: bool = True
    music_mood: str | None = Field(default=None, min_length=2, max_length=60)
    loudness_lufs: float = Field(default=-24.0, ge=-31.0, le=-10.0)
    webhook_url: HttpUrl | None = None
    # "report": a failing compliance report is delivered with the ad; "enforce": the job fails instead.
    compliance: Literal["report", "enforce"] = "report"

    @field_validator("brief", "brand", "side_effects", "music_mood")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return value.strip() if isinstance(value, str) else value

    @field_validator("style_reference_urls")
    @classmethod
    def _https_only(cls, urls: list[HttpUrl]) -> list[HttpUrl]:
        for url in urls:
            if url.scheme != "https":
                raise ValueError("style reference URLs must use https")
        return urls

    @model_validator(mode="after")
    def _pharma_needs_safety_text(self) -> AdRequest:
        if self.ad_type == "pharmaceutical" and not self.side_effects:
            raise ValueError("side_effects is required for pharmaceutical ads")
        return self

    @property
    def frame_size(self) -> tuple[int, int]:
        return FRAME_SIZES[(self.resolution, self.aspect_ratio)]
