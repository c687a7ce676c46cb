"""Runs every check on a rendered ad and builds its report.

Cost: one video decode, three small ebur128 runs (all concurrent), then OCR of a few frames two at a
time; the rest is arithmetic. Pharmaceutical ads get every rule; general ads loudness, captions, safe area.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from services.composer.compliance import audio, captions, distraction, onscreen, provision, sampling, speech
from services.composer.compliance.frames import Frame, VideoSamples, decode
from services.composer.compliance.ocr import Word, read_words, tokens
from services.composer.compliance.report import Finding, build_report
from services.composer.compliance.rules import LOUDNESS_TOLERANCE_LU, TRUE_PEAK_MAX_DB
from services.composer.compliance.screen import HEADING_TOKENS, SampleText, distracting_words, pages_of, split_sample
from services.composer.loudness import Loudness
from shared.compliance import ComplianceReport
from shared.request import ComplianceMode
from shared.script import NarrationTrack

OCR_CONCURRENCY = 2


@dataclass(frozen=True)
class AdUnderTest:
    """The rendered ad and what it must be measured against (the request's own texts and target)."""

    video: Path
    size: tuple[int, int]
    fps: float
    duration_s: float
    ad_type: str
    target_lufs: float
    timings: NarrationTrack | None = None
    captions_vtt: str | None = None
    voice_stem: Path | None = None
    music_stem: Path | None = None
    statement: str = ""
    voice: str = ""
    brand: str = ""
    phone: str | None = None
    website: str | None = None
    print_reference: str | None = None
    mode: ComplianceMode = "report"


async def _ocr_all(frames: dict[float, Frame], workdir: Path) -> dict[float, list[Word]]:
    gate = asyncio.Semaphore(OCR_CONCURRENCY)

    async def one(number: int, at_s: float) -> tuple[float, list[Word]]:
        async with gate:
            return at_s, await read_words(frames[at_s], workdir, f"ocr-{number:02d}")

    return dict(await asyncio.gather(*(one(n, t) for n, t in enumerate(sorted(frames)))))


def _loudness_findings(measured: Loudness, target_lufs: float) -> list[Finding]:
    off = measured.integrated_lufs - target_lufs
    return [
        Finding("TD-LOUDNESS", abs(off) <= LOUDNESS_TOLERANCE_LU,
                f"{measured.integrated_lufs:.1f} LUFS integrated, target {target_lufs:.1f}",
                round(measured.integrated_lufs, 2)),
        Finding("TD-TRUEPEAK", measured.true_peak_db <= TRUE_PEAK_MAX_DB, f"{measured.true_peak_db:.1f} dBTP",
                round(measured.true_peak_db, 2)),
    ]  # fmt: skip


async def check(ad: AdUnderTest, workdir: Path, *, timeout_s: float) -> ComplianceReport:
    started = time.perf_counter()
    workdir.mkdir(parents=True, exist_ok=True)
    pharma = ad.ad_type == "pharmaceutical"
    track = ad.timings
    spoken, rest = speech.statement_and_rest(track) if track else ([], [])
    spoken = sorted(spoken, key=lambda s: s.start_s) if pharma else []
    statement_times = sampling.statement_samples(spoken)
    benefit_at, end_at = sampling.other_samples(rest, ad.duration_s)
    extra = [] if pharma else [round(ad.duration_s / 2, 3)]
    times = sorted({*statement_times, benefit_at, end_at, *extra})
    video, loudness, voice, music = await asyncio.gather(
        decode(ad.video, size=ad.size, fps=ad.fps, duration_s=ad.duration_s, times_s=times,
               window=sampling.strip_window(spoken, ad.duration_s), workdir=workdir, timeout_s=timeout_s),
        audio.final_loudness(ad.video, timeout_s=timeout_s),
        audio.momentary(ad.voice_stem, timeout_s=timeout_s) if pharma and ad.voice_stem else _none(),
        audio.momentary(ad.music_stem, timeout_s=timeout_s) if pharma and ad.music_stem else _none(),
    )  # fmt: skip
    words = await _ocr_all(dict(video.frames), workdir)
    vocabulary = set(tokens(ad.statement))
    samples = {t: split_sample(t, w, vocabulary) for t, w in words.items()}
    findings = _loudness_findings(loudness, ad.target_lufs)
    findings.append(captions.captions(ad.captions_vtt, track))
    all_boxes = [line.box for s in samples.values() for line in (*s.statement_lines, *s.other_lines)]
    findings.append(onscreen.placement("TD-SAFE-AREA", all_boxes, ad.size))
    if pharma:
        findings += _pharma_findings(ad, video, samples, statement_times, benefit_at, voice, music)
    return build_report(ad.ad_type, findings, mode=ad.mode, checker_s=time.perf_counter() - started)


async def _none() -> None:
    return None


def _pharma_findings(  # noqa: PLR0917 (one call site; every argument is a measured input)
    ad: AdUnderTest,
    video: VideoSamples,
    samples: dict[float, SampleText],
    statement_times: list[float],
    benefit_at: float,
    voice: audio.Series | None,
    music: audio.Series | None,
) -> list[Finding]:
    track = ad.timings or NarrationTrack(duration_s=ad.duration_s, segments=[])
    spoken, _ = speech.statement_and_rest(track)
    spoken = sorted(spoken, key=lambda s: s.start_s)
    during = [samples[t] for t in statement_times if t in samples]
    pages = pages_of(during)
    lines_at = [(p.at_s, line) for p in pages for line in p.lines]
    stmt_metrics = onscreen.metrics(video.frames, lines_at)
    benefit = samples.get(benefit_at)
    benefit_metrics = (
        onscreen.metrics(video.frames, [(benefit_at, ln) for ln in benefit.other_lines]) if benefit else []
    )
    windows = onscreen.page_windows(video.strip, pages)
    narration_text = " ".join(s.text for s in track.segments)
    screen_text = " ".join(line.text for s in samples.values() for line in (*s.statement_lines, *s.other_lines))
    allowed = {*tokens(" ".join([ad.statement, ad.brand, ad.phone or "", ad.website or "", ad.print_reference or ""])),
               *HEADING_TOKENS, "ask", "your", "doctor", "or", "pharmacist"}  # fmt: skip
    return [
        onscreen.verbatim(ad.statement, spoken, pages),
        speech.language(ad.statement),
        speech.pace(track),
        speech.volume(track, voice) if voice else Finding("MS-VOLUME", False, "no voice stem"),
        speech.articulation(track, ad.voice),
        onscreen.dual(windows, spoken),
        onscreen.text_size(stmt_metrics, ad.size[1]),
        onscreen.contrast(stmt_metrics),
        onscreen.placement("MS-PLACEMENT", [line.box for _, line in lines_at], ad.size),
        onscreen.duration(windows, pages, spoken),
        distraction.no_distraction(
            voice=voice, music=music, spoken=[(s.start_s, s.end_s) for s in spoken],
            other_words=[w for s in during for w in distracting_words(s, allowed)],
            cut_times_s=video.cut_times_s, duration_s=ad.duration_s,
        ),
        speech.risk_share(track),
        onscreen.prominence(stmt_metrics, benefit_metrics),
        provision.claims(narration_text, screen_text),
        *provision.provision(narration_text, screen_text, phone=ad.phone, website=ad.website,
                             print_reference=ad.print_reference),
    ]  # fmt: skip
