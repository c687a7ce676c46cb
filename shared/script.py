"""The script: the timeline every later stage works to.

The script fixes each scene's duration and each narration line's time window, which is
what lets narration, clips and music run in parallel. Stored as `script.json`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.request import AdType, AspectRatio, Resolution

# "safety" is one page of the major statement (the request's side_effects, verbatim); "provision" is the
# end card's line (phone, website, print reference, "ask your doctor or pharmacist").
SegmentKind = Literal["narration", "safety", "provision"]


class Scene(BaseModel):
    model_config = ConfigDict(frozen=True)

    index: int = Field(ge=0)
    duration_s: float = Field(gt=0, le=20)
    visual_prompt: str = Field(min_length=5, max_length=1200)
    on_screen_text: str = Field(default="", max_length=120)
    # One word naming the scene's look, used by local footage and by prompts ("sunrise", "kitchen").
    setting: str = Field(default="", max_length=40)


class NarrationSegment(BaseModel):
    """A line of voice-over and the window it must fit in, in seconds from the ad's start."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(min_length=1, max_length=4000)
    start_s: float = Field(ge=0)
    end_s: float = Field(gt=0)
    kind: SegmentKind = "narration"
    # Relative speaking speed: 1.0 is the calm read every line gets, the statement included (unless the request
    # opted into the faster safety_pace, FAST_SPEED).
    speed: float = Field(default=1.0, ge=0.5, le=2.0)

    @model_validator(mode="after")
    def _window_is_forward(self) -> NarrationSegment:
        if self.end_s <= self.start_s:
            raise ValueError("a narration segment must end after it starts")
        return self


class Script(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str = Field(min_length=1, max_length=120)
    brand: str = Field(default="", max_length=60)
    ad_type: AdType = "general"
    aspect_ratio: AspectRatio = "16:9"
    resolution: Resolution = "1080p"
    duration_s: float = Field(ge=8, le=60)
    scenes: list[Scene] = Field(min_length=1, max_length=12)
    narration: list[NarrationSegment] = Field(default_factory=list)
    # The major statement of a pharmaceutical ad: the request's side_effects verbatim, shown while it is spoken.
    safety_text: str = Field(default="", max_length=1500)
    # The adequate-provision end card's lines (pharmaceutical ads), shown from the provision line to the end.
    end_card: list[str] = Field(default_factory=list, max_length=8)
    music_mood: str = Field(default="uplifting", max_length=60)
    needs_narration: bool = True
    style_notes: str = Field(default="", max_length=1200)

    @model_validator(mode="after")
    def _timeline_is_consistent(self) -> Script:
        total = sum(scene.duration_s for scene in self.scenes)
        if abs(total - self.duration_s) > 0.05:
            raise ValueError(f"scene durations add up to {total:.2f}s, not the script's {self.duration_s:.2f}s")
        if [s.index for s in self.scenes] != list(range(len(self.scenes))):
            raise ValueError("scene indexes must be 0..n-1 in order")
        for segment in self.narration:
            if segment.end_s > self.duration_s + 0.05:
                raise ValueError("a narration segment ends after the ad does")
        if self.needs_narration and not self.narration:
            raise ValueError("a script that needs narration must have narration segments")
        return self

    def scene_starts(self) -> list[float]:
        starts, t = [], 0.0
        for scene in self.scenes:
            starts.append(t)
            t += scene.duration_s
        return starts


class SegmentTiming(BaseModel):
    """Where a narration segment actually sits in the voice-over track (for captions, pages and ducking).

    `start_s`/`end_s` bound the audible speech (silence trimmed); `speed` and `voice` are the settings it was
    spoken with, so the statement's can be compared with the rest's.
    """

    model_config = ConfigDict(frozen=True)

    text: str
    kind: SegmentKind
    start_s: float
    end_s: float
    speed: float = 1.0
    voice: str = ""

    @property
    def words_per_minute(self) -> float:
        return len(self.text.split()) * 60.0 / max(self.end_s - self.start_s, 1e-3)


class NarrationTrack(BaseModel):
    """What the narration stage reports: the actual timing of each spoken segment."""

    model_config = ConfigDict(frozen=True)

    duration_s: float
    segments: list[SegmentTiming]
    engine: str = ""  # which narrator spoke (e.g. "local:hibari-tts:heart"; "local:espeak-ng" is the fallback)
