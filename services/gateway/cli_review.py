"""`pharmagen quote` and `pharmagen storyboard show|edit|approve`: know the cost, then review before paying.

Edits come from a JSON or YAML file holding the API's body (`{"scenes": [{"index": 0, "on_screen_text": …}]}`,
or just the list of scenes) or from flags for one scene (`--scene 0 --on-screen-text …`).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
import yaml
from rich.table import Table

from services.gateway.cli_http import (
    DEFAULT_URL,
    TERMINAL,
    KeyOption,
    UrlOption,
    checked,
    client_for,
    console,
    download,
    watch,
)

storyboard_app = typer.Typer(help="Review a job's storyboard, edit it, approve it.", no_args_is_help=True)
POLL_S = 1.0
AsJson = Annotated[bool, typer.Option("--json", help="The API's JSON")]


def quote_table(quote: dict[str, Any]) -> Table:
    table = Table("stage", "model", "units", "unit", "cost", title=f"total ${quote['total_usd']:.2f}")
    for line in quote["stages"]:
        table.add_row(line["stage"], line["model"], f"{line['units']:g}", line["unit"], f"${line['cost_usd']:.4f}")
    return table


def quote(
    file: Annotated[Path, typer.Option(help="A JSON request (the API's fields, as for generate)")],
    as_json: AsJson = False,
    url: UrlOption = DEFAULT_URL,
    api_key: KeyOption = "",
) -> None:
    """What a brief will cost: the script is planned now (by the language model when one is configured, which
    is then paid for and included) and priced per stage and per scene."""
    with client_for(url, api_key) as client:
        answer = checked(client.post("/quotes", json=json.loads(file.read_text())))
    if as_json:
        console.print_json(data=answer)
        return
    script = answer["script"]
    console.print(f"[bold]{script['title']}[/bold] ({script['duration_s']:g} s, written by {answer['script_writer']})")
    console.print(quote_table(answer["quote"]))
    scenes = Table("scene", "model", "billed s", "cost", "on screen")
    for priced, planned in zip(answer["quote"]["scenes"], script["scenes"], strict=False):
        scenes.add_row(str(priced["index"]), priced["model"], f"{priced['seconds']:g}", f"${priced['cost_usd']:.2f}",
                       planned["on_screen_text"])  # fmt: skip
    console.print(scenes)


def wait_for_storyboard(client: httpx.Client, job_id: str, *, poll_s: float) -> dict[str, Any]:
    """Waits until the review job awaits approval, then returns its storyboard (exit 1 if it ended instead)."""
    while True:
        job = checked(client.get(f"/jobs/{job_id}"))
        if job["status"] == "awaiting_approval":
            return dict(checked(client.get(f"/jobs/{job_id}/storyboard")))
        if job["status"] in TERMINAL:
            console.print(f"[red]{job['status']}[/red] {(job.get('error') or {}).get('reason') or ''}")
            raise typer.Exit(1)
        time.sleep(poll_s)


def show_storyboard(board: dict[str, Any]) -> None:
    state = "editable" if board["editable"] else "not editable"
    expires = f", expires {board['expires_at']}" if board.get("expires_at") else ""
    console.print(f"storyboard of [bold]{board['job_id']}[/bold] (version {board['version']}, {state}{expires})")
    table = Table("scene", "s", "on screen", "narration", "picture")
    for scene in board["scenes"]:
        table.add_row(str(scene["index"]), f"{scene['duration_s']:g}", scene["on_screen_text"],
                      "\n".join(scene["narration"]), scene["visual_prompt"])  # fmt: skip
    console.print(table)
    if board.get("major_statement"):
        console.print(f"major statement (read verbatim, not editable): {board['major_statement']}")
    console.print(quote_table(board["quote"]))


@storyboard_app.command("show")
def show(job_id: str, as_json: AsJson = False, url: UrlOption = DEFAULT_URL, api_key: KeyOption = "") -> None:
    """A job's storyboard: each scene's length, picture, on-screen text and lines, and the quote."""
    with client_for(url, api_key) as client:
        board = checked(client.get(f"/jobs/{job_id}/storyboard"))
    if as_json:
        console.print_json(data=board)
    else:
        show_storyboard(board)


def edits_from(
    file: Path | None,
    *,
    scene: int | None,
    on_screen_text: str | None,
    narration: list[str] | None,
    visual_prompt: str | None,
    duration_s: float | None,
) -> dict[str, Any]:
    """The PATCH body: a JSON or YAML file (the body, or its list of scenes), or one scene's flags."""
    if file is not None:
        loaded = yaml.safe_load(file.read_text())  # YAML is a superset of JSON: either reads
        return {"scenes": loaded} if isinstance(loaded, list) else dict(loaded)
    if scene is None:
        console.print("[red]give --file, or --scene with what to change[/red]")
        raise typer.Exit(2)
    changes = {"on_screen_text": on_screen_text, "narration": narration, "visual_prompt": visual_prompt,
               "duration_s": duration_s}  # fmt: skip
    return {"scenes": [{"index": scene, **{k: v for k, v in changes.items() if v is not None}}]}


@storyboard_app.command("edit")
def edit(
    job_id: str,
    *,
    file: Annotated[Path | None, typer.Option(help="Edits as JSON or YAML (the API's PATCH body)")] = None,
    scene: Annotated[int | None, typer.Option(help="The scene to change (with the flags below)")] = None,
    on_screen_text: Annotated[str | None, typer.Option()] = None,
    narration: Annotated[list[str] | None, typer.Option(help="A line of the scene (repeat for several)")] = None,
    visual_prompt: Annotated[str | None, typer.Option()] = None,
    duration_s: Annotated[float | None, typer.Option(help="Durations must still add up to the ad's")] = None,
    as_json: AsJson = False,
    url: UrlOption = DEFAULT_URL,
    api_key: KeyOption = "",
) -> None:
    """Edit a storyboard awaiting approval; a refused edit names the field (exit 1)."""
    body = edits_from(file, scene=scene, on_screen_text=on_screen_text, narration=narration,
                      visual_prompt=visual_prompt, duration_s=duration_s)  # fmt: skip
    with client_for(url, api_key) as client:
        board = checked(client.patch(f"/jobs/{job_id}/storyboard", json=body))
    if as_json:
        console.print_json(data=board)
    else:
        show_storyboard(board)


@storyboard_app.command("approve")
def approve(
    job_id: str,
    wait: Annotated[bool, typer.Option(help="Watch the paid stages and download the result")] = False,
    out: Annotated[Path, typer.Option(help="Where the MP4 goes")] = Path("out"),
    url: UrlOption = DEFAULT_URL,
    api_key: KeyOption = "",
) -> None:
    """Approve the storyboard: narration, clips and music start (approving again changes nothing)."""
    with client_for(url, api_key) as client:
        job = checked(client.post(f"/jobs/{job_id}/approve"))
        console.print(f"approved: {job['job_id']} {job['status']}")
        if wait:
            download(watch(client, job_id, poll_s=POLL_S), out)
