"""`pharmagen-ops`: the operator CLI — dead letters (list, show, replay, purge), queue depth, failed jobs' assets,
API keys and webhook secrets (`keys`).

It reads the same Settings as any service (`AWS_ENDPOINT_URL`, `PHARMAGEN_RESOURCE_PREFIX`, …).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from shared.config import Settings
from shared.connections import Connections, connect
from shared.topology import STAGES, stage
from tools.ops.keys import keys_app

T = TypeVar("T")
app = typer.Typer(help="Operate PharmaGen: dead letters, queue depth, failed jobs' assets.", no_args_is_help=True)
dlq_app = typer.Typer(help="Dead-letter queues: list, show, replay, purge.", no_args_is_help=True)
app.add_typer(dlq_app, name="dlq")
app.add_typer(keys_app, name="keys")
console = Console()

StageName = Annotated[str, typer.Argument(metavar="STAGE", help=f"one of: {', '.join(s.name for s in STAGES)}")]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]


def _run(work: Callable[[Connections], Awaitable[T]]) -> T:
    async def main() -> T:
        async with connect(Settings()) as conn:
            return await work(conn)

    return asyncio.run(main())


def _stage(name: str) -> None:
    try:
        stage(name)
    except KeyError:
        raise typer.BadParameter(f"no stage named {name!r}", param_hint="STAGE") from None


def _table(title: str, columns: list[str], rows: list[list[object]]) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("-" if v is None else str(v) for v in row))
    console.print(table)


@dlq_app.command("list")
def dlq_list(as_json: AsJson = False) -> None:
    """Dead letters per stage: how many, and the age of the oldest."""
    from tools.ops.report import summarize_all

    summaries = _run(summarize_all)
    if as_json:
        typer.echo(json.dumps([asdict(s) for s in summaries]))
        return
    rows: list[list[object]] = [
        [s.stage, s.count, None if s.oldest_age_s is None else f"{s.oldest_age_s:.0f}s"] for s in summaries
    ]
    _table("Dead letters", ["stage", "messages", "oldest"], rows)


@dlq_app.command("show")
def dlq_show(
    stage_name: StageName, limit: Annotated[int, typer.Option(min=1, max=1000)] = 20, as_json: AsJson = False
) -> None:
    """The dead letters of a stage, decoded, with the job's recorded failure. Messages stay in the queue."""
    from tools.ops.dlq import open_dead_letter_queue
    from tools.ops.report import show

    _stage(stage_name)

    async def work(conn: Connections) -> list[dict[str, object]]:
        views = await show(await open_dead_letter_queue(conn, stage(stage_name)), conn.ledger, limit=limit)
        return [asdict(v) for v in views]

    views = _run(work)
    if as_json:
        typer.echo(json.dumps(views))
        return
    columns = ["message_id", "receive_count", "age_s", "event_type", "job_id", "job_status", "failed_stage", "failure"]
    rows = [[v[c] for c in columns[:-1]] + [v["failure"] or v["poison_reason"]] for v in views]
    _table(f"Dead letters of {stage_name}", columns, rows)


@dlq_app.command("replay")
def dlq_replay(
    stage_name: StageName,
    job: Annotated[str | None, typer.Option("--job", help="replay only this job's messages")] = None,
    replay_all: Annotated[bool, typer.Option("--all", help="replay every message of the stage")] = False,
    move_api: Annotated[bool, typer.Option(help="try SQS's message-move API first (with --all)")] = True,
) -> None:
    """Sends dead letters back to the stage's queue, resetting failed jobs so the stage runs again."""
    from tools.ops.dlq import open_dead_letter_queue
    from tools.ops.replay import Replayer, ReplayReport

    _stage(stage_name)
    if (job is None) == (not replay_all):
        raise typer.BadParameter("say which messages: --job ID or --all (not both)")

    async def work(conn: Connections) -> ReplayReport:
        dlq = await open_dead_letter_queue(conn, stage(stage_name))
        return await Replayer(dlq, conn.ledger, conn.bus, conn.storage).replay(job_id=job, use_move_api=move_api)

    report = _run(work)
    typer.echo(json.dumps(asdict(report)))


@dlq_app.command("purge")
def dlq_purge(
    stage_name: StageName, yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False
) -> None:
    """Deletes every dead letter of a stage, for good."""
    from tools.ops.dlq import open_dead_letter_queue

    _stage(stage_name)
    if not yes:
        typer.confirm(f"Delete every dead letter of {stage_name}? They cannot be replayed afterwards", abort=True)

    async def work(conn: Connections) -> int:
        dlq = await open_dead_letter_queue(conn, stage(stage_name))
        count = await dlq.count()
        await dlq.purge()
        return count

    typer.echo(f"purged {_run(work)} message(s) from the {stage_name} dead-letter queue")


@app.command("queues")
def queues(as_json: AsJson = False) -> None:
    """Queue depth per stage: visible, in flight, delayed, and dead letters."""
    from tools.ops.depth import queue_depths

    depths = _run(queue_depths)
    if as_json:
        typer.echo(json.dumps([asdict(d) for d in depths]))
        return
    rows: list[list[object]] = [[d.stage, d.visible, d.in_flight, d.delayed, d.dead] for d in depths]
    _table("Queues", ["stage", "visible", "in flight", "delayed", "dead letters"], rows)


@app.command("cleanup-failed")
def cleanup_failed(
    older_than_days: Annotated[float, typer.Option(min=0, help="jobs that failed at least this long ago")],
) -> None:
    """Deletes the failed-tagged assets of jobs that failed before the cut-off (what the lifecycle rule does in AWS)."""
    from tools.ops.retention import delete_failed_assets, expired_failures

    async def work(conn: Connections) -> tuple[int, int]:
        expired = await expired_failures(
            conn.clients.dynamodb, conn.ledger.jobs_table, older_than_s=older_than_days * 86400
        )
        deleted = 0
        for job in expired:
            deleted += await delete_failed_assets(conn.clients.s3, conn.storage.bucket, job)
        return len(expired), deleted

    jobs, objects = _run(work)
    typer.echo(f"{jobs} expired failed job(s), {objects} object(s) deleted")


if __name__ == "__main__":
    app()
