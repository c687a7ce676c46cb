"""Property-based fuzzing of the served OpenAPI schema (schemathesis): no 5xx, no response outside the schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.harness.gateway import RunningGateway, running_gateway
from tools.local.bootstrap import Created

pytestmark = pytest.mark.integration

FUZZER = "fuzzer"
EXAMPLES = 10


@pytest.fixture(scope="module")
def fuzzed_gateway(aws: Created, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    log_path = tmp_path_factory.mktemp("gateway-fuzz") / "gateway.log"
    with running_gateway(users=[FUZZER], log_path=log_path) as gateway:
        yield gateway


@pytest.fixture(scope="module")
def api_schema(fuzzed_gateway: RunningGateway) -> Any:
    return schemathesis.openapi.from_url(f"{fuzzed_gateway.base_url}/schema/openapi.json")


def _operations(api_schema: Any) -> list[Any]:
    return [result.ok() for result in api_schema.get_all_operations()]


def test_the_api_never_answers_5xx_or_outside_its_schema(api_schema: Any, fuzzed_gateway: RunningGateway) -> None:
    """Each operation gets a few generated requests (valid and invalid); schemathesis's pytest plugin does not
    support this pytest, so the strategies are driven with hypothesis directly."""
    checked = []
    for operation in _operations(api_schema):

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def fuzz(case: Any) -> None:
            case.call_and_validate(
                base_url=fuzzed_gateway.base_url,
                headers=fuzzed_gateway.headers(FUZZER),
                checks=[not_a_server_error, response_schema_conformance],
                timeout=10,
            )

        fuzz()
        checked.append(operation.label)
    assert len(checked) >= 9
