"""The ledger's expressions: declared once, filled with exactly the placeholders they use."""

from __future__ import annotations

import pytest

from shared.ledger.claims import claim_expression
from shared.ledger.expressions import Expression
from shared.ledger.items import from_item, is_kind, to_item
from shared.ledger.transitions import CANCEL_JOB, retry_expression


def test_only_the_placeholders_an_expression_uses_are_sent() -> None:
    params = CANCEL_JOB.params(values={":now": 1.5, ":updated": "t"})

    assert params["ExpressionAttributeNames"] == {"#status": "status"}
    assert params["ExpressionAttributeValues"] == {
        ":cancelled": {"S": "cancelled"},
        ":completed": {"S": "completed"},
        ":failed": {"S": "failed"},
        ":now": {"N": "1.5"},
        ":updated": {"S": "t"},
    }


def test_a_placeholder_without_a_value_is_refused_before_dynamodb_sees_it() -> None:
    with pytest.raises(KeyError, match=":lease"):
        Expression("SET #st.#s.lease_expires_at = :lease").params({"#s": "clips"})
    with pytest.raises(KeyError, match="#s"):
        Expression("SET #st.#s.lease_expires_at = :lease").params(values={":lease": 1})


def test_a_claim_waits_for_each_required_stage() -> None:
    names = {"#s": "composer", "#r0": "narration", "#r1": "clips"}
    values = {
        ":now": 1, ":lease": 2, ":owner": "o", ":one": 1, ":updated": "t", ":job_status": "composing", ":version": 1,
    }  # fmt: skip

    params = claim_expression(2).params(names, values)

    assert params["ConditionExpression"].count("IN (:succeeded, :skipped)") == 2
    assert {"#r0", "#r1"} <= set(params["ExpressionAttributeNames"])
    assert claim_expression(2) is claim_expression(2)  # built once per shape
    assert "#r0" not in claim_expression(0).params({"#s": "script"}, values)["ExpressionAttributeNames"]


def test_a_retry_without_failed_stages_only_reopens_the_job() -> None:
    params = retry_expression(0).params(values={":one": 1, ":updated": "t"})

    assert params["UpdateExpression"].startswith("SET #status = :running")
    assert "#error" not in params["ExpressionAttributeNames"]
    assert ":zero" not in params["ExpressionAttributeValues"]
    assert (
        "#f0"
        in retry_expression(1).params({"#f0": "clips"}, {":one": 1, ":updated": "t", ":zero": 0})["UpdateExpression"]
    )


def test_an_item_names_its_record_kind_and_round_trips() -> None:
    item = to_item({"job_id": "j", "cost_usd": 0.25, "attempts": 2}, kind="job")

    assert is_kind(item, "job")
    assert not is_kind(item, "idempotency")
    assert not is_kind(to_item({"job_id": "j", "status": "queued"}), "job")  # no kind, not a job
    assert from_item(item) == {"job_id": "j", "cost_usd": 0.25, "attempts": 2, "record_kind": "job"}
