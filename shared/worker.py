"""The one stage runtime: long-poll a queue, run up to N deliveries at once, stop gracefully.

A stage service is `run_stage("<name>", build_handler)`; the topology says which queue, how
many in flight, and the timeouts. Messages are received only into free slots (no prefetch of
long jobs). On SIGTERM the worker stops receiving, lets running deliveries finish within the
grace period, and hands unfinished ones back (lease released, message visible again).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import uuid
from collections.abc import Callable
from pathlib import Path

import structlog

from shared.config import Settings
from shared.connections import Connections, connect
from shared.delivery import Delivery
from shared.fanout import delivery_for
from shared.liveness import liveness_file, mark_alive
from shared.logging import configure_logging
from shared.queue import Message
from shared.stage import Handler, SideHandler, UnitsHandler
from shared.topology import Stage, stage

LIVENESS_EVERY_S = 15.0
BuildHandler = Callable[[Settings], Handler] | Callable[[Settings], SideHandler] | Callable[[Settings], UnitsHandler]


def owner_id(stage_name: str) -> str:
    return f"{stage_name}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    def __init__(
        self,
        delivery: Delivery,
        *,
        concurrency: int,
        poll_wait_s: int,
        grace_s: float,
        liveness_path: Path | None = None,
    ) -> None:
        self.delivery = delivery
        self.liveness_path = liveness_path
        self.concurrency = concurrency
        self.poll_wait_s = poll_wait_s
        self.grace_s = grace_s
        self.in_flight: dict[asyncio.Task[None], Message] = {}
        self.log = structlog.get_logger().bind(stage=delivery.stage.name)

    async def run(self, stop: asyncio.Event) -> None:
        self.log.info("worker.started", concurrency=self.concurrency, owner=self.delivery.owner)
        keep_alive = asyncio.create_task(self._keep_alive())
        while not stop.is_set():
            free = self.concurrency - len(self.in_flight)
            if free <= 0:
                await asyncio.wait(set(self.in_flight), return_when=asyncio.FIRST_COMPLETED)
                continue
            for message in await self._receive(free, stop):
                task = asyncio.create_task(self._deliver(message))
                self.in_flight[task] = message
                task.add_done_callback(self._forget)
        await self._drain()
        keep_alive.cancel()

    async def _keep_alive(self) -> None:
        """Marks the process alive while its event loop runs (a busy worker is alive, a wedged one is not)."""
        while self.liveness_path is not None:
            mark_alive(self.liveness_path)
            await asyncio.sleep(LIVENESS_EVERY_S)

    def _forget(self, task: asyncio.Task[None]) -> None:
        self.in_flight.pop(task, None)

    async def _receive(self, free: int, stop: asyncio.Event) -> list[Message]:
        """A long poll; on a stop request, whatever the poll still brings is handed straight back.

        A long poll cannot be withdrawn: the queue may still give it a message after the client
        stops listening, and that message would stay hidden for a whole visibility timeout. So
        the poll is awaited (it ends within `poll_wait_s`) and anything it got is made visible again.
        """
        receive = asyncio.create_task(self.delivery.queue.receive(max_messages=free, wait_s=self.poll_wait_s))
        stopping = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({receive, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if receive not in done:
            with contextlib.suppress(Exception):
                for message in await asyncio.wait_for(receive, self.poll_wait_s + 5):
                    await self.delivery.queue.set_visibility(message, 0)
            return []
        try:
            return receive.result()
        except Exception as exc:  # the queue endpoint hiccupped: back off briefly and poll again
            self.log.warning("worker.receive_failed", reason=f"{type(exc).__name__}: {exc}"[:300])
            await asyncio.sleep(1.0)
            return []

    async def _deliver(self, message: Message) -> None:
        try:
            await self.delivery.handle(message)
        except asyncio.CancelledError:
            raise
        except Exception:  # never let one delivery take the worker down; the message will be redelivered
            self.log.exception("delivery.crashed", message_id=message.message_id)

    async def _drain(self) -> None:
        if self.in_flight:
            self.log.info("worker.draining", in_flight=len(self.in_flight), grace_s=self.grace_s)
            _, pending = await asyncio.wait(set(self.in_flight), timeout=self.grace_s)
            for task in pending:
                task.cancel()
            for task in pending:
                message = self.in_flight.get(task)
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
                if message is not None:
                    with contextlib.suppress(Exception):
                        await self.delivery.queue.set_visibility(message, 0)
        self.log.info("worker.stopped")


async def serve_stage(
    declared: Stage, handler: Handler | SideHandler | UnitsHandler, conn: Connections, stop: asyncio.Event
) -> None:
    """Runs one stage worker on existing connections until `stop` is set (tests call this directly)."""
    settings = conn.settings
    delivery = delivery_for(declared, handler, conn, await conn.queue(declared), owner=owner_id(declared.name))
    worker = Worker(
        delivery,
        concurrency=settings.worker_concurrency(declared.concurrency),
        poll_wait_s=settings.poll_wait_s,
        grace_s=settings.shutdown_grace_s,
        liveness_path=liveness_file(settings),
    )
    await worker.run(stop)


def run_stage(stage_name: str, build_handler: BuildHandler) -> None:
    """The entry point of a stage service process."""
    settings = Settings()
    configure_logging(settings)
    declared = stage(stage_name)
    handler = build_handler(settings)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        async with connect(settings) as conn:
            await serve_stage(declared, handler, conn, stop)

    asyncio.run(main())
