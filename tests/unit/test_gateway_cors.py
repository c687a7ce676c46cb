"""CORS for a separately hosted frontend: only the configured origins may call the API from a browser."""

from typing import Any, cast

from litestar.testing import TestClient

from services.gateway.app import create_app
from shared.config import Settings
from shared.connections import Connections

PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}


def _app(cors_origins: str) -> Any:
    # A preflight never reaches the ledger: the connections are never touched.
    return create_app(Settings(cors_origins=cors_origins, api_keys="k:u"), connections=cast(Connections, object()))


def test_a_configured_origin_may_call_the_api_from_a_browser():
    with TestClient(app=_app("https://ads.example.com")) as client:
        response = client.options("/api/v1/generate", headers={"Origin": "https://ads.example.com", **PREFLIGHT})

    assert response.status_code in {200, 204}
    assert response.headers["access-control-allow-origin"] == "https://ads.example.com"
    assert "authorization" in response.headers["access-control-allow-headers"].lower()


def test_another_origin_gets_no_cors_grant():
    with TestClient(app=_app("https://ads.example.com")) as client:
        response = client.options("/api/v1/generate", headers={"Origin": "https://evil.example.net", **PREFLIGHT})

    assert response.headers.get("access-control-allow-origin") != "https://evil.example.net"


def test_without_configured_origins_no_cors_headers_are_sent():
    with TestClient(app=_app("")) as client:
        response = client.get("/health", headers={"Origin": "https://ads.example.com"})

    assert "access-control-allow-origin" not in response.headers
