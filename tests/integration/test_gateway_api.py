"""The gateway over real HTTP: a `python -m services.gateway` process against the emulator."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable, Iterator

import httpx
import pytest

from services.composer.compliance.report import Finding, build_report
from shared.aws import sync_client
from shared.config import Settings
from shared.connections import Connections, connect
from shared.events import dump_event, make_event
from shared.ledger.usage import add_usage
from shared.payloads import JobCompletedPayload, ScriptCompletedPayload
from shared.request import AdRequest
from shared.script import Script
from shared.scripting.planner import plan
from shared.topology import USAGE_TABLE
from tests.harness.gateway import RunningGateway, running_gateway
from tools.local.bootstrap import Created

pytestmark = pytest.mark.integration

USERS = [f"user{i}" for i in range(120)]
STRANGER = "stranger"
CAP = 3
BRIEF = {"brief": "Thirty seconds for a calm morning allergy relief spot", "duration_s": 12}
_next_user = itertools.count()


@pytest.fixture(scope="module")
def gateway(aws: Created, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    log_path = tmp_path_factory.mktemp("gateway") / "gateway.log"
    with running_gateway(
        users=[*USERS, STRANGER], log_path=log_path, extra_env={"PHARMAGEN_MAX_ACTIVE_JOBS": str(CAP)}
    ) as gw:
        yield gw


@pytest.fixture
def user() -> str:
    """A user no other test in this module has touched (each test starts below the active-job cap)."""
    return USERS[next(_next_user)]


@pytest.fixture
def api(gateway: RunningGateway, user: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{gateway.base_url}/api/v1", headers=gateway.headers(user), timeout=10) as client:
        yield client


def submit(api: httpx.Client, body: dict[str, object] | None = None, *, key: str | None = None) -> httpx.Response:
    return api.post("/generate", json=body or BRIEF, headers={"Idempotency-Key": key} if key else {})


def on_ledger(settings: Settings, action: Callable[[Connections], Awaitable[object]]) -> None:
    """Drives the ledger directly, as a worker would, with the test's own connections."""

    async def run() -> None:
        async with connect(settings) as conn:
            await action(conn)

    asyncio.run(run())


def field_names(response: httpx.Response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def test_health_answers_without_credentials(gateway: RunningGateway) -> None:
    response = httpx.get(f"{gateway.base_url}/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_ready_checks_ledger_bus_and_storage(gateway: RunningGateway) -> None:
    response = httpx.get(f"{gateway.base_url}/ready")
    assert response.status_code == 200
    assert response.json()["checks"] == {"ledger": "ok", "bus": "ok", "storage": "ok"}


def test_openapi_schema_and_docs_are_served(gateway: RunningGateway) -> None:
    schema = httpx.get(f"{gateway.base_url}/schema/openapi.json").json()
    assert "/api/v1/generate" in schema["paths"]
    assert httpx.get(f"{gateway.base_url}/schema/swagger").status_code == 200


def test_submit_answers_202_with_job_id_and_location(api: httpx.Client) -> None:
    response = submit(api)
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert response.headers["location"] == f"/api/v1/jobs/{body['job_id']}"
    assert api.get(response.headers["location"].removeprefix("/api/v1")).json()["status"] == "queued"


def test_submitted_job_reaches_the_script_queue(api: httpx.Client, aws: Created, settings: Settings) -> None:
    job_id = submit(api).json()["job_id"]
    assert f"{job_id}:job.submitted:0" in _event_ids_on_script_queue(aws, settings, job_id)


def _event_ids_on_script_queue(aws: Created, settings: Settings, job_id: str, timeout_s: float = 5.0) -> set[str]:
    """Peeks (visibility 0, nothing deleted) until an event for the job shows up."""
    sqs = sync_client(settings, "sqs")
    deadline = time.monotonic() + timeout_s
    found: set[str] = set()
    while time.monotonic() < deadline and not found:
        messages = sqs.receive_message(
            QueueUrl=aws.queue_urls["script"], MaxNumberOfMessages=10, VisibilityTimeout=0, WaitTimeSeconds=1
        ).get("Messages", [])
        found = {json.loads(m["Body"])["event_id"] for m in messages if json.loads(m["Body"])["job_id"] == job_id}
    return found


def test_missing_key_is_401(gateway: RunningGateway) -> None:
    response = httpx.post(f"{gateway.base_url}/api/v1/generate", json=BRIEF)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_wrong_key_is_401(gateway: RunningGateway) -> None:
    response = httpx.get(f"{gateway.base_url}/api/v1/jobs", headers={"Authorization": "Bearer not-a-key"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("POST", "/cancel"), ("POST", "/retry"), ("GET", "/events"), ("GET", "/compliance")],
)
def test_another_users_job_is_404(gateway: RunningGateway, api: httpx.Client, method: str, suffix: str) -> None:
    job_id = submit(api).json()["job_id"]
    stranger = gateway.headers(STRANGER)
    response = httpx.request(method, f"{gateway.base_url}/api/v1/jobs/{job_id}{suffix}", headers=stranger)
    assert response.status_code == 404
    assert response.json()["detail"] == "no such job"


def test_unknown_job_is_404(api: httpx.Client) -> None:
    assert api.get("/jobs/does-not-exist").status_code == 404


def test_same_idempotency_key_and_body_returns_the_same_job(api: httpx.Client) -> None:
    first = submit(api, key="order-1")
    again = submit(api, key="order-1")
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json()["job_id"] == first.json()["job_id"]
    assert len(api.get("/jobs").json()["jobs"]) == 1


def test_same_idempotency_key_with_another_body_is_409(api: httpx.Client) -> None:
    submit(api, key="order-2")
    response = submit(api, {**BRIEF, "duration_s": 20}, key="order-2")
    assert response.status_code == 409


def test_pagination_walks_every_job_newest_first(api: httpx.Client) -> None:
    created = []
    for _ in range(5):
        job_id = submit(api).json()["job_id"]
        api.post(f"/jobs/{job_id}/cancel")  # stay below the active-job cap
        created.append(job_id)
    first = api.get("/jobs", params={"limit": 3}).json()
    second = api.get("/jobs", params={"limit": 3, "cursor": first["next_cursor"]}).json()
    listed = [job["job_id"] for job in first["jobs"] + second["jobs"]]
    assert listed == created[::-1]


def test_a_forged_cursor_is_400(api: httpx.Client) -> None:
    assert api.get("/jobs", params={"cursor": "not-base64-json"}).status_code == 400


def test_cancel_ends_the_job_and_a_second_cancel_is_409(api: httpx.Client) -> None:
    job_id = submit(api).json()["job_id"]
    cancelled = api.post(f"/jobs/{job_id}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert api.post(f"/jobs/{job_id}/cancel").status_code == 409


def test_retry_of_a_job_that_has_not_failed_is_409(api: httpx.Client) -> None:
    job_id = submit(api).json()["job_id"]
    assert api.post(f"/jobs/{job_id}/retry").status_code == 409


def test_retry_of_a_failed_job_restarts_its_failed_stage(api: httpx.Client, aws: Created, settings: Settings) -> None:
    job_id = submit(api).json()["job_id"]

    async def fail_in_script(conn: Connections) -> None:
        claim = await conn.ledger.claim_stage(job_id, "script", owner="test", lease_s=60)
        assert claim.job is not None
        await conn.ledger.fail_job(claim.job, stage_name="script", reason="the brief could not be planned")

    on_ledger(settings, fail_in_script)
    failed = api.get(f"/jobs/{job_id}").json()
    assert failed["error"] == {"stage": "script", "reason": "the brief could not be planned"}
    retried = api.post(f"/jobs/{job_id}/retry")
    assert retried.status_code == 202
    assert (retried.json()["status"], retried.json()["stages"]["script"]["status"]) == ("running", "pending")
    assert f"{job_id}:job.submitted:1" in _event_ids_on_script_queue(aws, settings, job_id)


TECHNICAL = "ffmpeg exited 1: /tmp/pharmagen/j/clip0.mp4: Invalid data | RuntimeError: Conversion failed"


def test_a_technical_failure_reason_reaches_the_user_as_plain_words(
    gateway: RunningGateway, api: httpx.Client, settings: Settings
) -> None:
    job_id = submit(api).json()["job_id"]

    async def fail(conn: Connections) -> None:
        claim = await conn.ledger.claim_stage(job_id, "script", owner="test", lease_s=60)
        assert claim.job is not None
        await conn.ledger.release_stage(job_id, "script", owner="test", error=TECHNICAL)
        await conn.ledger.fail_job(claim.job, stage_name="script", reason=TECHNICAL)

    on_ledger(settings, fail)
    grant = api.post(f"/jobs/{job_id}/stream-token")
    url = f"{gateway.base_url}/api/v1/jobs/{job_id}/events"
    streamed = httpx.get(url, params={"token": grant.json()["token"]}, timeout=10).text  # ends: the job has ended
    assert "event: end" in streamed
    shown = json.dumps(api.get(f"/jobs/{job_id}").json()) + streamed
    for leak in ("/tmp/", "exited 1", "RuntimeError", "Conversion failed"):
        assert leak not in shown
    assert api.get(f"/jobs/{job_id}").json()["error"] == {
        "stage": "script",
        "reason": "the job failed in the script stage; retry it, or quote the job id to support",
    }


def test_retry_at_the_active_job_cap_is_429_and_takes_no_place(api: httpx.Client, settings: Settings) -> None:
    failed_id = submit(api).json()["job_id"]

    async def fail(conn: Connections) -> None:
        claim = await conn.ledger.claim_stage(failed_id, "script", owner="test", lease_s=60)
        assert claim.job is not None
        await conn.ledger.fail_job(claim.job, stage_name="script", reason="the brief could not be planned")

    on_ledger(settings, fail)
    others = [submit(api).json()["job_id"] for _ in range(CAP)]  # the failed job gave its place back
    refused = api.post(f"/jobs/{failed_id}/retry")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert api.get(f"/jobs/{failed_id}").json()["status"] == "failed"
    assert api.post(f"/jobs/{others[0]}/cancel").status_code == 200
    assert api.post(f"/jobs/{failed_id}/retry").status_code == 202  # a place is free again: the retry takes it
    assert submit(api).status_code == 429


def test_a_completed_job_links_its_outputs_by_presigned_url(api: httpx.Client, settings: Settings) -> None:
    job_id = submit(api).json()["job_id"]
    key = f"users/x/jobs/{job_id}/final/ad.mp4"

    async def complete(conn: Connections) -> None:
        for stage_name in ("script", "keyframes", "narration", "clips", "music"):
            await conn.ledger.claim_stage(job_id, stage_name, owner="test", lease_s=60)
            await conn.ledger.complete_stage(job_id, stage_name, owner="test", event_json="", cost_usd=0.01)
        claim = await conn.ledger.claim_stage(job_id, "composer", owner="test", lease_s=60, job_status="composing")
        assert claim.job is not None
        await conn.storage.upload_bytes(b"not really an mp4", key)
        await conn.ledger.complete_job(
            claim.job, "composer", owner="test", job_status="composing", event_json="", stage_cost_usd=0.0,
            outputs={"video_key": key}, video_duration_s=12.0,
        )  # fmt: skip

    on_ledger(settings, complete)
    job = api.get(f"/jobs/{job_id}").json()
    assert (job["status"], job["progress"]) == ("completed", 100)
    assert all(stage["elapsed_s"] is not None for stage in job["stages"].values())
    assert httpx.get(job["outputs"]["video_url"]).content == b"not really an mp4"
    download = httpx.get(job["outputs"]["video_download_url"])
    assert "attachment" in download.headers["content-disposition"]


def test_a_completed_job_shows_its_compliance_verdict_and_serves_the_full_report(
    api: httpx.Client, user: str, settings: Settings
) -> None:
    job_id = submit(api).json()["job_id"]
    assert api.get(f"/jobs/{job_id}/compliance").status_code == 404  # no report before the composer
    report_key = f"users/{user}/jobs/{job_id}/final/compliance.json"
    report = build_report("general", [Finding("TD-LOUDNESS", False, "-30.0 LUFS integrated, target -24.0", -30.0)],
                          mode="report", checker_s=1.5)  # fmt: skip

    async def complete(conn: Connections) -> None:
        for stage_name in ("script", "narration", "clips", "music"):
            await conn.ledger.claim_stage(job_id, stage_name, owner="test", lease_s=60)
            await conn.ledger.complete_stage(job_id, stage_name, owner="test", event_json="", cost_usd=0.0)
        claim = await conn.ledger.claim_stage(job_id, "composer", owner="test", lease_s=60, job_status="composing")
        assert claim.job is not None
        await conn.storage.upload_bytes(report.model_dump_json().encode(), report_key)
        payload = JobCompletedPayload(video_key=f"users/{user}/jobs/{job_id}/final/ad.mp4", duration_s=12.0,
                                      compliance_key=report_key, compliance=report.summary(report_key))  # fmt: skip
        event = make_event("job.completed", job_id=job_id, user_id=user, payload=payload)
        await conn.ledger.complete_job(
            claim.job, "composer", owner="test", job_status="composing", event_json=dump_event(event),
            stage_cost_usd=0.0, outputs={"video_key": payload.video_key}, video_duration_s=12.0,
        )  # fmt: skip

    on_ledger(settings, complete)
    job = api.get(f"/jobs/{job_id}").json()
    assert job["compliance"]["passed"] is False
    assert job["compliance"]["failing"] == ["TD-LOUDNESS", "TD-TRUEPEAK", "TD-CAPTIONS", "TD-SAFE-AREA"]
    served = api.get(job["links"]["compliance"].removeprefix("/api/v1"))
    assert served.status_code == 200
    assert served.json()["rules"][0] == {**report.rules[0].model_dump(), "value": -30.0}


def test_the_active_job_cap_answers_429_with_retry_after(api: httpx.Client) -> None:
    for _ in range(CAP):
        assert submit(api).status_code == 202
    refused = submit(api)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"brief": "short"}, "brief"),
        ({**BRIEF, "duration_s": 61}, "duration_s"),
        ({**BRIEF, "duration_s": 7}, "duration_s"),
        ({**BRIEF, "ad_type": "pharmaceutical"}, "side_effects"),
        ({**BRIEF, "ad_type": "pharmaceutical"}, "prescribing_info_url"),
        ({**BRIEF, "ad_type": "pharmaceutical"}, "phone"),
        ({**BRIEF, "brief": "          short     "}, "brief"),
        ({**BRIEF, "brief": "A calm spot\x00 for allergy relief"}, "brief"),
        ({**BRIEF, "brand": "Clari\ntex"}, "brand"),
        ({**BRIEF, "music_mood": "calm\x1b[31m"}, "music_mood"),
        ({**BRIEF, "voice": "alloy\x85"}, "voice"),
        ({**BRIEF, "webhook_url": "https://example.com/\x07hook"}, "webhook_url"),
        ({**BRIEF, "compliance": "lenient"}, "compliance"),
        ({**BRIEF, "safety_pace": "rushed"}, "safety_pace"),
        ({**BRIEF, "style_reference_urls": ["http://example.com/a.png"]}, "style_reference_urls"),
        ({**BRIEF, "style_reference_urls": [f"https://example.com/{i}.png" for i in range(4)]}, "style_reference_urls"),
        ({**BRIEF, "aspect_ratio": "4:3"}, "aspect_ratio"),
        ({**BRIEF, "loudness_lufs": 0}, "loudness_lufs"),
        ({**BRIEF, "webhook_url": "not a url"}, "webhook_url"),
        ({**BRIEF, "colour": "red"}, "colour"),
        ({"duration_s": 30}, "brief"),
    ],
)
def test_invalid_fields_are_422_naming_the_field(api: httpx.Client, body: dict[str, object], field: str) -> None:
    response = submit(api, body)
    assert response.status_code == 422
    assert field in field_names(response)


PHARMA = {
    **BRIEF,
    "ad_type": "pharmaceutical",
    "side_effects": "Claritex may cause drowsiness and dry mouth. Do not take it with alcohol.",
    "prescribing_info_url": "https://claritex.example/pi",
    "phone": "1-800-555-0199",
    "duration_s": 40,
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"side_effects": "Claritex may cause drowsiness.\x07 Ask your doctor."}, "side_effects"),
        ({"phone": "1-800-555-0199\n"}, "phone"),
        ({"phone": "call us"}, "phone"),
        ({"print_reference": "Health\tMonthly"}, "print_reference"),
        ({"prescribing_info_url": "not a url"}, "prescribing_info_url"),
        ({"narration": False}, "narration"),
    ],
)
def test_invalid_pharmaceutical_fields_are_422_naming_the_field(
    api: httpx.Client, change: dict[str, object], field: str
) -> None:
    response = submit(api, {**PHARMA, **change})
    assert response.status_code == 422
    assert field_names(response) == {field}


def test_multi_line_text_may_hold_newlines_and_tabs(api: httpx.Client) -> None:
    body = {
        **PHARMA,
        "brief": "A calm spot for Claritex.\n\tSpring morning.",
        "side_effects": "Claritex may cause\ndrowsiness.",
    }
    assert submit(api, body).status_code == 202


def test_a_duration_too_short_for_the_statement_is_422_with_the_shortest_that_holds_it(api: httpx.Client) -> None:
    response = submit(api, {**PHARMA, "duration_s": 20})

    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "duration_s"
    needed = int(error["message"].split("needs at least ")[1].split(" s")[0])
    assert "this 13-word statement needs at least" in error["message"]
    assert submit(api, {**PHARMA, "duration_s": needed - 1}).status_code == 422
    assert submit(api, {**PHARMA, "duration_s": needed}).status_code == 202


def test_a_statement_no_ad_can_hold_says_it_must_be_shorter(api: httpx.Client) -> None:
    response = submit(api, {**PHARMA, "side_effects": "May cause drowsiness, nausea and headache. " * 25})

    assert response.status_code == 422
    assert "must be shorter" in response.json()["errors"][0]["message"]


def test_malformed_json_is_400(api: httpx.Client) -> None:
    response = api.post("/generate", content=b'{"brief": ', headers={"content-type": "application/json"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 50_000,
        b"[" * 20_000 + b"]" * 20_000,
        b'{"brief": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
        b'{"brief": "' + b"\\" * 3 + b'"}',
        b'{"brief": "a\xff\xfe"}',
        b"\x00" * 100,
        b"",
    ],
    ids=["50k-open", "20k-closed", "deep-field", "bad-escape", "not-utf8", "nul-bytes", "empty"],
)
def test_malformed_or_over_deep_json_is_400_with_a_message(api: httpx.Client, body: bytes) -> None:
    response = api.post("/generate", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_body_that_is_not_an_object_is_4xx(api: httpx.Client) -> None:
    assert 400 <= api.post("/generate", json=["a", "b"]).status_code < 500


def test_wrong_content_type_is_415(api: httpx.Client) -> None:
    response = api.post("/generate", content=json.dumps(BRIEF).encode(), headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_an_oversized_body_is_413(api: httpx.Client) -> None:
    response = api.post("/generate", json={**BRIEF, "brief": "x" * 70_000})
    assert response.status_code == 413


async def test_progress_stream_reports_changes_until_the_job_ends(
    gateway: RunningGateway, api: httpx.Client, user: str
) -> None:
    job_id = submit(api).json()["job_id"]
    url = f"{gateway.base_url}/api/v1/jobs/{job_id}/events"
    events: list[tuple[str, dict[str, object]]] = []
    grant = await asyncio.to_thread(api.post, f"/jobs/{job_id}/stream-token")
    params = {"token": grant.json()["token"]}
    async with httpx.AsyncClient(timeout=10) as client, client.stream("GET", url, params=params) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        kind = ""
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.append((kind, json.loads(line.split(":", 1)[1])))
                if len(events) == 1:
                    await asyncio.to_thread(api.post, f"/jobs/{job_id}/cancel")
    assert [(kind, data["status"]) for kind, data in events] == [
        ("status", "queued"),
        ("status", "cancelled"),
        ("end", "cancelled"),
    ]


def test_progress_stream_without_a_token_is_401(gateway: RunningGateway, api: httpx.Client) -> None:
    job_id = submit(api).json()["job_id"]
    assert httpx.get(f"{gateway.base_url}/api/v1/jobs/{job_id}/events").status_code == 401


def test_usage_lists_the_callers_periods(api: httpx.Client, user: str, settings: Settings) -> None:
    usage = add_usage(settings.name(USAGE_TABLE), user, jobs=2, video_s=60.0, cost_usd=1.5, period="2026-01")
    on_ledger(settings, lambda conn: conn.clients.dynamodb.update_item(**usage))
    body = api.get("/usage").json()
    assert body["user_id"] == user
    assert body["periods"] == [
        {"period": "2026-01", "jobs": 2, "video_seconds": 60.0, "cost_usd": 1.5, "quotes": 0, "quote_cost_usd": 0.0}
    ]


def test_the_web_page_is_served_at_the_root(gateway: RunningGateway) -> None:
    response = httpx.get(f"{gateway.base_url}/")
    assert response.status_code == 200
    assert "PharmaGen" in response.text


def _completed_with_script(settings: Settings, job_id: str, user: str) -> Script:
    """Drives a submitted job to completed through the ledger, its script (the planner's) stored as the stage would."""
    script = plan(AdRequest.model_validate(BRIEF))
    script_key = f"users/{user}/jobs/{job_id}/script/script.json"

    async def complete(conn: Connections) -> None:
        await conn.storage.upload_bytes(script.model_dump_json().encode(), script_key)
        written = ScriptCompletedPayload(script_key=script_key, duration_s=script.duration_s,
                                         scene_count=len(script.scenes), needs_narration=True)  # fmt: skip
        await conn.ledger.claim_stage(job_id, "script", owner="test", lease_s=60)
        event = dump_event(make_event("script.completed", job_id=job_id, user_id=user, payload=written))
        await conn.ledger.complete_stage(job_id, "script", owner="test", event_json=event, cost_usd=0.0)
        for stage_name in ("narration", "clips", "music"):
            await conn.ledger.claim_stage(job_id, stage_name, owner="test", lease_s=60)
            await conn.ledger.complete_stage(job_id, stage_name, owner="test", event_json="", cost_usd=0.25)
        claim = await conn.ledger.claim_stage(job_id, "composer", owner="test", lease_s=60, job_status="composing")
        assert claim.job is not None
        await conn.ledger.complete_job(
            claim.job, "composer", owner="test", job_status="composing", event_json="", stage_cost_usd=0.0,
            outputs={"video_key": f"users/{user}/jobs/{job_id}/final/ad.mp4"}, video_duration_s=12.0,
        )  # fmt: skip

    on_ledger(settings, complete)
    return script


def test_a_revision_is_refused_until_the_job_has_finished_and_for_anyone_else(
    api: httpx.Client, gateway: RunningGateway, settings: Settings
) -> None:
    job_id = submit(api).json()["job_id"]
    body = {"scenes": [{"index": 0, "on_screen_text": "Breathe easy"}]}

    running = api.post(f"/jobs/{job_id}/revisions", json=body)
    with httpx.Client(base_url=f"{gateway.base_url}/api/v1", headers=gateway.headers(STRANGER)) as stranger:
        foreign = stranger.post(f"/jobs/{job_id}/revisions", json=body)

    assert running.status_code == 409
    assert foreign.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scenes": [{"index": 40, "on_screen_text": "nowhere"}]}, "scenes[0].index"),
        ({"scenes": [{"index": 0, "duration_s": 1.0}]}, "scenes[0].duration_s"),
        ({"scenes": [{"index": 0, "visual_prompt": "   \t  "}]}, "scenes[0].visual_prompt"),
        ({}, "scenes"),
    ],
)
def test_an_invalid_diff_is_a_422_naming_the_field_and_makes_no_version(
    api: httpx.Client, user: str, settings: Settings, body: dict[str, object], field: str
) -> None:
    job_id = submit(api).json()["job_id"]
    _completed_with_script(settings, job_id, user)

    refused = api.post(f"/jobs/{job_id}/revisions", json=body)

    assert refused.status_code == 422, refused.text
    assert field in field_names(refused)
    assert api.get(f"/jobs/{job_id}").json()["version"] == 1


def test_a_revision_starts_the_next_version_once_per_key_and_keeps_the_first_versions_outputs(
    api: httpx.Client, user: str, settings: Settings
) -> None:
    job_id = submit(api).json()["job_id"]
    script = _completed_with_script(settings, job_id, user)
    body = {"scenes": [{"index": 1, "visual_prompt": "A sunlit garden at dawn, a cup of tea"}], "music_mood": "calm"}

    first = api.post(f"/jobs/{job_id}/revisions", json=body, headers={"Idempotency-Key": "rev-1"})
    again = api.post(f"/jobs/{job_id}/revisions", json=body, headers={"Idempotency-Key": "rev-1"})
    other = api.post(f"/jobs/{job_id}/revisions", json={**body, "music_mood": "bright"},
                     headers={"Idempotency-Key": "rev-1"})  # fmt: skip

    assert (first.status_code, again.status_code, other.status_code) == (202, 202, 409)
    assert first.json() == again.json()
    redo = first.json()["redo"]
    # Keyframes mode (the default): scene 1's new prompt re-makes keyframe 1, which scene 0 ends on.
    assert redo["scenes"] == [0, 1]
    assert redo["reasons"] == {"0": ["ends on keyframe 1"], "1": ["visual_prompt"]}
    assert redo["music"] is (script.music_mood != "calm")
    job = api.get(f"/jobs/{job_id}").json()
    assert (job["version"], job["status"], job["cost_usd"]) == (2, "queued", 0.0)
    v1, v2 = job["versions"]
    assert (v1["version"], v1["status"], v1["cost_usd"]) == (1, "completed", 0.75)
    assert v1["outputs"]["video_url"]
    assert (v2["version"], v2["status"], v2["redo"]["scenes"]) == (2, "queued", redo["scenes"])
    assert v2["estimate"] == first.json()["estimate"]
