"""Why the ledger refused a claim, read from the job as it is now."""

from __future__ import annotations

from shared.job import Job, StageState
from shared.ledger.claims import refusal
from shared.request import AdRequest

NOW = 1_000.0
REQUIRES = ("narration", "clips", "music")


def _job(status: str = "running", **stages: StageState) -> Job:
    names = ("script", "narration", "clips", "music", "composer")
    return Job(
        job_id="j",
        user_id="u",
        status=status,  # type: ignore[arg-type]
        request=AdRequest(brief="A calm morning spot for an allergy relief spray"),
        stages={name: stages.get(name, StageState(status="succeeded")) for name in names},
        created_at="t",
        updated_at="t",
    )


def test_a_missing_job() -> None:
    assert refusal(None, "composer", REQUIRES, NOW).kind == "missing"


def test_a_finished_stage_is_done_even_when_the_job_ended() -> None:
    assert refusal(_job("completed"), "composer", REQUIRES, NOW).kind == "done"
    assert refusal(_job(composer=StageState(status="skipped")), "composer", REQUIRES, NOW).kind == "done"


def test_an_ended_job() -> None:
    assert refusal(_job("cancelled", composer=StageState()), "composer", REQUIRES, NOW).kind == "ended"


def test_a_failed_stage() -> None:
    assert refusal(_job(composer=StageState(status="failed")), "composer", REQUIRES, NOW).kind == "failed"


def test_a_live_lease_is_busy() -> None:
    held = StageState(status="running", lease_expires_at=NOW + 1)
    assert refusal(_job(composer=held), "composer", REQUIRES, NOW).kind == "busy"


def test_a_required_stage_not_done_is_not_ready() -> None:
    job = _job(composer=StageState(), clips=StageState(status="running", lease_expires_at=NOW + 60))
    assert refusal(job, "composer", REQUIRES, NOW).kind == "not_ready"
    assert refusal(job, "composer", (), NOW).kind == "busy"  # with nothing required, a lost race


def test_a_lost_race_is_busy() -> None:
    assert refusal(_job(composer=StageState()), "composer", REQUIRES, NOW).kind == "busy"


def test_a_delivery_of_an_older_version_is_stale_whatever_the_stage_state() -> None:
    revised = _job("running", composer=StageState()).model_copy(update={"version": 2})
    finished = _job("completed").model_copy(update={"version": 3})

    assert refusal(revised, "composer", REQUIRES, NOW, version=1).kind == "stale"
    assert refusal(finished, "composer", REQUIRES, NOW, version=2).kind == "stale"
    assert refusal(revised, "composer", REQUIRES, NOW, version=2).kind != "stale"
