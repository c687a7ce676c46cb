"""After rendering: the compliance checker run on the ad, its report stored beside the outputs.

The report is `final/compliance.json`; its summary rides in the `job.completed` payload. Under
`compliance: "enforce"` a failing report fails the job (a permanent error naming the failed rules).
"""

from __future__ import annotations

from services.composer.compliance.checker import AdUnderTest, check
from services.composer.compliance.report import enforcement_message
from services.composer.compose import Composition
from shared.compliance import ComplianceReport
from shared.errors import PermanentError
from shared.request import AdRequest
from shared.script import NarrationTrack, Script
from shared.stage import StageContext
from shared.storage import asset_key


def ad_under_test(
    request: AdRequest,
    script: Script,
    result: Composition,
    *,
    size: tuple[int, int],
    fps: float,
    track: NarrationTrack | None,
    captions_vtt: str | None,
) -> AdUnderTest:
    return AdUnderTest(
        video=result.video, size=size, fps=fps, duration_s=script.duration_s, ad_type=request.ad_type,
        target_lufs=request.loudness_lufs, timings=track, captions_vtt=captions_vtt,
        voice_stem=result.stems.voice if result.stems.voice.exists() else None,
        music_stem=result.stems.music if result.stems.music.exists() else None,
        statement=request.side_effects or "", voice=request.voice, brand=request.brand or "",
        phone=request.phone, website=str(request.prescribing_info_url) if request.prescribing_info_url else None,
        print_reference=request.print_reference, mode=request.compliance,
    )  # fmt: skip


async def check_and_store(
    ctx: StageContext, ad: AdUnderTest, *, compose_s: float, timeout_s: float
) -> tuple[ComplianceReport, str]:
    """The report, stored (also when it fails an enforced job, so the user can read why), and its key."""
    report = await check(ad, ctx.workdir / "compliance", timeout_s=timeout_s)
    key = asset_key(ctx.job.user_id, ctx.job.job_id, "final", "compliance.json", version=ctx.job.version)
    await ctx.storage.upload_bytes(report.model_dump_json(indent=2).encode(), key)
    share = round(report.checker_s / max(compose_s, 0.001), 3)
    ctx.log.info("compliance.checked", passed=report.passed, failing=report.failing, checker_s=report.checker_s,
                 compose_s=round(compose_s, 2), checker_share=share)  # fmt: skip
    if ad.mode == "enforce" and not report.passed:
        raise PermanentError(enforcement_message(report))
    return report, key
