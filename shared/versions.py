"""A job's versions: version 1 is what the brief made; each revision after completion makes the next.

The job item holds the current version's state (status, stages, outputs, cost) as it always did,
plus one `VersionRecord` per version in its `versions` map (keyed by the version number as text):
what the version was started from (its script, what it redoes) and, once a newer version replaced
it, how it ended (status, outputs, cost). A job from before versions has no map: it is version 1.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from shared.quote import Quote


class Redo(BaseModel):
    """What a revision makes again; everything else is reused from earlier versions' paid work."""

    model_config = ConfigDict(frozen=True)

    scenes: list[int] = Field(default_factory=list)
    narration_segments: list[int] = Field(default_factory=list)
    music: bool = False
    # Why each re-made scene is in `scenes` ("visual_prompt", "duration_s", "chain after 1", "keyframe 2").
    reasons: dict[str, list[str]] = Field(default_factory=dict)

    @property
    def pays_after_gate(self) -> bool:
        """Whether it makes anything the review gate holds back (video, speech, music), not only a new cut."""
        return bool(self.scenes or self.narration_segments or self.music)


class VersionRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    version: int = Field(ge=1)
    created_at: str
    script_key: str | None = None
    redo: Redo | None = None  # None for version 1: everything was made
    estimate: Quote | None = None  # a revision's: what its redone work was quoted at
    review: bool = False  # a revision stopped at its storyboard for approval
    # Filled when a newer version replaces this one (the current version's are the job's own fields).
    status: str | None = None
    finished_at: float | None = None
    outputs: dict[str, str] = Field(default_factory=dict)
    cost_usd: float = 0.0


# Checkpoints named by a scene's position rather than its content (the sequential clips stage's): a new
# version's scene at that position may be another picture, so they never carry over.
_POSITIONAL = re.compile(r"^(prediction-)?scene-\d+(-cost|-part-\d+)?$")


def carried_checkpoints(checkpoints: dict[str, str]) -> dict[str, str]:
    """What a stage's checkpoints hand to the next version: every paid result, keyed by the inputs that made it.

    Failure counts (`…:failures`) stay behind: a new version's attempts start afresh. So do positional
    checkpoints, which could hand a changed scene its old clip.
    """
    return {
        key: value for key, value in checkpoints.items() if not key.endswith(":failures") and not _POSITIONAL.match(key)
    }
