"""The local stack as separate processes: emulator, bootstrap, every stage service (scaled per stage), gateway.

`python -m tools.local.stack up --scale clips=2 --demo` — logs are prefixed per service; a service
that dies is restarted (as ECS would); Ctrl-C stops everything cleanly (SIGTERM, grace, kill), and a killed
launcher takes its children with it (`tools/local/children.py`). A failed demo stops the stack with exit code 1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import signal
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shared.config import Settings
from shared.topology import STAGES
from tools.local.bootstrap import bootstrap
from tools.local.children import die_with_parent
from tools.local.demo import DemoFailed, run_demo
from tools.local.emulator import Emulator, start_emulator

_COLOURS = ("36", "32", "33", "35", "34", "31", "96", "92")
GATEWAY = "gateway"


@dataclass
class Service:
    name: str
    module: str
    replica: int
    colour: str
    process: asyncio.subprocess.Process | None = None
    relay: asyncio.Task[None] | None = None
    restarts: int = 0

    @property
    def label(self) -> str:
        return f"{self.name}.{self.replica}" if self.name != GATEWAY else self.name


@dataclass
class Stack:
    env: dict[str, str]
    services: list[Service] = field(default_factory=list)
    stopping: bool = False

    async def start(self, service: Service) -> None:
        service.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            service.module,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the launcher only; it stops the services in order
            preexec_fn=die_with_parent(),  # SIGTERM when the launcher dies, even by SIGKILL
        )
        service.relay = asyncio.create_task(self._relay(service, service.process))

    async def _relay(self, service: Service, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        prefix = (
            f"\x1b[{service.colour}m{service.label:<12}\x1b[0m| " if sys.stdout.isatty() else f"{service.label:<12}| "
        )
        async for line in process.stdout:
            sys.stdout.write(prefix + line.decode(errors="replace"))
            sys.stdout.flush()

    async def supervise(self) -> None:
        """Restarts a service that exits while the stack is up."""
        while not self.stopping:
            await asyncio.sleep(0.5)
            for service in self.services:
                if service.process and service.process.returncode is not None and not self.stopping:
                    service.restarts += 1
                    print(f"{service.label:<12}| exited with {service.process.returncode}; restarting", flush=True)
                    await self.start(service)

    async def stop(self, grace_s: float = 30.0) -> None:
        self.stopping = True
        running = [s.process for s in self.services if s.process and s.process.returncode is None]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.gather(*(p.wait() for p in running)), grace_s)
        except TimeoutError:
            for process in running:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()


def plan_services(scale: Mapping[str, int], *, with_gateway: bool = True) -> list[Service]:
    services = []
    for i, declared in enumerate(STAGES):
        for replica in range(1, scale.get(declared.name, 1) + 1):
            services.append(Service(declared.name, declared.service_module, replica, _COLOURS[i % len(_COLOURS)]))
    if with_gateway:
        services.append(Service(GATEWAY, "services.gateway", 1, "97"))
    return services


def parse_scale(values: list[str]) -> dict[str, int]:
    known = {s.name for s in STAGES}
    scale: dict[str, int] = {}
    for item in values:
        name, _, count = item.partition("=")
        if name not in known or not count.isdigit() or not 0 <= int(count) <= 16:
            raise SystemExit(f"--scale takes STAGE=N with a stage from {sorted(known)} and N in 0..16, got {item!r}")
        scale[name] = int(count)
    return scale


def stack_env(emulator: Emulator, api_keys: str, base: Mapping[str, str]) -> dict[str, str]:
    env = {**base, **emulator.env(), "PYTHONUNBUFFERED": "1", "PHARMAGEN_API_KEYS": api_keys}
    env.setdefault("PHARMAGEN_LOG_FORMAT", "console")
    # Shorter long polls locally: a stopping worker waits out its poll (see Worker._receive).
    env.setdefault("PHARMAGEN_POLL_WAIT_S", "10")
    return env


def launcher_key(configured: str | None, preferred: str | None) -> tuple[str, str]:
    """The key the launcher prints and the demo uses, and the `PHARMAGEN_API_KEYS` the gateway gets.

    With keys configured, the printed key is one of them (PHARMAGEN_API_KEY if it is among them, else the
    first): a key the gateway does not hold would only earn the demo a 401.
    """
    if not configured:
        key = preferred or f"pg_dev_{secrets.token_urlsafe(12)}"
        return key, f"{key}:demo-user"
    keys = [key for entry in configured.split(",") if (key := entry.strip().rpartition(":")[0])]
    if not keys:
        raise SystemExit("PHARMAGEN_API_KEYS holds no key:user_id entry")
    if not preferred:
        return keys[0], configured
    if preferred not in keys:
        raise SystemExit("PHARMAGEN_API_KEY is not one of PHARMAGEN_API_KEYS: the gateway would refuse it")
    return preferred, configured


def demo_failure(demo: asyncio.Task[Path]) -> str | None:
    """Why the finished demo failed, in one line, or None when it saved its ad."""
    if demo.cancelled():
        return "the demo was cancelled"
    exc = demo.exception()
    if exc is None:
        return None
    return str(exc) if isinstance(exc, DemoFailed) else f"{type(exc).__name__}: {exc}"


async def run_stack(args: argparse.Namespace) -> int:
    state_dir = Path(args.state_dir)
    api_key, api_keys = launcher_key(Settings().api_keys, os.environ.get("PHARMAGEN_API_KEY"))
    emulator = start_emulator(log_dir=state_dir / "logs")
    env = stack_env(emulator, api_keys, os.environ)
    os.environ.update(emulator.env())
    bootstrap(Settings())
    stack = Stack(env, plan_services(parse_scale(args.scale)))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    exit_code = 0
    try:
        for service in stack.services:
            await stack.start(service)
        supervisor = asyncio.create_task(stack.supervise())
        gateway_url = f"http://{env.get('PHARMAGEN_HOST', '127.0.0.1')}:{env.get('PHARMAGEN_PORT', '8080')}"
        (state_dir / "stack.env").write_text(
            "".join(f"{k}={v}\n" for k, v in {**emulator.env(), "PHARMAGEN_URL": gateway_url}.items())
            + f"PHARMAGEN_API_KEY={api_key}\n"
        )
        print(f"\nPharmaGen is up: web page {gateway_url}/  API key {api_key}  (Ctrl-C stops)\n", flush=True)
        if args.demo:
            demo = asyncio.create_task(run_demo(gateway_url, api_key, Path(args.out)))
            await asyncio.wait({demo, asyncio.create_task(stop.wait())}, return_when=asyncio.FIRST_COMPLETED)
            if not demo.done():
                demo.cancel()
            elif failure := demo_failure(demo):
                print(f"\ndemo: FAILED — {failure}\nStopping: `make run` exits with an error.\n", flush=True)
                exit_code = 1
                stop.set()
            elif args.exit_after_demo:
                stop.set()
        await stop.wait()
        supervisor.cancel()
    finally:
        print("\nStopping the stack…", flush=True)
        await stack.stop()
        emulator.stop()
    return exit_code


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.local.stack", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="run the whole local stack")
    up.add_argument("--scale", action="append", default=[], metavar="STAGE=N", help="replicas of a stage service")
    up.add_argument("--demo", action="store_true", help="submit the demo brief and save the ad under --out")
    up.add_argument("--exit-after-demo", action="store_true", help="stop the stack once the demo ad is saved")
    up.add_argument("--out", default="out", help="where the demo ad is written")
    up.add_argument("--state-dir", default=".stack", help="emulator logs and the stack's connection settings")
    args = parser.parse_args()
    raise SystemExit(asyncio.run(run_stack(args)))


if __name__ == "__main__":
    main()
