"""SSRF through `webhook_url`, over real HTTP: the strict policy refuses every internal address at submit.

The policy is a setting driven by PHARMAGEN_ENV: development (the local stack, most tests) allows
loopback receivers; a deployment allows only https to public addresses. Both are tested here.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from shared.webhook_target import WebhookPolicy
from tests.harness.gateway import RunningGateway, running_gateway
from tools.local.bootstrap import Created

pytestmark = pytest.mark.integration

USER = "ssrf-user"
BRIEF = {"brief": "Thirty seconds for a calm morning allergy relief spot", "duration_s": 12}

INTERNAL_URLS = [
    "https://169.254.169.254/latest/meta-data/",
    "https://127.1:22/",
    "https://[::1]:8080/",
    "https://0x7f000001/",
    "https://2130706433/",
    "https://0177.0.0.1/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:7f00:1]/",
    "https://10.0.0.7/hook",
    "https://172.16.5.4/hook",
    "https://192.168.1.1/hook",
    "https://100.64.0.1/hook",
    "https://[fe80::1]/hook",
    "https://224.0.0.1/hook",
    "https://[ff02::1]/hook",
    "https://0.0.0.0/hook",
    "https://[fd00:ec2::254]/",
    "https://[64:ff9b::a9fe:a9fe]/",
    "https://[2002:a9fe:a9fe::]/",
    "https://localhost/hook",
    "http://93.184.215.14/hook",  # public, but plain http
]


@pytest.fixture(scope="module")
def strict_gateway(aws: Created, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    log_path = tmp_path_factory.mktemp("gateway-ssrf") / "gateway.log"
    with running_gateway(users=[USER], log_path=log_path, extra_env={"PHARMAGEN_WEBHOOK_ALLOW_PRIVATE": "false"}) as gw:
        yield gw


@pytest.fixture(scope="module")
def dev_gateway(aws: Created, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    log_path = tmp_path_factory.mktemp("gateway-ssrf-dev") / "gateway.log"
    with running_gateway(users=[USER], log_path=log_path, extra_env={"PHARMAGEN_ENV": "dev"}) as gw:
        yield gw


def _submit(gateway: RunningGateway, webhook_url: str) -> httpx.Response:
    return httpx.post(
        f"{gateway.base_url}/api/v1/generate",
        json={**BRIEF, "webhook_url": webhook_url},
        headers=gateway.headers(USER),
        timeout=10,
    )


@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_an_internal_webhook_url_is_422_naming_the_field(strict_gateway: RunningGateway, url: str) -> None:
    response = _submit(strict_gateway, url)
    assert response.status_code == 422, response.text
    assert [error["field"] for error in response.json()["errors"]] == ["webhook_url"]


def test_a_public_https_webhook_url_is_accepted(strict_gateway: RunningGateway) -> None:
    response = _submit(strict_gateway, "https://8.8.8.8/hooks/pharmagen")
    assert response.status_code == 202, response.text
    assert httpx.post(
        f"{strict_gateway.base_url}/api/v1/jobs/{response.json()['job_id']}/cancel",
        headers=strict_gateway.headers(USER),
    ).is_success


def test_in_development_a_loopback_receiver_is_accepted(dev_gateway: RunningGateway) -> None:
    response = _submit(dev_gateway, "http://127.0.0.1:9/hook")
    assert response.status_code == 202, response.text
    httpx.post(
        f"{dev_gateway.base_url}/api/v1/jobs/{response.json()['job_id']}/cancel", headers=dev_gateway.headers(USER)
    )


def test_the_policy_follows_the_environment() -> None:
    assert WebhookPolicy.for_env("dev") == WebhookPolicy(allow_private=True)
    assert WebhookPolicy.for_env("prod") == WebhookPolicy(allow_private=False)
    assert WebhookPolicy.for_env("dev", allow_private=False) == WebhookPolicy(allow_private=False)
