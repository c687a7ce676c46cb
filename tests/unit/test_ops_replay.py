"""Replay logic on fakes: send before delete, one job's letters only, which jobs are reset, what else restarts."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from shared.events import Event, make_event
from shared.job import Job, StageState
from shared.recovery import restart_events
from shared.request import AdRequest
from shared.topology import stage
from tests.fakes.memory_storage import MemoryStorage
from tools.ops.dlq import DeadLetter
from tools.ops.replay import Replayer


def _job(status: str = "failed", **stages: str) -> Job:
    states = {name: StageState(status="pending") for name in ("script", "narration", "clips", "music", "composer")}
    for name, value in stages.items():
        event = None
        if value == "succeeded" and name == "script":
            event = make_event(
                "script.completed",
                job_id="job-1",
                user_id="u-1",
                payload={"script_key": "k", "duration_s": 30, "scene_count": 4, "needs_narration": True},
            ).model_dump_json()
        if value == "succeeded" and name == "music":
            event = make_event(
                "music.completed", job_id="job-1", user_id="u-1", payload={"audio_key": "m", "duration_s": 30}
            ).model_dump_json()
        states[name] = StageState(status=value, event=event)
    return Job(
        job_id="job-1",
        user_id="u-1",
        status=status,
        request=AdRequest(brief="A calm morning spot for a replay test."),
        stages=states,
        created_at="2026-01-01T00:00:00Z",
        updated_at="2026-01-01T00:00:00Z",
    )


def _letter(message_id: str, job_id: str | None) -> DeadLetter:
    body = make_event("job.submitted", job_id=job_id, user_id="u-1").model_dump_json() if job_id else "{poison"
    return DeadLetter(message_id, f"r-{message_id}", body, receive_count=5, sent_at_ms=0, attributes={})


@dataclass
class FakeDeadLetterQueue:
    letters: list[DeadLetter]
    stage_name: str = "script"
    calls: list[tuple[str, str]] = field(default_factory=list)
    released: list[str] = field(default_factory=list)

    @property
    def stage(self):
        return stage(self.stage_name)

    async def take(self, *, hold_s: int) -> list[DeadLetter]:
        batch, self.letters = self.letters[:10], self.letters[10:]
        return batch

    async def send_back(self, letter: DeadLetter) -> None:
        self.calls.append(("send", letter.message_id))

    async def delete(self, letter: DeadLetter) -> None:
        self.calls.append(("delete", letter.message_id))

    async def release(self, letters: list[DeadLetter]) -> None:
        self.released += [letter.message_id for letter in letters]


@dataclass
class FakeLedger:
    job: Job
    resets: int = 0

    async def get_job(self, job_id: str) -> Job | None:
        return self.job if job_id == self.job.job_id else None

    async def reset_for_retry(self, job: Job, *, max_active: int | None = None) -> bool:
        if self.job.status != "failed":
            return False
        self.resets += 1
        stages = {n: StageState(status="pending") if s.status == "failed" else s for n, s in self.job.stages.items()}
        self.job = self.job.model_copy(update={"status": "running", "stages": stages, "generation": 1})
        return True


@dataclass
class FakeBus:
    published: list[Event] = field(default_factory=list)

    async def publish(self, event: Event) -> str:
        self.published.append(event)
        return event.event_id


def _replayer(dlq: FakeDeadLetterQueue, ledger: FakeLedger, bus: FakeBus | None = None) -> Replayer:
    return Replayer(dlq, ledger, bus or FakeBus(), MemoryStorage())  # type: ignore[arg-type]


async def test_each_letter_is_sent_back_before_it_is_deleted():
    dlq = FakeDeadLetterQueue([_letter("a", "job-1"), _letter("b", None)])

    report = await _replayer(dlq, FakeLedger(_job(script="failed"))).replay(job_id=None, use_move_api=False)

    assert dlq.calls == [("send", "a"), ("delete", "a"), ("send", "b"), ("delete", "b")]
    assert (report.method, report.moved) == ("receive-send-delete", 2)


async def test_replaying_one_job_releases_the_other_letters_untouched():
    dlq = FakeDeadLetterQueue([_letter("a", "job-2"), _letter("b", "job-1"), _letter("c", None)])

    report = await _replayer(dlq, FakeLedger(_job(script="failed"))).replay(job_id="job-1")

    assert dlq.calls == [("send", "b"), ("delete", "b")]
    assert sorted(dlq.released) == ["a", "c"]
    assert report.moved == 1


async def test_a_failed_job_is_reset_once_however_many_of_its_letters_are_replayed():
    ledger = FakeLedger(_job(script="failed"))
    dlq = FakeDeadLetterQueue([_letter("a", "job-1"), _letter("b", "job-1")])

    report = await _replayer(dlq, ledger).replay(job_id="job-1")

    assert (ledger.resets, report.jobs_reset) == (1, ["job-1"])


async def test_a_job_that_has_not_failed_is_not_reset():
    ledger = FakeLedger(_job(status="completed"))

    report = await _replayer(FakeDeadLetterQueue([_letter("a", "job-1")]), ledger).replay(job_id="job-1")

    assert (ledger.resets, report.jobs_reset, report.moved) == (0, [], 1)


async def test_a_notifier_dead_letter_never_revives_the_failed_job_it_reports():
    ledger = FakeLedger(_job(script="failed"))
    dlq = FakeDeadLetterQueue([_letter("a", "job-1")], stage_name="notifier")

    await _replayer(dlq, ledger).replay(job_id="job-1")

    assert ledger.resets == 0


def test_the_other_unfinished_stages_get_their_restart_events_and_the_replayed_one_does_not():
    job = _job(status="running", script="succeeded", clips="pending", narration="pending", music="succeeded")

    events = restart_events(job, except_stage="clips")

    assert sorted(e.event_type for e in events) == ["music.completed", "script.completed"]


def test_nothing_else_restarts_when_only_the_replayed_stage_is_unfinished_upstream_of_the_composer():
    job = _job(status="running", script="failed")

    events = restart_events(job, except_stage="script")

    assert events == []


@pytest.mark.parametrize("use_move_api", [True, False])
async def test_selecting_a_job_never_uses_the_move_api_which_moves_everything(use_move_api: bool):
    dlq = FakeDeadLetterQueue([_letter("a", "job-1")])

    report = await _replayer(dlq, FakeLedger(_job(script="failed"))).replay(job_id="job-1", use_move_api=use_move_api)

    assert report.method == "receive-send-delete"
