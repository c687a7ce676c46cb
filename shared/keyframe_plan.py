"""Which stills a job needs and what each shows: one hero of the subject, then the scene boundaries.

Boundary k opens scene k and closes scene k-1, so two neighbouring scenes share one image at their
cut; the last boundary closes the ad on the product. In chain mode only scene 0's opening is made
(each later scene starts on the previous clip's last frame).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from shared.animatic.setting import mentions_product
from shared.providers.base import KeyframeShot
from shared.request import FRAME_SIZES, Continuity
from shared.script import Script

_KEEP = "Keep the product exactly as in the reference images: same shape, colours and label. No text, no logos."


@dataclass(frozen=True)
class KeyframePlan:
    hero: KeyframeShot
    boundaries: list[KeyframeShot]


def plan_keyframes(
    script: Script, *, brief: str, continuity: Continuity = "keyframes", colours: tuple[str, ...] = ()
) -> KeyframePlan:
    width, height = FRAME_SIZES[(script.resolution, script.aspect_ratio)]
    frame = KeyframeShot(prompt="", setting="", width=width, height=height, aspect_ratio=script.aspect_ratio,
                         colours=colours, brand=script.brand)  # fmt: skip
    subject = script.brand or "the product"
    hero = replace(
        frame,
        prompt=(f"Product hero shot of {subject}, the subject of this ad: {brief.strip()[:400]} "
                f"Centred on a clean plinth, soft studio light, {script.aspect_ratio} frame. {_KEEP}"),
        setting="studio", shows_product=True, hero=True,
    )  # fmt: skip
    style = f" Style: {script.style_notes}." if script.style_notes else ""
    opening = [
        replace(frame, prompt=f"The opening frame of a shot: {scene.visual_prompt}.{style} {_KEEP}",
                setting=scene.setting, shows_product=mentions_product(scene.visual_prompt, script.brand),
                mirrored=scene.index % 2 == 1)
        for scene in script.scenes
    ]  # fmt: skip
    if continuity == "chain":
        return KeyframePlan(hero=hero, boundaries=opening[:1])
    last = script.scenes[-1]
    closing = replace(
        frame, prompt=f"The closing frame of the ad: {subject} in the foreground, {last.visual_prompt}.{style} {_KEEP}",
        setting=last.setting, shows_product=True, mirrored=len(script.scenes) % 2 == 1,
    )  # fmt: skip
    return KeyframePlan(hero=hero, boundaries=[*opening, closing])
