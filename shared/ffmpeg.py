"""The one place ffmpeg, ffprobe and other media tools are run: argv as data, a kill timeout, typed errors.

Invalid input (a file ffmpeg cannot read, a filtergraph it rejects) is a `PermanentError`;
running out of time or resources is transient. Never `shell=True`.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from shared.errors import PermanentError, TransientError

_PERMANENT_PATTERNS = re.compile(
    r"Invalid data found|No such file or directory|does not contain any stream|Invalid argument"
    r"|Error (?:initializing|reinitializing) filter|No such filter|Option not found|Unable to find a suitable output",
)


class ToolTimeout(TransientError):
    """A media tool ran past its kill timeout."""


async def run_tool(
    argv: Sequence[str], *, timeout_s: float, stdin: bytes | None = None, env: Mapping[str, str] | None = None
) -> bytes:
    """Run a media tool; return its stdout. Kills it (and says so) when it outlives `timeout_s`.

    `env` adds variables to the inherited environment (e.g. a thread limit).
    """
    proc = await asyncio.create_subprocess_exec(
        *argv,
        env={**os.environ, **env} if env else None,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(proc.communicate(stdin), timeout_s)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise ToolTimeout(f"{Path(argv[0]).name} ran past its {timeout_s:.0f}s limit") from None
    except asyncio.CancelledError:
        proc.kill()
        await proc.wait()
        raise
    if proc.returncode != 0:
        tail = stderr.decode(errors="replace").strip().splitlines()[-6:]
        message = f"{Path(argv[0]).name} exited {proc.returncode}: " + " | ".join(tail)
        if _PERMANENT_PATTERNS.search(message):
            raise PermanentError(message)
        raise TransientError(message)
    return stdout


async def ffmpeg(args: Sequence[str], *, timeout_s: float) -> None:
    """Run ffmpeg with quiet, non-interactive defaults and the given arguments."""
    await run_tool(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args], timeout_s=timeout_s)


async def probe(path: Path, *, timeout_s: float = 30.0) -> dict[str, Any]:
    out = await run_tool(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
        timeout_s=timeout_s,
    )
    result: dict[str, Any] = json.loads(out)
    return result


async def duration_s(path: Path) -> float:
    info = await probe(path)
    return float(info["format"]["duration"])
