"""API keys: parsing, lookup by hash, the development key, and the request schema's field-level pharma rule."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.gateway.auth import DEV_USER_ID, ApiKeys, bearer_token, load_api_keys
from services.gateway.schemas import GenerateRequest, request_hash


def test_a_configured_key_maps_to_its_user() -> None:
    keys = ApiKeys.parse("k-alice:alice, k-bob:bob")
    assert (keys.user_for("k-alice"), keys.user_for("k-bob")) == ("alice", "bob")


def test_an_unknown_key_maps_to_no_user() -> None:
    assert ApiKeys.parse("k-alice:alice").user_for("k-mallory") is None


def test_keys_are_held_only_as_digests() -> None:
    keys = ApiKeys.parse("k-alice:alice")
    assert all(b"k-alice" not in digest for digest, _ in keys.digests)


def test_a_malformed_key_list_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="key:user_id"):
        ApiKeys.parse("just-a-key")


def test_without_configured_keys_a_development_key_is_generated() -> None:
    keys = load_api_keys(None)
    assert [user for _, user in keys.digests] == [DEV_USER_ID]


@pytest.mark.parametrize(
    ("header", "token"), [("Bearer abc", "abc"), ("bearer abc", "abc"), ("Basic abc", None), ("", None)]
)
def test_only_a_bearer_authorization_yields_a_token(header: str, token: str | None) -> None:
    assert bearer_token(header) == token


def test_a_pharmaceutical_request_without_side_effects_names_the_field() -> None:
    with pytest.raises(ValidationError) as raised:
        GenerateRequest.model_validate({
            "brief": "A calm morning allergy spot", "ad_type": "pharmaceutical", "duration_s": 40,
            "prescribing_info_url": "https://claritex.example/pi", "phone": "1-800-555-0199",
        })  # fmt: skip
    assert [error["loc"] for error in raised.value.errors()] == [("side_effects",)]


def test_equal_requests_hash_equal_whatever_the_key_order() -> None:
    a = GenerateRequest.model_validate({"brief": "A calm morning allergy spot", "duration_s": 20}).to_request()
    b = GenerateRequest.model_validate({"duration_s": 20, "brief": "A calm morning allergy spot"}).to_request()
    assert request_hash(a) == request_hash(b)
