"""The brand kit of a request: logo and font (ids of the user's checked uploads) and up to four brand colours.

The composer applies it (logo on the end card and as an optional corner bug, colours on plates and titles,
the font for titles); the keyframes stage paints drawn frames in its colours, and so does the keyless clip
maker the scenes it draws in chain mode.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from shared.assets import ASSET_ID, MAX_BRAND_COLOURS

AssetId = Annotated[str, Field(pattern=ASSET_ID.pattern, description="an asset id from POST /api/v1/assets")]
HexColour = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$", description="#RRGGBB")]


class BrandKit(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    logo: AssetId | None = None
    colours: list[HexColour] = Field(default_factory=list, max_length=MAX_BRAND_COLOURS)
    font: AssetId | None = None
    logo_bug: bool = False  # the logo also small in a top corner while the ad plays (never over the statement)

    @field_validator("colours")
    @classmethod
    def _upper(cls, colours: list[str]) -> list[str]:
        return [colour.upper() for colour in colours]

    @field_validator("logo_bug")
    @classmethod
    def _needs_a_logo(cls, value: bool, info: ValidationInfo) -> bool:
        if value and not info.data.get("logo"):
            raise ValueError("logo_bug needs a logo")
        return value


def rgb(colour: str) -> tuple[int, int, int]:
    """'#RRGGBB' as (r, g, b)."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
