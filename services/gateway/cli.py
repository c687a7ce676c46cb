"""`pharmagen`: submit a brief and watch it, revise a finished ad, upload a product photo, logo or font, list,
show, cancel and retry jobs — over the gateway's HTTP API.

Quotes and the review flow (`quote`, `generate --review`, `storyboard show|edit|approve`) are in `cli_review`.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.table import Table

from services.gateway.cli_http import (
    DEFAULT_URL,
    KeyOption,
    UrlOption,
    checked,
    client_for,
    console,
    download,
    verdict,
    watch,
)
from services.gateway.cli_review import quote, show_storyboard, storyboard_app, wait_for_storyboard

app = typer.Typer(help="PharmaGen: turn a brief into a finished video ad.", no_args_is_help=True)
jobs_app = typer.Typer(help="List, show, cancel and retry your jobs.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")
app.add_typer(storyboard_app, name="storyboard")
app.command()(quote)
POLL_S = 1.0
_client = client_for
_checked = checked


@app.command()
def generate(
    *,
    brief: Annotated[str | None, typer.Option(help="The brief, if no --file")] = None,
    file: Annotated[Path | None, typer.Option(help="A JSON request (the API's fields)")] = None,
    ad_type: Annotated[str | None, typer.Option(help="general or pharmaceutical")] = None,
    brand: Annotated[str | None, typer.Option()] = None,
    side_effects: Annotated[str | None, typer.Option(help="A pharmaceutical ad's major statement, verbatim")] = None,
    prescribing_info_url: Annotated[str | None, typer.Option(help="Where the full prescribing information is")] = None,
    phone: Annotated[str | None, typer.Option(help="A toll-free number for the prescribing information")] = None,
    print_reference: Annotated[str | None, typer.Option(help="A print ad or other reference (optional)")] = None,
    duration_s: Annotated[int | None, typer.Option()] = None,
    out: Annotated[Path, typer.Option(help="Where the MP4 goes")] = Path("out"),
    wait: Annotated[bool, typer.Option(help="Watch progress and download the result")] = True,
    review: Annotated[
        bool, typer.Option(help="Stop after the script and keyframes: review, edit and approve the storyboard first")
    ] = False,
    url: UrlOption = DEFAULT_URL,
    api_key: KeyOption = "",
) -> None:
    """Submit a brief, show per-stage progress, and download the finished MP4 into out/.

    With --review the job stops at its storyboard (nothing but the script and keyframes paid for): it is shown,
    and `pharmagen storyboard edit|approve JOB` go on from there."""
    request: dict[str, Any] = json.loads(file.read_text()) if file else {}
    if review:
        request["review"] = True
    options = {
        "brief": brief,
        "ad_type": ad_type,
        "brand": brand,
        "side_effects": side_effects,
        "prescribing_info_url": prescribing_info_url,
        "phone": phone,
        "print_reference": print_reference,
        "duration_s": duration_s,
    }
    request.update({k: v for k, v in options.items() if v is not None})
    with _client(url, api_key) as client:
        submitted = _checked(client.post("/generate", json=request))
        console.print(f"job [bold]{submitted['job_id']}[/bold] {submitted['status']}")
        if estimate := submitted.get("estimate"):
            console.print(f"estimate ${estimate['total_usd']:.2f}")
        if not wait:
            return
        if request.get("review"):
            show_storyboard(wait_for_storyboard(client, submitted["job_id"], poll_s=POLL_S))
            console.print(f"then: pharmagen storyboard approve {submitted['job_id']}")
            return
        download(watch(client, submitted["job_id"], poll_s=POLL_S), out)


def _download(url: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with httpx.stream("GET", url, timeout=120) as video, target.open("wb") as sink:
        for chunk in video.iter_bytes():
            sink.write(chunk)


def _diff(file: Path | None, scene: int | None, changes: dict[str, Any], music_mood: str | None) -> dict[str, Any]:
    """The revision body: a JSON file's, or one scene's changes from the options (and the music mood)."""
    body: dict[str, Any] = json.loads(file.read_text()) if file else {}
    edits = {name: value for name, value in changes.items() if value is not None}
    if edits:
        if scene is None:
            console.print("[red]--scene says which scene the changes are for[/red]")
            raise typer.Exit(2)
        body.setdefault("scenes", []).append({"index": scene, **edits})
    if music_mood is not None:
        body["music_mood"] = music_mood
    return body


@app.command()
def revise(
    job_id: str,
    *,
    scene: Annotated[int | None, typer.Option(help="The scene (0-based) the options below change")] = None,
    on_screen_text: Annotated[str | None, typer.Option(help="The scene's on-screen text (free to change)")] = None,
    visual_prompt: Annotated[str | None, typer.Option(help="The scene's picture (re-renders it)")] = None,
    narration: Annotated[list[str] | None, typer.Option(help="A line the scene speaks (repeat for more)")] = None,
    duration_s: Annotated[float | None, typer.Option(help="The scene's length (the total stays the same)")] = None,
    music_mood: Annotated[str | None, typer.Option(help="A new music mood (re-makes the music)")] = None,
    file: Annotated[Path | None, typer.Option(help='A JSON diff: {"scenes": [{"index", ...}], "music_mood"}')] = None,
    idempotency_key: Annotated[str | None, typer.Option(help="Default: derived from the job and the diff")] = None,
    review: Annotated[
        bool | None, typer.Option(help="Stop at the new storyboard for approval (default: as the job was submitted)")
    ] = None,
    out: Annotated[Path, typer.Option(help="Where the new version's MP4 goes")] = Path("out"),
    wait: Annotated[bool, typer.Option(help="Watch progress and download the new version")] = True,
    url: UrlOption = DEFAULT_URL,
    api_key: KeyOption = "",
) -> None:
    """Make the next version of a finished ad: only what the diff changes is redone (and paid for).

    Sending the same diff again makes no second version: the Idempotency-Key is derived from it.
    """
    changes = {"on_screen_text": on_screen_text, "visual_prompt": visual_prompt, "narration": narration,
               "duration_s": duration_s}  # fmt: skip
    body = _diff(file, scene, changes, music_mood)
    if review is not None:
        body["review"] = review
    key = idempotency_key or hashlib.sha256(json.dumps([job_id, body], sort_keys=True).encode()).hexdigest()[:32]
    with _client(url, api_key) as client:
        made = _checked(client.post(f"/jobs/{job_id}/revisions", json=body, headers={"Idempotency-Key": key}))
        redo = made["redo"]
        console.print(
            f"job [bold]{job_id}[/bold] version {made['version']}: redoing scenes {redo['scenes'] or 'none'}, "
            f"narration segments {redo['narration_segments'] or 'none'}, music {'yes' if redo['music'] else 'no'}"
            f" (estimate ${made['estimate']['total_usd']:.2f})"
        )
        if not wait:
            return
        if made["review"]:
            show_storyboard(wait_for_storyboard(client, job_id, poll_s=POLL_S))
            console.print(f"then: pharmagen storyboard approve {job_id}")
            return
        job = watch(client, job_id, poll_s=POLL_S)
        if job["status"] != "completed":
            error = job.get("error") or {}
            console.print(f"[red]{job['status']}[/red] {error.get('stage') or ''} {error.get('reason') or ''}")
            raise typer.Exit(1)
        target = out / f"{job_id}-v{job['version']}.mp4"
        _download(job["outputs"]["video_url"], target)
        console.print(f"[green]done[/green] {target} (this version cost ${job['cost_usd']:.2f})")


UPLOAD_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
                ".svg": "image/svg+xml", ".ttf": "font/ttf", ".otf": "font/otf"}  # fmt: skip
CHECK_WAIT_S = 30.0


@app.command()
def upload(
    path: Path,
    *,
    kind: Annotated[str, typer.Option(help="product_photo, logo or font")],
    url: UrlOption = DEFAULT_URL,
    api_key: KeyOption = "",
) -> None:
    """Upload a product photo, logo or font; prints its asset id once the check passed (for product_photos and
    brand_kit in a request)."""
    data = path.read_bytes()
    content_type = UPLOAD_TYPES.get(path.suffix.lower(), "application/octet-stream")
    with _client(url, api_key) as client:
        body = {"kind": kind, "content_type": content_type, "size_bytes": len(data)}
        created = _checked(client.post("/assets", json=body))
        form = created["upload"]
        posted = httpx.post(form["url"], data=form["fields"], files={"file": (path.name, data, content_type)},
                            timeout=120)  # fmt: skip
        if posted.is_error:
            console.print(f"[red]the upload was refused ({posted.status_code})[/red]")
            raise typer.Exit(1)
        deadline = time.monotonic() + CHECK_WAIT_S
        asset = _checked(client.get(f"/assets/{created['asset_id']}"))
        while asset["status"] == "pending" and time.monotonic() < deadline:
            time.sleep(POLL_S)
            asset = _checked(client.get(f"/assets/{created['asset_id']}"))
    if asset["status"] != "ready":
        console.print(f"[red]{asset['status']}: {asset.get('reason') or 'not checked yet'}[/red]")
        raise typer.Exit(1)
    console.print(asset["asset_id"])


@jobs_app.command("list")
def list_jobs(
    limit: int = 20, cursor: str | None = None, url: UrlOption = DEFAULT_URL, api_key: KeyOption = ""
) -> None:
    """Your jobs, newest first."""
    with _client(url, api_key) as client:
        params: dict[str, Any] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = _checked(client.get("/jobs", params=params))
    table = Table("job_id", "status", "progress", "created_at", "brief")
    for job in page["jobs"]:
        table.add_row(job["job_id"], job["status"], f"{job['progress']} %", job["created_at"], job["brief"][:50])
    console.print(table)
    if page.get("next_cursor"):
        console.print(f"more: --cursor {page['next_cursor']}")


@jobs_app.command("show")
def show(job_id: str, url: UrlOption = DEFAULT_URL, api_key: KeyOption = "") -> None:
    """A job's status, stages, error and output links (JSON)."""
    with _client(url, api_key) as client:
        console.print_json(data=_checked(client.get(f"/jobs/{job_id}")))


@jobs_app.command("cancel")
def cancel(job_id: str, url: UrlOption = DEFAULT_URL, api_key: KeyOption = "") -> None:
    with _client(url, api_key) as client:
        console.print(_checked(client.post(f"/jobs/{job_id}/cancel"))["status"])


@jobs_app.command("retry")
def retry(job_id: str, url: UrlOption = DEFAULT_URL, api_key: KeyOption = "") -> None:
    """Restart a failed job from its failed stage(s)."""
    with _client(url, api_key) as client:
        console.print(_checked(client.post(f"/jobs/{job_id}/retry"))["status"])


_STATUS_STYLE = {"pass": "green", "fail": "red", "warn": "yellow", "not_applicable": "dim"}


@app.command()
def compliance(
    job_id: str,
    as_json: Annotated[bool, typer.Option("--json", help="The report as JSON")] = False,
    url: UrlOption = DEFAULT_URL,
    api_key: KeyOption = "",
) -> None:
    """A job's compliance report: each rule, its threshold, what was measured on the ad, pass or fail."""
    with _client(url, api_key) as client:
        report = _checked(client.get(f"/jobs/{job_id}/compliance"))
    if as_json:
        console.print_json(data=report)
        return
    table = Table("rule", "result", "measured", "threshold", "citation")
    for rule in report["rules"]:
        style = _STATUS_STYLE.get(rule["status"], "")
        table.add_row(rule["id"], f"[{style}]{rule['status']}[/{style}]", rule["measured"], rule["threshold"],
                      rule["citation"])  # fmt: skip
    console.print(table)
    console.print(verdict(report) + f"  (checked in {report['checker_s']:.1f} s)")
    console.print(report["not_checked"])
