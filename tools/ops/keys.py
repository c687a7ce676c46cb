"""`pharmagen-ops keys`: create, list and revoke API keys; rotate a user's webhook signing secret.

A key (and a new user's first webhook secret) is printed once, when it is made, and never again:
the store keeps only the key's digest and the secret's KMS ciphertext.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, TypeVar

import typer

from shared.config import Settings
from shared.connections import Connections, connect

T = TypeVar("T")
keys_app = typer.Typer(help="API keys and webhook secrets: create, list, revoke, rotate-webhook-secret.")

User = Annotated[str, typer.Argument(metavar="USER", help="the user the key acts for")]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON")]


def _run(work: Callable[[Connections], Awaitable[T]]) -> T:
    async def main() -> T:
        async with connect(Settings()) as conn:
            return await work(conn)

    return asyncio.run(main())


def _when(epoch: float | None) -> str:
    return "-" if epoch is None else datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def _valid_user(user_id: str) -> str:
    if not user_id.strip() or len(user_id) > 128 or any(not (c.isalnum() or c in "-_.@") for c in user_id):
        raise typer.BadParameter("letters, digits and - _ . @ only (at most 128)", param_hint="USER")
    return user_id


@keys_app.command("create")
def create(user_id: User, as_json: AsJson = False) -> None:
    """A new API key for USER (and, for a user without one, their webhook signing secret), shown once."""
    _valid_user(user_id)

    async def work(conn: Connections) -> dict[str, str | None]:
        key, record = await conn.keys.create(user_id)
        secret = await conn.webhook_secrets.create_if_missing(user_id)
        return {"user_id": user_id, "key_id": record.key_id, "api_key": key, "webhook_secret": secret}

    made = _run(work)
    if as_json:
        typer.echo(json.dumps(made))
        return
    typer.echo(f"API key for {user_id} (id {made['key_id']}), shown only now:\n{made['api_key']}")
    if made["webhook_secret"]:
        typer.echo(f"Webhook signing secret for {user_id}, shown only now:\n{made['webhook_secret']}")


@keys_app.command("list")
def list_keys(user_id: Annotated[str | None, typer.Option("--user")] = None, as_json: AsJson = False) -> None:
    """Every key (or one user's): id, user, created, last used, revoked. Never the key itself."""
    records = _run(lambda conn: conn.keys.list(user_id))
    rows = [
        {
            "key_id": r.key_id,
            "user_id": r.user_id,
            "created": _when(r.created_at),
            "last_used": _when(r.last_used_at),
            "revoked": _when(r.revoked_at),
        }
        for r in records
    ]
    if as_json:
        typer.echo(json.dumps(rows))
        return
    for row in rows:
        typer.echo("  ".join(f"{k}={v}" for k, v in row.items()))


@keys_app.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(metavar="KEY_ID", help="the id `keys list` shows")]) -> None:
    """Revokes a key for good (the gateway stops accepting it within its key cache period)."""
    record = _run(lambda conn: conn.keys.revoke(key_id))
    if record is None:
        typer.echo(f"no key with id {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {record.key_id} of {record.user_id}")


@keys_app.command("rotate-webhook-secret")
def rotate_webhook_secret(user_id: User, as_json: AsJson = False) -> None:
    """A new webhook signing secret for USER, shown once; the old one stops signing at once."""
    _valid_user(user_id)
    secret = _run(lambda conn: conn.webhook_secrets.rotate(user_id))
    if as_json:
        typer.echo(json.dumps({"user_id": user_id, "webhook_secret": secret}))
        return
    typer.echo(f"Webhook signing secret for {user_id}, shown only now:\n{secret}")
