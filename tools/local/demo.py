"""The `make run` demo: submit a brief to the gateway, show per-stage progress, save the ad under `out/`.

It is an ordinary API client (HTTP + bearer key), like the web page and the CLI.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx

DEMO_BRIEF = Path(__file__).resolve().parents[2] / "briefs" / "demo.json"


class DemoFailed(RuntimeError):
    """The demo did not produce its ad; the message says why in one line."""


async def _wait_for_gateway(client: httpx.AsyncClient, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if (await client.get("/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.25)
    raise DemoFailed(f"the gateway did not answer /health within {timeout_s:.0f}s")


def _stage_line(job: dict[str, Any]) -> str:
    marks = {"pending": "·", "running": "…", "succeeded": "✓", "skipped": "–", "failed": "✗"}
    stages = "  ".join(f"{name} {marks.get(s['status'], '?')}" for name, s in job["stages"].items())
    return f"[{job['progress']:>3}%] {job['status']:<10} {stages}"


def _checked(response: httpx.Response) -> httpx.Response:
    if response.is_error:
        raise DemoFailed(
            f"{response.request.method} {response.request.url.path} answered {response.status_code}: "
            f"{response.text[:300]}"
        )
    return response


async def _download(client: httpx.AsyncClient, url: str, path: Path) -> None:
    async with client.stream("GET", url) as response:
        if response.is_error:
            raise DemoFailed(f"downloading {path.name} answered {response.status_code}")
        with path.open("wb") as out:
            async for chunk in response.aiter_bytes():
                out.write(chunk)


async def run_demo(gateway_url: str, api_key: str, out_dir: Path, brief_path: Path = DEMO_BRIEF) -> Path:
    """Submits the brief, follows the job to its end, and returns the saved MP4's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    headers = {"Authorization": f"Bearer {api_key}"}
    async with httpx.AsyncClient(base_url=gateway_url, headers=headers, timeout=30) as client:
        await _wait_for_gateway(client)
        started = time.monotonic()
        response = _checked(await client.post("/api/v1/generate", json=json.loads(brief_path.read_text())))
        job_id = response.json()["job_id"]
        print(f"demo: submitted {brief_path.name} as job {job_id}", flush=True)
        last = ""
        while True:
            job = _checked(await client.get(f"/api/v1/jobs/{job_id}")).json()
            line = _stage_line(job)
            if line != last:
                print(f"demo: {line}", flush=True)
                last = line
            if job["status"] in {"completed", "failed", "cancelled"}:
                break
            await asyncio.sleep(0.5)
        if job["status"] != "completed":
            error = job.get("error") or {}
            stage, reason = error.get("stage"), error.get("reason")
            raise DemoFailed(f"the demo job {job_id} ended {job['status']} at {stage}: {reason}")
        outputs = job["outputs"]
        async with httpx.AsyncClient(timeout=120) as plain:  # presigned URLs carry their own auth
            video = out_dir / f"{job_id}.mp4"
            await _download(plain, outputs["video_url"], video)
            if outputs.get("captions_url"):
                await _download(plain, outputs["captions_url"], out_dir / f"{job_id}.vtt")
        report = _checked(await client.get(f"/api/v1/jobs/{job_id}/compliance")).json()
        (out_dir / f"{job_id}-compliance.json").write_text(json.dumps(report, indent=2))
        verdict = "passed every rule" if report["passed"] else f"FAILED {', '.join(report['failing'])}"
        print(f"demo: compliance report {verdict} (checked in {report['checker_s']:.1f}s; "
              f"{out_dir / f'{job_id}-compliance.json'})", flush=True)  # fmt: skip
        latest = out_dir / "demo-ad.mp4"
        latest.unlink(missing_ok=True)
        latest.symlink_to(video.name)
        print(
            f"\ndemo: done in {time.monotonic() - started:.1f}s — video {video.resolve()}"
            f" (also {latest}), captions beside it; web page {gateway_url}/\n",
            flush=True,
        )
        return video
