"""The completing stage's payload declares the job's outputs: the keys it names, none it lacks."""

from __future__ import annotations

from shared.payloads import JobCompletedPayload


def test_the_outputs_are_the_named_keys_that_exist() -> None:
    payload = JobCompletedPayload(video_key="v.mp4", captions_key="c.vtt", duration_s=30.0)

    assert payload.outputs() == {"video_key": "v.mp4", "captions_key": "c.vtt"}


def test_every_key_field_of_the_payload_is_an_output() -> None:
    keys = {name for name in JobCompletedPayload.model_fields if name.endswith("_key")}
    full = JobCompletedPayload(**{name: f"{name}.bin" for name in keys}, duration_s=1.0)

    assert set(full.outputs()) == keys
