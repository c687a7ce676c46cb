"""Webhook signatures (Standard Webhooks): what a receiver's standard verifier accepts and refuses.

The verifier is the `standardwebhooks` package a receiver would use, not our code.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from services.notifier.webhook_signing import signed_headers
from shared.webhook_secrets import new_secret

BODY = '{"event_type":"job.completed","job_id":"j1"}'
SECRET = new_secret()


def test_a_signature_made_with_the_secret_verifies() -> None:
    headers = signed_headers(BODY, secret=SECRET, message_id="j1:job.completed:0")
    assert Webhook(SECRET).verify(BODY, headers) == {"event_type": "job.completed", "job_id": "j1"}
    assert headers["webhook-id"] == "j1:job.completed:0"


def test_a_tampered_body_does_not_verify() -> None:
    headers = signed_headers(BODY, secret=SECRET, message_id="m1")
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(BODY.replace("j1", "j2"), headers)


def test_another_secret_does_not_verify() -> None:
    headers = signed_headers(BODY, secret=SECRET, message_id="m1")
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)


def test_an_old_signature_is_refused_as_a_replay() -> None:
    headers = signed_headers(BODY, secret=SECRET, message_id="m1", at=datetime.now(UTC) - timedelta(seconds=301))
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(BODY, headers)


def test_a_garbled_header_does_not_verify() -> None:
    headers = {**signed_headers(BODY, secret=SECRET, message_id="m1"), "webhook-signature": "v1,AAAA"}
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(BODY, headers)


def test_secrets_are_standard_whsec_secrets() -> None:
    assert SECRET.startswith("whsec_")
    assert new_secret() != SECRET
