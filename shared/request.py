"""The validated ad request: what a user asked for, as stored in the ledger and read by every stage.

The gateway's HTTP schema maps onto this model; stages read it from the job item.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationInfo, field_validator

from shared.assets import MAX_PRODUCT_PHOTOS
from shared.brand_kit import AssetId, BrandKit
from shared.provision import provision, shortest_ad_s, too_short_message
from shared.statement import text_layout

AdType = Literal["pharmaceutical", "general"]
AspectRatio = Literal["16:9", "9:16", "1:1"]
Resolution = Literal["720p", "1080p"]
SafetyPace = Literal["calm", "fast"]
ComplianceMode = Literal["report", "enforce"]
# How scenes join up: bounded by shared keyframes and rendered all at once, or each opening on the
# previous scene's last frame (the seed's method), rendered one after another.
Continuity = Literal["keyframes", "chain"]

BRIEF_MAX_CHARS = 2000
SIDE_EFFECTS_MAX_CHARS = 1500
MAX_DURATION_S = 60
# C0 and C1 control characters (and DEL); multi-line fields may still hold newlines and tabs.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MULTI_LINE = frozenset({"brief", "side_effects"})
_PHONE = re.compile(r"^\+?[0-9][0-9 ().\-]{5,22}[0-9]$")

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
    """A brief and its options. Field names are the public API's JSON names.

    A pharmaceutical ad's `side_effects` is its major statement, read and shown verbatim; it also needs the
    adequate provision (`prescribing_info_url`, `phone`, optionally `print_reference`), a voice-over to
    speak them, and a `duration_s` long enough to read them at a calm pace (the 422 says how long).
    `safety_pace="fast"` reads the statement 1.45x faster, as this project once did: an explicit opt-in
    that the compliance report then fails (MS-PACE). `compliance="enforce"` fails such a job instead.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    brief: str = Field(min_length=10, max_length=BRIEF_MAX_CHARS)
    ad_type: AdType = "general"
    brand: str | None = Field(default=None, min_length=1, max_length=60)
    side_effects: str | None = Field(default=None, min_length=10, max_length=SIDE_EFFECTS_MAX_CHARS)
    prescribing_info_url: HttpUrl | None = None
    phone: str | None = Field(default=None, min_length=7, max_length=24)
    print_reference: str | None = Field(default=None, min_length=3, max_length=80)
    safety_pace: SafetyPace = "calm"
    compliance: ComplianceMode = "report"
    aspect_ratio: AspectRatio = "16:9"
    resolution: Resolution = "1080p"
    style_reference_urls: list[HttpUrl] = Field(default_factory=list, max_length=3)
    voice: str = Field(default="alloy", min_length=1, max_length=40)
    narration: bool = True
    music_mood: str | None = Field(default=None, min_length=2, max_length=60)
    loudness_lufs: float = Field(default=-24.0, ge=-31.0, le=-10.0)
    webhook_url: HttpUrl | None = None
    continuity: Continuity = "keyframes"
    # The user's uploads (POST /api/v1/assets): photos the keyframes take as references, and the brand kit.
    product_photos: list[AssetId] = Field(default_factory=list, max_length=MAX_PRODUCT_PHOTOS)
    brand_kit: BrandKit | None = None
    # Stop after the script (and keyframes) for the user to review, edit and approve the storyboard before
    # anything else is paid for.
    review: bool = False
    # Last, so its check sees the statement, the provision and the frame it must fit.
    duration_s: int = Field(default=30, ge=8, le=MAX_DURATION_S)

    @field_validator("brief", "brand", "side_effects", "music_mood", "phone", "print_reference", "voice", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        """Stripped before the length checks, so blanks never count towards `min_length`.

        Pydantic runs "before" validators last-defined first: the control-character check below sees the raw text.
        """
        return value.strip() if isinstance(value, str) else value

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        pattern = _CONTROL_BUT_LINES if info.field_name in _MULTI_LINE else _CONTROL
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and pattern.search(text):
                kind = "control characters" if info.field_name in _MULTI_LINE else "control characters or line breaks"
                raise ValueError(f"{info.field_name} must not contain {kind}")
        return value

    @field_validator("style_reference_urls")
    @classmethod
    def _https_only(cls, urls: list[HttpUrl]) -> list[HttpUrl]:
        for url in urls:
            if url.scheme != "https":
                raise ValueError("style reference URLs must use https")
        return urls

    @field_validator("product_photos")
    @classmethod
    def _distinct_photos(cls, ids: list[str]) -> list[str]:
        if len(set(ids)) != len(ids):
            raise ValueError("product_photos names the same photo twice")
        return ids

    @field_validator("side_effects", "prescribing_info_url", "phone")
    @classmethod
    def _required_for_pharma(cls, value: object, info: ValidationInfo) -> object:
        if info.data.get("ad_type") == "pharmaceutical" and not value:
            raise ValueError(f"{info.field_name} is required for pharmaceutical ads")
        return value

    @field_validator("phone")
    @classmethod
    def _phone_number(cls, value: str | None) -> str | None:
        if value is not None and (not _PHONE.match(value) or sum(c.isdigit() for c in value) < 7):
            raise ValueError("phone must be a telephone number (digits, spaces, dashes, dots, parentheses)")
        return value

    @field_validator("narration")
    @classmethod
    def _pharma_speaks(cls, value: bool, info: ValidationInfo) -> bool:
        if info.data.get("ad_type") == "pharmaceutical" and not value:
            raise ValueError("a pharmaceutical ad speaks its side-effect statement, so narration must be true")
        return value

    @field_validator("duration_s")
    @classmethod
    def _holds_the_statement(cls, value: int, info: ValidationInfo) -> int:
        data = info.data
        needed = ("side_effects", "prescribing_info_url", "phone", "aspect_ratio", "resolution")
        if data.get("ad_type") != "pharmaceutical" or not all(data.get(name) for name in needed):
            return value
        statement: str = data["side_effects"]
        end_card = provision(
            url=str(data["prescribing_info_url"]), phone=data["phone"], print_reference=data.get("print_reference")
        )
        layout = text_layout(FRAME_SIZES[(data["resolution"], data["aspect_ratio"])])
        shortest = shortest_ad_s(statement, end_card, layout)
        if value < shortest:
            raise ValueError(too_short_message(statement, shortest, MAX_DURATION_S))
        return value

    @property
    def frame_size(self) -> tuple[int, int]:
        return FRAME_SIZES[(self.resolution, self.aspect_ratio)]

    @property
    def brand_colours(self) -> tuple[str, ...]:
        """The brand kit's colours, the main one first; none without a kit."""
        return tuple(self.brand_kit.colours) if self.brand_kit else ()
