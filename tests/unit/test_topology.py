"""The one topology declaration is consistent, and its export says what `STAGES` says."""

from __future__ import annotations

import importlib.util

from shared.topology import JOB_STAGES, STAGES, all_event_types, export, stage


def test_the_export_lists_every_stage_with_its_queue_and_figures():
    exported = export()["stages"]

    assert list(exported) == [s.name for s in STAGES]
    for declared in STAGES:
        entry = exported[declared.name]
        assert entry["queue"] == declared.queue_name
        assert entry["dlq"] == declared.dlq_name
        assert entry["consumes"] == list(declared.consumes)
        assert entry["publishes"] == list(declared.publishes)
        assert entry["visibility_timeout_s"] == declared.visibility_timeout_s
        assert entry["max_receive_count"] == declared.max_receive_count
        assert entry["concurrency"] == declared.concurrency
        assert entry["module"] == declared.service_module


def test_the_export_names_every_event_type_once():
    event_types = export()["event_types"]

    assert sorted(event_types) == sorted(set(event_types)) == sorted(all_event_types())


def test_every_consumed_event_is_published_by_a_stage_or_by_the_gateway():
    # job.failed and job.awaiting_approval come from the runtime (delivery), the others from the gateway.
    published = {"job.submitted", "job.failed", "job.cancelled", "job.awaiting_approval"} | {
        e for s in STAGES for e in s.publishes
    }

    assert {e for s in STAGES for e in s.consumes} <= published


def test_a_stage_requires_only_job_stages_that_come_before_it():
    order = [s.name for s in JOB_STAGES]

    for declared in JOB_STAGES:
        assert all(order.index(r) < order.index(declared.name) for r in declared.requires)


def test_queue_names_are_unique():
    names = [s.queue_name for s in STAGES] + [s.dlq_name for s in STAGES]

    assert len(names) == len(set(names))


def test_a_stage_is_found_by_name():
    assert stage("clips").requires == ("script", "keyframes")


def test_the_clips_stage_fans_out_one_message_per_scene_opened_by_the_keyframes():
    clips = stage("clips")

    assert clips.units is not None
    assert (clips.units.requested, clips.units.completed) == ("scene.requested", "scene.completed")
    assert clips.triggers == ("keyframes.completed",)
    assert {"scene.requested", "scene.completed"} <= set(clips.consumes) & set(clips.publishes)
    assert clips.units.label(2) == "scene 3"
    assert [s.name for s in STAGES if s.units is not None] == ["clips"]


def test_one_job_stage_completes_the_job_and_it_waits_for_every_other_job_stage():
    [completing] = [s for s in STAGES if s.completes_job]

    assert completing.in_job
    assert completing.publishes == ("job.completed",)
    assert set(completing.requires) | set(stage(r).requires[0] for r in completing.requires) == {
        s.name for s in JOB_STAGES if s is not completing
    }


def test_side_stages_consume_only_what_a_job_announces_and_publish_nothing():
    side = [s for s in STAGES if not s.in_job]

    assert [s.name for s in side] == ["notifier"]
    assert all(not s.publishes and not s.completes_job for s in side)


def test_every_stage_runs_as_its_own_service_package():
    for declared in STAGES:
        assert declared.service_module == f"services.{declared.name}"
        assert importlib.util.find_spec(f"{declared.service_module}.__main__") is not None
