"""What a user may read about a failure: plain words, never the machinery behind them.

Failure reasons are written for users where they are raised (`PermanentError`'s message, the
runtime's own sentences) and the technical detail goes to the logs with the job id. This is the last
guard on the way out (API, progress stream, webhooks), also for records written before that rule:
a reason that carries a file path, an exception class name, a traceback or a tool's output is
replaced whole by a plain sentence (trimming it would still leak, or leave nonsense).
"""

from __future__ import annotations

import re

from shared.job import Job

MAX_CHARS = 300

_TECHNICAL = re.compile(
    r"Traceback|\bFile \"|"  # tracebacks
    r"(?:^|[\s'\"(=])(?:[A-Za-z]:)?(?:/[\w.@%+-]+){2,}|"  # absolute paths
    r"\b[A-Z][a-z]+(?:[A-Z][a-z0-9]*)*(?:Error|Exception)\b|"  # exception class names
    r"\b\w+\.(?:py|c|so)\b|"  # source files
    r"\bexited -?\d+\b|\s\|\s|"  # a tool's exit status and stderr tail
    r"https?://(?:127\.|localhost|10\.|192\.168\.|169\.254\.)",  # internal endpoints
)


def generic_reason(stage: str | None) -> str:
    if stage:
        return f"the job failed in the {stage} stage; retry it, or quote the job id to support"
    return "the job failed; retry it, or quote the job id to support"


def user_facing(reason: str | None, *, stage: str | None = None) -> str:
    """`reason` when it is plain words for a user; otherwise a plain sentence naming the stage."""
    if not reason or not reason.strip() or "\n" in reason.strip() or _TECHNICAL.search(reason):
        return generic_reason(stage)
    reason = reason.strip()
    return reason if len(reason) <= MAX_CHARS else reason[: MAX_CHARS - 1].rstrip() + "…"


def user_facing_reason(job: Job) -> str:
    return user_facing(job.error_reason, stage=job.error_stage)
