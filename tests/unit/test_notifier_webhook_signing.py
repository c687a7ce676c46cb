"""Webhook signatures: what a receiver's `verify` accepts and refuses."""

from __future__ import annotations

from services.notifier.webhook_signing import sign, verify

BODY = '{"event_type":"job.completed","job_id":"j1"}'


def test_a_signature_made_with_the_secret_verifies() -> None:
    header = sign(BODY, secret="s3cret", timestamp=1_000)
    assert verify(BODY, header, secret="s3cret", now=1_010)


def test_a_tampered_body_does_not_verify() -> None:
    header = sign(BODY, secret="s3cret", timestamp=1_000)
    assert not verify(BODY.replace("j1", "j2"), header, secret="s3cret", now=1_000)


def test_another_secret_does_not_verify() -> None:
    assert not verify(BODY, sign(BODY, secret="s3cret", timestamp=1_000), secret="other", now=1_000)


def test_an_old_signature_is_refused_as_a_replay() -> None:
    assert not verify(BODY, sign(BODY, secret="s3cret", timestamp=1_000), secret="s3cret", now=1_000 + 301)


def test_a_garbled_header_does_not_verify() -> None:
    assert not verify(BODY, "v1=abc", secret="s3cret", now=1_000)
