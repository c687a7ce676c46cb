"""The typed payload of each event type: what a stage hands on, as S3 keys and figures, never media.

Add fields, never rename them (a queued event must still parse). The envelope around them, and the wire
form, are `shared.events`.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.compliance import ComplianceSummary
from shared.request import Continuity


class _Payload(BaseModel):
    model_config = ConfigDict(frozen=True)


class JobSubmittedPayload(_Payload):
    pass


class ScriptCompletedPayload(_Payload):
    script_key: str
    duration_s: float
    scene_count: int
    needs_narration: bool


class KeyframesCompletedPayload(_Payload):
    """The ad's look, fixed before any video is paid for.

    `keyframe_keys[k]` is the first frame of scene k and the last frame of scene k-1 (N+1 keys for N
    scenes; the last closes the ad). In chain mode only scene 0's opening is made: one key.
    """

    hero_key: str
    keyframe_keys: list[str]
    continuity: Continuity = "keyframes"


class NarrationCompletedPayload(_Payload):
    audio_key: str
    timings_key: str
    duration_s: float


class NarrationSkippedPayload(_Payload):
    reason: str


class ClipsCompletedPayload(_Payload):
    clip_keys: list[str]
    thumbnail_keys: list[str] = Field(default_factory=list)
    duration_s: float


class UnitPayload(_Payload):
    """A payload about one unit of a stage's work (a scene of the clips stage): `index` counts from 0."""

    index: int = Field(ge=0)


class SceneRequestedPayload(UnitPayload):
    pass


class SceneCompletedPayload(UnitPayload):
    clip_key: str
    thumbnail_key: str
    duration_s: float


class MusicCompletedPayload(_Payload):
    audio_key: str
    duration_s: float


class JobCompletedPayload(_Payload):
    video_key: str
    captions_key: str | None = None
    thumbnail_key: str | None = None
    duration_s: float
    compliance_key: str | None = None  # the full compliance report (JSON)
    compliance: ComplianceSummary | None = None

    def outputs(self) -> dict[str, str]:
        """The job's deliverables as the ledger keeps them (`Job.outputs`): name → S3 key, when there is one."""
        named = {
            "video_key": self.video_key,
            "captions_key": self.captions_key,
            "thumbnail_key": self.thumbnail_key,
            "compliance_key": self.compliance_key,
        }
        return {name: key for name, key in named.items() if key}


class JobFailedPayload(_Payload):
    stage: str
    reason: str


class JobCancelledPayload(_Payload):
    pass


class JobAwaitingApprovalPayload(_Payload):
    """A review job's work before its gate is done: its storyboard waits for the user's approval until `expires_at`."""

    expires_at: datetime | None = None
