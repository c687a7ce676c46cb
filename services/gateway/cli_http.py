"""The CLI's side of the API: an authenticated client, an error as one line, a job followed to its end, its video
fetched. `cli` (jobs) and `cli_review` (quotes, the storyboard) both talk to the gateway through it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

console = Console()

UrlOption = Annotated[str, typer.Option("--url", envvar="PHARMAGEN_URL", help="Gateway base URL")]
KeyOption = Annotated[str, typer.Option("--api-key", envvar="PHARMAGEN_API_KEY", help="Your API key")]
DEFAULT_URL = "http://127.0.0.1:8080"
TERMINAL = {"completed", "failed", "cancelled"}


def client_for(url: str, api_key: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{url.rstrip('/')}/api/v1", headers={"Authorization": f"Bearer {api_key}"}, timeout=30
    )


def checked(response: httpx.Response) -> Any:
    """The JSON body; an error is printed as one line (with the fields at fault) and exits 1."""
    if response.is_error:
        body = response.json() if "json" in response.headers.get("content-type", "") else {}
        fields = "; ".join(f"{e['field']}: {e['message']}" for e in body.get("errors", []))
        console.print(f"[red]{response.status_code}: {body.get('detail', response.text)}[/red] {fields}")
        raise typer.Exit(1)
    return response.json()


def watch(client: httpx.Client, job_id: str, *, poll_s: float) -> dict[str, Any]:
    """Polls the job and draws one bar per stage until it ends."""
    with Progress(TextColumn("{task.description:<10}"), BarColumn(), TextColumn("{task.fields[state]}")) as bars:
        job = checked(client.get(f"/jobs/{job_id}"))
        overall = bars.add_task("job", total=100, state=job["status"])
        tasks = {name: bars.add_task(name, total=1, state="pending") for name in job["stages"]}
        while True:
            for name, stage in job["stages"].items():
                done = stage["status"] in {"succeeded", "skipped"}
                bars.update(tasks[name], completed=1 if done else 0, state=stage["status"])
            bars.update(overall, completed=job["progress"], state=job["status"])
            if job["status"] in TERMINAL:
                return dict(job)
            time.sleep(poll_s)
            job = checked(client.get(f"/jobs/{job_id}"))


def download(job: dict[str, Any], out: Path) -> None:
    """Downloads a finished job's MP4 into `out` (exit 1 with the reason when it did not finish)."""
    if job["status"] != "completed":
        error = job.get("error") or {}
        console.print(f"[red]{job['status']}[/red] {error.get('stage') or ''} {error.get('reason') or ''}")
        raise typer.Exit(1)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{job['job_id']}.mp4"
    with httpx.stream("GET", job["outputs"]["video_url"], timeout=120) as video, target.open("wb") as sink:
        for chunk in video.iter_bytes():
            sink.write(chunk)
    estimate = f" of an estimated ${job['estimate']['total_usd']:.2f}" if job.get("estimate") else ""
    console.print(f"[green]done[/green] {target} (cost ${job['cost_usd']:.2f}{estimate})")
    if summary := job.get("compliance"):
        console.print(verdict(summary) + f"  (details: pharmagen compliance {job['job_id']})")


def verdict(summary: dict[str, Any]) -> str:
    if summary["passed"]:
        return "[green]compliance: passed[/green]"
    return f"[red]compliance: failed[/red] {', '.join(summary['failing'])}"
