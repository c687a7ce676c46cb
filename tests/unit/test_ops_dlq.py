"""Pure parts of the dead-letter tools: decoding letters, ages, depth from queue attributes."""

from __future__ import annotations

from shared.events import make_event
from shared.topology import stage
from tools.ops.depth import depth_from_attributes
from tools.ops.dlq import DeadLetter, oldest_age_s


def _letter(body: str, sent_at_ms: int = 0) -> DeadLetter:
    return DeadLetter("m-1", "r-1", body, receive_count=5, sent_at_ms=sent_at_ms, attributes={})


def test_a_dead_letter_with_an_event_body_names_its_job():
    body = make_event("job.submitted", job_id="job-1", user_id="u-1").model_dump_json()

    letter = _letter(body)

    assert (letter.job_id, letter.poison_reason()) == ("job-1", None)


def test_a_poison_dead_letter_has_no_job_and_says_why():
    letter = _letter('{"event_type": "job.exploded"}')

    assert letter.job_id is None
    assert letter.event() is None
    assert "not a valid event" in (letter.poison_reason() or "")


def test_the_oldest_age_comes_from_the_earliest_sent_timestamp():
    letters = [_letter("x", sent_at_ms=9_000), _letter("y", sent_at_ms=4_000)]

    assert oldest_age_s(letters, now_ms=10_000) == 6.0
    assert oldest_age_s([], now_ms=10_000) is None


def test_depth_counts_dead_letters_whether_or_not_they_are_being_peeked():
    depth = depth_from_attributes(
        stage("clips"),
        {
            "ApproximateNumberOfMessages": "3",
            "ApproximateNumberOfMessagesNotVisible": "1",
            "ApproximateNumberOfMessagesDelayed": "2",
        },
        {"ApproximateNumberOfMessages": "4", "ApproximateNumberOfMessagesNotVisible": "1"},
    )

    assert (depth.stage, depth.visible, depth.in_flight, depth.delayed, depth.dead) == ("clips", 3, 1, 2, 5)
