"""The event contract: round trips on the wire, recognisable duplicates, and poison detection."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.events import EVENT_CLASSES, JobFailed, PoisonMessage, dump_event, event_id_for, make_event, parse_event
from shared.payloads import ScriptCompletedPayload
from shared.topology import all_event_types

PAYLOADS: dict[str, dict[str, Any]] = {
    "script.completed": {"script_key": "k", "duration_s": 30, "scene_count": 4, "needs_narration": True},
    "keyframes.completed": {"hero_key": "h", "keyframe_keys": ["k0", "k1", "k2"], "continuity": "keyframes"},
    "narration.completed": {"audio_key": "a", "timings_key": "t", "duration_s": 29.5},
    "narration.skipped": {"reason": "the script has no narration"},
    "clips.completed": {"clip_keys": ["c0", "c1"], "duration_s": 30},
    "music.completed": {"audio_key": "m", "duration_s": 30},
    "scene.requested": {"index": 2},
    "scene.completed": {"index": 2, "clip_key": "c2", "thumbnail_key": "t2", "duration_s": 7.5},
    "job.completed": {"video_key": "v", "duration_s": 30},
    "job.failed": {"stage": "clips", "reason": "the model refused the prompt"},
}


@pytest.mark.parametrize("event_type", sorted(EVENT_CLASSES))
def test_every_event_type_survives_a_round_trip_through_json(event_type: str):
    event = make_event(event_type, job_id="j1", user_id="u1", payload=PAYLOADS.get(event_type))

    assert parse_event(dump_event(event)) == event


def test_the_same_outcome_of_the_same_job_gets_the_same_event_id():
    payload = ScriptCompletedPayload(script_key="k", duration_s=30, scene_count=4, needs_narration=True)

    first = make_event("script.completed", job_id="j1", user_id="u1", payload=payload)
    again = make_event("script.completed", job_id="j1", user_id="u1", payload=payload)

    assert first.event_id == again.event_id == event_id_for("j1", "script.completed")


def test_a_retried_generation_gets_a_new_event_id():
    assert event_id_for("j1", "job.submitted", generation=1) != event_id_for("j1", "job.submitted")


def test_the_payload_type_follows_the_event_type():
    event = parse_event(dump_event(make_event("job.failed", job_id="j", user_id="u", payload=PAYLOADS["job.failed"])))

    assert isinstance(event, JobFailed)
    assert event.payload.stage == "clips"


def test_an_event_about_one_scene_names_the_scene_in_its_id_so_scenes_are_told_apart():
    second = make_event("scene.completed", job_id="j1", user_id="u1", payload=PAYLOADS["scene.completed"])
    third = make_event("scene.requested", job_id="j1", user_id="u1", payload={"index": 3}, generation=1)

    assert second.event_id == "j1:scene.completed#2:0"
    assert third.event_id == event_id_for("j1", "scene.requested", 1, unit=3) == "j1:scene.requested#3:1"


def test_a_scene_with_a_negative_index_is_poison():
    body = json.loads(dump_event(make_event("scene.requested", job_id="j", user_id="u", payload={"index": 0})))
    body["payload"]["index"] = -1
    with pytest.raises(PoisonMessage):
        parse_event(json.dumps(body))


def test_every_event_type_the_topology_routes_has_an_event_class():
    assert set(all_event_types()) == set(EVENT_CLASSES)


def _body(**changes: object) -> str:
    body = json.loads(dump_event(make_event("job.submitted", job_id="j", user_id="u")))
    body.update(changes)
    return json.dumps(body)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("not json at all", id="garbage"),
        pytest.param(b"\xff\xfe", id="bytes"),
        pytest.param("{}", id="empty-object"),
        pytest.param(_body(schema_version=2), id="wrong-schema-version"),
        pytest.param(_body(event_type="job.exploded"), id="unknown-event-type"),
        pytest.param(_body(payload={"script_key": 1}, event_type="script.completed"), id="bad-payload"),
    ],
)
def test_a_body_that_is_not_a_current_event_is_poison(body: str | bytes):
    with pytest.raises(PoisonMessage):
        parse_event(body)


def test_keyframes_completed_names_its_continuity_and_refuses_an_unknown_one():
    chained = make_event(
        "keyframes.completed", job_id="j1", user_id="u1", payload={"hero_key": "h", "keyframe_keys": ["k0"],
                                                                     "continuity": "chain"},
    )  # fmt: skip
    body = json.loads(dump_event(chained))
    body["payload"]["continuity"] = "sequential"

    assert parse_event(dump_event(chained)).payload == chained.payload
    with pytest.raises(PoisonMessage):
        parse_event(json.dumps(body))


def test_a_body_from_before_versions_parses_as_version_1():
    event = make_event("job.failed", job_id="j", user_id="u", payload=PAYLOADS["job.failed"])
    body = json.loads(dump_event(event))
    del body["version"]

    assert parse_event(json.dumps(body)).version == 1


def test_a_later_versions_events_get_new_ids_and_version_1_keeps_the_old_ones():
    first = make_event("job.submitted", job_id="j1", user_id="u1")
    second = make_event("job.submitted", job_id="j1", user_id="u1", version=2)

    assert first.event_id == "j1:job.submitted:0"  # the id every event had before versions
    assert (second.version, second.event_id) == (2, "j1:job.submitted:0:v2")
    assert parse_event(dump_event(second)) == second


def test_a_version_below_1_is_poison():
    body = json.loads(dump_event(make_event("job.submitted", job_id="j", user_id="u")))
    body["version"] = 0

    with pytest.raises(PoisonMessage):
        parse_event(json.dumps(body))
