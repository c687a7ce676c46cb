"""Submit latency: POST /api/v1/generate over HTTP vs. the ledger write + publish it makes, side by side.

Starts its own emulator and gateway process. Prints p50/p99 at low load (one client) and p50/p99 +
throughput at 32 concurrent clients, beside the same Ledger.create_job + Bus.publish measured directly.
Run: .venv/bin/python -m bench.submit_bench [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from shared.config import Settings
from shared.connections import Connections, connect
from shared.events import make_event
from shared.request import AdRequest
from tests.harness.gateway import running_gateway
from tools.local.bootstrap import bootstrap
from tools.local.emulator import start_emulator

CLIENTS = 32
BODY = {"brief": "Thirty calm seconds for an allergy relief spray, morning light", "duration_s": 30}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


async def direct_submit(conn: Connections, user_id: str) -> float:
    started = time.perf_counter()
    job, _ = await conn.ledger.create_job(
        job_id=uuid.uuid4().hex, user_id=user_id, request=AdRequest.model_validate(BODY), correlation_id="bench"
    )
    await conn.bus.publish(make_event("job.submitted", job_id=job.job_id, user_id=user_id))
    return time.perf_counter() - started


async def http_submit(client: httpx.AsyncClient, key: str) -> float:
    started = time.perf_counter()
    response = await client.post("/api/v1/generate", json=BODY, headers={"Authorization": f"Bearer {key}"})
    elapsed = time.perf_counter() - started
    if response.status_code != 202:
        raise RuntimeError(f"submit answered {response.status_code}: {response.text[:200]}")
    return elapsed


async def concurrent(fn: object, per_client: int) -> tuple[list[float], float]:
    started = time.perf_counter()

    async def client_loop(i: int) -> list[float]:
        return [await fn(i) for _ in range(per_client)]  # type: ignore[operator]

    results = await asyncio.gather(*(client_loop(i) for i in range(CLIENTS)))
    return [x for r in results for x in r], time.perf_counter() - started


def line(name: str, values: list[float], wall_s: float | None = None) -> str:
    rate = f"  {len(values) / wall_s:6.1f} req/s" if wall_s else ""
    return f"{name:<34} p50 {pct(values, 0.5):6.1f} ms  p99 {pct(values, 0.99):6.1f} ms{rate}"


async def measure(settings: Settings, base_url: str, keys: dict[str, str], requests: int) -> None:
    per_client = max(1, requests // CLIENTS)
    async with connect(settings) as conn, httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        for _ in range(10):  # warm both paths
            await direct_submit(conn, "warm")
            await http_submit(client, keys["seq"])
        direct_seq = [await direct_submit(conn, "direct-seq") for _ in range(requests)]
        http_seq = [await http_submit(client, keys["seq"]) for _ in range(requests)]
        direct_par, direct_wall = await concurrent(lambda i: direct_submit(conn, f"direct-{i}"), per_client)
        http_par, http_wall = await concurrent(lambda i: http_submit(client, keys[f"c{i}"]), per_client)
    print(line("direct ledger+publish, 1 client", direct_seq))
    print(line("POST /generate, 1 client", http_seq))
    print(
        f"{'ratio (gateway / direct) p50, p99':<34} {pct(http_seq, 0.5) / pct(direct_seq, 0.5):.2f}x "
        f"{pct(http_seq, 0.99) / pct(direct_seq, 0.99):.2f}x"
    )
    print(line(f"direct ledger+publish, {CLIENTS} clients", direct_par, direct_wall))
    print(line(f"POST /generate, {CLIENTS} clients", http_par, http_wall))
    print(
        f"{'ratio (gateway / direct) p50, p99':<34} {pct(http_par, 0.5) / pct(direct_par, 0.5):.2f}x "
        f"{pct(http_par, 0.99) / pct(direct_par, 0.99):.2f}x"
    )
    print(f"statistics.mean http 1-client: {statistics.mean(http_seq) * 1000:.1f} ms (n={len(http_seq)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="submit-bench-"))
    emulator = start_emulator(log_dir=tmp)
    try:
        os.environ.update(emulator.env())
        settings = Settings(
            aws_endpoint_url=emulator.endpoint_url, aws_endpoint_url_dynamodb=emulator.dynamodb_endpoint_url
        )
        bootstrap(settings)
        users = ["seq", *[f"c{i}" for i in range(CLIENTS)]]
        cap = {"PHARMAGEN_MAX_ACTIVE_JOBS": str(args.requests + 20)}
        with running_gateway(users=users, log_path=tmp / "gateway.log", extra_env=cap) as gateway:
            asyncio.run(measure(settings, gateway.base_url, gateway.keys, args.requests))
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
