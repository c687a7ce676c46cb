"""restart_events: what a retry (or a DLQ replay) publishes to restart a job's unfinished stages."""

from __future__ import annotations

from shared.events import dump_event, make_event
from shared.job import Job, StageState
from shared.recovery import restart_events
from shared.request import AdRequest


def _completed(stage: str, event_type: str, payload: dict[str, object]) -> StageState:
    event = make_event(event_type, job_id="j1", user_id="u1", payload=payload)
    return StageState(status="succeeded", event=dump_event(event))


SCRIPT = _completed(
    "script",
    "script.completed",
    {"script_key": "k", "duration_s": 30.0, "scene_count": 4, "needs_narration": True},
)
CLIPS = _completed("clips", "clips.completed", {"clip_keys": ["a"], "duration_s": 30.0})
MUSIC = _completed("music", "music.completed", {"audio_key": "m", "duration_s": 30.0})


def _job(generation: int = 1, **stages: StageState) -> Job:
    return Job(
        job_id="j1",
        user_id="u1",
        status="running",
        request=AdRequest(brief="A calm morning allergy spot"),
        stages={
            name: stages.get(name, StageState())
            for name in ("script", "keyframes", "narration", "clips", "music", "composer")
        },
        created_at="t",
        updated_at="t",
        generation=generation,
    )


def test_a_job_failed_in_script_restarts_with_a_fresh_job_submitted_of_the_new_generation() -> None:
    events = restart_events(_job(generation=2))
    assert [(e.event_type, e.event_id) for e in events] == [("job.submitted", "j1:job.submitted:2")]


def test_a_job_failed_in_narration_replays_the_stored_upstream_events_once_each() -> None:
    events = restart_events(_job(script=SCRIPT, clips=CLIPS, music=MUSIC))
    assert sorted(e.event_type for e in events) == ["clips.completed", "music.completed", "script.completed"]


def test_restart_replays_the_stored_event_verbatim() -> None:
    events = restart_events(_job(script=SCRIPT, clips=CLIPS, music=MUSIC))
    script_event = next(e for e in events if e.event_type == "script.completed")
    assert dump_event(script_event) == SCRIPT.event


def test_a_job_with_every_stage_done_restarts_nothing() -> None:
    done = StageState(status="succeeded")
    assert (
        restart_events(_job(script=SCRIPT, keyframes=done, narration=done, clips=CLIPS, music=MUSIC, composer=done))
        == []
    )
