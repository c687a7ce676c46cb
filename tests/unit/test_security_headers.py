"""The web page's Content-Security-Policy: uploads may go to the assets bucket only, nothing else but the API."""

from __future__ import annotations

from services.gateway.security_headers import content_security_policy
from shared.config import Settings


def _directive(policy: str, name: str) -> list[str]:
    for directive in policy.split("; "):
        if directive.startswith(name + " "):
            return directive.split()[1:]
    raise AssertionError(f"{name} missing from {policy}")


def test_on_aws_the_page_may_post_only_to_the_api_and_the_assets_bucket() -> None:
    policy = content_security_policy(Settings(aws_endpoint_url=None, aws_region="eu-west-1", resource_prefix="prod-"))
    assert _directive(policy, "connect-src") == [
        "'self'",
        "https://prod-pharmagen-assets.s3.amazonaws.com",
        "https://prod-pharmagen-assets.s3.eu-west-1.amazonaws.com",
    ]


def test_locally_the_page_may_post_to_the_emulator_only() -> None:
    policy = content_security_policy(Settings(aws_endpoint_url="http://127.0.0.1:4566"))
    assert _directive(policy, "connect-src") == ["'self'", "http://127.0.0.1:4566"]
    assert _directive(policy, "script-src") == ["'self'"]
    assert _directive(policy, "style-src") == ["'self'"]
