"""Settings, from the environment (and `.env`), built once in `__main__` or `create_app` and passed down.

Nothing here runs at import time. Standard names are honoured as they are
(`AWS_ENDPOINT_URL`, `REPLICATE_API_TOKEN`, `OPENAI_API_KEY`); the rest use the `PHARMAGEN_` prefix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ProviderChoice = Literal["auto", "local", "replicate", "openai"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PHARMAGEN_", env_file=".env", extra="ignore")

    # "dev" (the local stack and the tests) relaxes the edges: a generated API key, loopback webhooks.
    # Anything else is a deployment: a key store is required and no default secret is accepted.
    env: Literal["dev", "prod"] = "dev"

    # --- AWS (moto locally; LocalStack or AWS by changing the endpoint and credentials) ---
    aws_region: str = Field(default="us-east-1", validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION"))
    aws_endpoint_url: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL")
    aws_endpoint_url_dynamodb: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL_DYNAMODB")
    resource_prefix: str = ""  # prepended to topology names, e.g. "dev-" in a shared account

    # --- logging ---
    log_format: Literal["json", "console"] = "json"
    log_level: str = "INFO"

    # --- worker runtime ---
    concurrency: int | None = Field(default=None, ge=1, le=64)  # overrides the topology's per-stage figure
    poll_wait_s: int = Field(default=20, ge=0, le=20)
    shutdown_grace_s: float = 30.0
    lease_s: float | None = None  # defaults to the stage's visibility timeout
    heartbeat_every_s: float | None = None  # defaults to a third of the lease
    retry_base_s: float = 5.0  # first redelivery delay for a transient failure; doubles each receive
    retry_max_s: float = 900.0
    workdir: Path = Path("/tmp/pharmagen")

    # --- media ---
    video_preset: str = "veryfast"
    video_crf: int = 20
    fps: int = 30
    ffmpeg_timeout_factor: float = 6.0  # an ffmpeg run may take this many times the media's duration (+30 s)

    # --- providers (auto: the real one when its key is configured, else local) ---
    script_provider: ProviderChoice = "auto"
    narration_provider: ProviderChoice = "auto"
    clips_provider: ProviderChoice = "auto"
    music_provider: ProviderChoice = "auto"
    keyframes_provider: ProviderChoice = "auto"
    replicate_api_token: SecretStr | None = Field(default=None, validation_alias="REPLICATE_API_TOKEN")
    replicate_base_url: str | None = Field(default=None, validation_alias="REPLICATE_BASE_URL")
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    replicate_secret_name: str | None = None  # Secrets Manager names, read at start-up in deployment
    openai_secret_name: str | None = None
    # models by catalogue name (shared/providers/catalogue.py: provider, inputs, price, shutdown date)
    script_model: str = "openai/gpt-5.6-terra"
    narration_model: str = "minimax/speech-2.8-hd"
    video_model: str = "google/veo-3.1"
    music_model: str = "stability-ai/stable-audio-2.5"
    image_model: str = "google/nano-banana-pro"  # the keyframes' image model
    output_max_bytes: int = 512 * 1024 * 1024  # a model's output file larger than this is refused
    output_download_s: float = 120.0  # and one that takes longer than this to fetch
    clip_timeout_s: float = 600.0
    provider_poll_s: float = 2.0

    # --- gateway ---
    api_keys: str | None = None  # "key:user_id,key2:user_id2"; unset locally → a development key is generated
    host: str = "127.0.0.1"
    port: int = 8080
    max_active_jobs: int = Field(default=10, ge=1)
    quotes_per_hour: int = Field(default=30, ge=1)  # quotes a language model writes (and is paid for), per user
    cors_origins: str = ""  # comma-separated; empty → no CORS
    presign_ttl_s: int = 900
    # Retired: webhooks are signed with each user's own secret (pharmagen-ops keys). A shared secret found
    # in the environment outside dev stops every service at start-up (see `_no_shared_secret_outside_dev`).
    webhook_secret: SecretStr | None = None
    webhook_kms_key_id: str | None = None  # the key webhook secrets are encrypted with; unset: the topology's alias
    key_cache_s: float = Field(default=30.0, ge=0)  # how long the gateway trusts a key lookup (revocation delay)
    stream_token_secret: SecretStr | None = None  # signs SSE stream tokens; required outside dev
    sse_max_streams_per_user: int = Field(default=5, ge=1)  # per gateway process
    sse_max_lifetime_s: float = Field(default=600.0, gt=0)  # then the stream ends with a reconnect hint
    sse_poll_s: float = Field(default=0.5, gt=0)  # one ledger read per job per period, whatever the streams
    outbox_relay_s: float = Field(default=2.0, gt=0)  # how often each gateway relays unpublished submits
    outbox_grace_s: float = Field(default=5.0, ge=0)  # a job younger than this is left to its own gateway
    # A review job waiting at its gate this long unapproved expires (cancelled, its place freed): 7 days.
    review_expiry_s: float = Field(default=7 * 24 * 3600.0, gt=0)
    webhook_deadline_s: float = Field(default=10.0, gt=0)  # a whole webhook delivery, connect to last byte read
    webhook_allow_private: bool | None = None  # None: only in dev (http and loopback/private receivers allowed)

    @model_validator(mode="after")
    def _no_shared_secret_outside_dev(self) -> Settings:
        if self.env != "dev" and self.webhook_secret is not None:
            raise ValueError(
                "PHARMAGEN_WEBHOOK_SECRET is set: outside dev no shared or default secret is accepted "
                "(each user has their own webhook secret); refusing to start"
            )
        return self

    def name(self, base: str) -> str:
        """A topology resource name with this deployment's prefix."""
        return f"{self.resource_prefix}{base}"

    def worker_concurrency(self, stage_default: int) -> int:
        return self.concurrency or stage_default
