"""`pharmagen`: submit a brief and watch it, list, show, cancel and retry jobs — over the gateway's HTTP API.

Quotes and the review flow (`quote`, `generate --review`, `storyboard show|edit|approve`) are in `cli_review`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

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
