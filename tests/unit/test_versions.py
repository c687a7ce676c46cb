"""A job's versions as the ledger keeps them: the records listed, and the stages a new version starts from."""

from __future__ import annotations

from shared.job import Job, StageState
from shared.ledger.revisions import fresh_stages, next_versions
from shared.request import AdRequest
from shared.versions import Redo, VersionRecord


def _job(**stages: StageState) -> Job:
    return Job(
        job_id="j", user_id="u", status="completed", request=AdRequest(brief="A calm spring morning spot for Brewly"),
        stages=stages, created_at="2026-01-01T00:00:00Z", updated_at="t", cost_usd=1.5,
        outputs={"video_key": "users/u/jobs/j/final/ad.mp4"}, finished_at=100.0,
    )  # fmt: skip


def test_a_new_version_resets_every_stage_and_its_units_but_keeps_what_they_paid_for():
    clips = StageState(
        status="succeeded", attempts=2, cost_usd=0.9, checkpoints={"prediction-scene-0": "p0"},
        scenes={"0": StageState(status="succeeded", checkpoints={"clip-aa": "k0", "prediction-x:failures": "1"}),
                "1": StageState(status="succeeded", checkpoints={"clip-bb": "k1"})},
    )  # fmt: skip
    job = _job(clips=clips, music=StageState(status="succeeded", checkpoints={"music-cc": "{}"}))

    fresh = fresh_stages(job)

    assert fresh["clips"] == StageState(checkpoints={"clip-aa": "k0", "clip-bb": "k1"})
    assert fresh["clips"].scenes is None
    assert fresh["music"] == StageState(checkpoints={"music-cc": "{}"})


def test_the_ended_version_is_closed_with_its_outputs_and_cost_and_the_next_one_opened():
    job = _job()

    versions = next_versions(job, script_key="v2/script.json", redo=Redo(scenes=[1]), created_at="later")

    assert versions["1"] == VersionRecord(
        version=1, created_at="2026-01-01T00:00:00Z", status="completed", finished_at=100.0,
        outputs={"video_key": "users/u/jobs/j/final/ad.mp4"}, cost_usd=1.5,
    )  # fmt: skip
    assert (versions["2"].script_key, versions["2"].redo, versions["2"].status) == (
        "v2/script.json", Redo(scenes=[1]), None,
    )  # fmt: skip
    revised = job.model_copy(update={"version": 2, "versions": versions, "status": "running", "cost_usd": 0.2})
    assert [(r.version, r.status, r.cost_usd) for r in revised.version_records()] == [
        (1, "completed", 1.5), (2, "running", 0.2),
    ]  # fmt: skip
