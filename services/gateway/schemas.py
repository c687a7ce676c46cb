"""The HTTP schemas: what the API accepts and returns, kept apart from the ledger's and the wire's models."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from shared.assets import ASSET_RULES, AssetKindName
from shared.compliance import ComplianceSummary
from shared.quote import Quote
from shared.request import AdRequest
from shared.storyboard import ScriptSummary
from shared.storyboard_edits import SceneEdit
from shared.versions import Redo


class GenerateRequest(AdRequest):
    """The body of POST /generate: exactly AdRequest's fields, each rule checked on its field so a 422 names it."""

    model_config = ConfigDict(validate_default=True, title="GenerateRequest")

    def to_request(self) -> AdRequest:
        return AdRequest.model_validate(self.model_dump(mode="json"))


def request_hash(request: AdRequest) -> str:
    """sha256 of the canonical JSON of the validated request: equal bodies give equal hashes."""
    canonical = json.dumps(request.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class FieldError(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    """Every 4xx the API writes itself: a sentence, and for bad input the fields at fault."""

    status_code: int
    detail: str
    errors: list[FieldError] = []


class JobLinks(BaseModel):
    self: str
    events: str
    cancel: str
    retry: str
    compliance: str
    storyboard: str
    approve: str


class SubmitResponse(BaseModel):
    job_id: str
    status: str
    links: JobLinks
    estimate: Quote | None = None


class QuoteResponse(BaseModel):
    """POST /quotes: the priced plan and the planned script; `script_writer` says who wrote it
    ("local" for the keyless planner, "replicate:<model>" for a language model, whose cost the quote includes)."""

    quote: Quote
    script: ScriptSummary
    script_writer: str


class StageView(BaseModel):
    status: str
    attempts: int
    started_at: float | None = None
    finished_at: float | None = None
    elapsed_s: float | None = None
    error: str | None = None
    cost_usd: float = 0.0  # what this stage paid (the actual, beside the job's estimate)


class JobProgress(BaseModel):
    """One server-sent `status` event."""

    job_id: str
    status: str
    progress: int
    error_stage: str | None = None
    error_reason: str | None = None
    stages: dict[str, StageView]


class JobError(BaseModel):
    stage: str | None
    reason: str


class JobOutputs(BaseModel):
    """Short-lived presigned URLs; fetch the job again for fresh ones."""

    expires_in_s: int
    video_url: str
    video_download_url: str
    thumbnail_url: str | None = None
    captions_url: str | None = None
    captions_download_url: str | None = None


class VersionView(BaseModel):
    """One version of a job: how it went, what it paid, what it redid, and its own outputs (presigned)."""

    version: int
    status: str
    created_at: str
    finished_at: float | None = None
    cost_usd: float
    redo: Redo | None = None  # None for version 1: everything was made
    estimate: Quote | None = None  # a revision's quote for what it redoes (version 1's is the job's `estimate`)
    review: bool = False  # a revision that stopped at its storyboard for approval
    outputs: JobOutputs | None = None
    compliance_url: str | None = None  # this version's full compliance report (API path)


class RevisionRequest(BaseModel):
    """POST /jobs/{id}/revisions: scene edits (as PATCH /storyboard takes them) and the music mood; one at least."""

    model_config = ConfigDict(extra="forbid")

    scenes: list[SceneEdit] = Field(default_factory=list, max_length=12)
    music_mood: str | None = Field(default=None, min_length=2, max_length=60, pattern=r"^[A-Za-z][A-Za-z ,'-]*$")
    # Stop the new version at its storyboard for approval before paying again; unset: a review job's revision
    # is reviewed when it pays for video, speech or music after the gate, and no other revision is.
    review: bool | None = None


class RevisionResponse(BaseModel):
    job_id: str
    version: int
    redo: Redo
    estimate: Quote
    review: bool  # the version stops at its storyboard for approval


class JobView(BaseModel):
    job_id: str
    status: str
    progress: int
    created_at: str
    updated_at: str
    stages: dict[str, StageView]
    error: JobError | None = None
    cost_usd: float
    # What the job was quoted at submit (per stage and per scene); `cost_usd` is what it paid.
    estimate: Quote | None = None
    video_duration_s: float | None = None
    request: dict[str, Any]
    outputs: JobOutputs | None = None
    # The compliance report's verdict and failing rule ids (the full report: links.compliance).
    compliance: ComplianceSummary | None = None
    links: JobLinks
    version: int = 1  # the current version; `cost_usd`, `outputs` and `compliance` are its own
    versions: list[VersionView] = Field(default_factory=list)


class JobSummary(BaseModel):
    job_id: str
    status: str
    progress: int
    created_at: str
    brief: str
    links: JobLinks


class JobPage(BaseModel):
    jobs: list[JobSummary]
    next_cursor: str | None = None


class UsagePeriod(BaseModel):
    period: str
    jobs: int = 0
    video_seconds: float = 0.0
    cost_usd: float = 0.0  # what the period's jobs cost
    quotes: int = 0  # quotes written by a language model, and what writing them cost
    quote_cost_usd: float = 0.0


class UsageView(BaseModel):
    user_id: str
    periods: list[UsagePeriod]


class Health(BaseModel):
    status: str
    checks: dict[str, str] = {}
    notices: list[str] = []  # configured models shutting down within a month (or already shut down)


class StoryboardScene(BaseModel):
    index: int
    duration_s: float
    visual_prompt: str
    on_screen_text: str
    narration: list[str]
    keyframe_url: str | None = None  # the scene's first keyframe, once the keyframes stage has made it
    thumbnail_url: str | None = None  # a frame of the scene's rendered clip, once there is one


class StoryboardView(BaseModel):
    """A job's script scene by scene, with what rendering it will cost; `editable` while it awaits approval."""

    job_id: str
    version: int = 1
    editable: bool
    expires_at: str | None = None  # when an unapproved review job expires (ISO 8601, UTC)
    major_statement: str | None = None
    quote: Quote
    scenes: list[StoryboardScene]


class StoryboardEdit(BaseModel):
    """PATCH /jobs/{id}/storyboard: the scenes to change, by index; each field left out stays as it is."""

    model_config = ConfigDict(extra="forbid")

    scenes: list[SceneEdit] = Field(min_length=1, max_length=12)


class AssetCreate(BaseModel):
    """The body of POST /assets: what the user is about to upload."""

    model_config = ConfigDict(extra="forbid", title="AssetCreate")

    kind: AssetKindName
    content_type: str = Field(min_length=3, max_length=100)
    size_bytes: int = Field(ge=1)

    @field_validator("content_type")
    @classmethod
    def _type_for_kind(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        if kind is not None and value not in ASSET_RULES[kind].content_types:
            raise ValueError(f"a {kind} must be one of {', '.join(ASSET_RULES[kind].content_types)}")
        return value

    @field_validator("size_bytes")
    @classmethod
    def _size_for_kind(cls, value: int, info: ValidationInfo) -> int:
        kind = info.data.get("kind")
        if kind is not None and value > ASSET_RULES[kind].max_bytes:
            raise ValueError(f"a {kind} may be at most {ASSET_RULES[kind].max_bytes} bytes")
        return value


class AssetUploadForm(BaseModel):
    """POST the file to `url` as multipart/form-data: every field, then `file` last (S3's presigned POST)."""

    url: str
    fields: dict[str, str]
    expires_in_s: int


class AssetCreated(BaseModel):
    asset_id: str
    upload: AssetUploadForm


class AssetView(BaseModel):
    """`pending` until the upload is there and checked; then `ready`, or `rejected` with the reason."""

    asset_id: str
    kind: str
    status: str
    reason: str | None = None
    format: str | None = None
    content_type: str
    size_bytes: int
    created_at: str
