"""Uploads over real HTTP: the gateway process hands out a presigned POST, the test POSTs the file to the emulator,
and the gateway's check after upload decides ready or rejected; generate takes only the user's ready assets."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from services.gateway import cli
from shared.assets import ready_key
from shared.aws import sync_client
from shared.config import Settings
from shared.topology import ASSETS_BUCKET, JOBS_TABLE
from tests.brand_assets import BRAND_FONT, LOGO_SVG, logo_pixels, photo_pixels, png_bytes
from tests.harness.gateway import RunningGateway, running_gateway
from tools.local.bootstrap import Created

pytestmark = pytest.mark.integration

OWNER, STRANGER = "asset-owner", "asset-stranger"
BRIEF = {"brief": "Thirty seconds for a calm morning allergy relief spot", "duration_s": 12}


@pytest.fixture(scope="module")
def gateway(aws: Created, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    log_path = tmp_path_factory.mktemp("gateway-assets") / "gateway.log"
    with running_gateway(users=[OWNER, STRANGER], log_path=log_path) as gw:
        yield gw


def client(gateway: RunningGateway, user: str) -> httpx.Client:
    return httpx.Client(base_url=f"{gateway.base_url}/api/v1", headers=gateway.headers(user), timeout=10)


@pytest.fixture
def api(gateway: RunningGateway) -> Iterator[httpx.Client]:
    with client(gateway, OWNER) as c:
        yield c


def start_upload(api: httpx.Client, kind: str, content_type: str, size_bytes: int) -> dict:
    response = api.post("/assets", json={"kind": kind, "content_type": content_type, "size_bytes": size_bytes})
    assert response.status_code == 201, response.text
    return response.json()


def upload(api: httpx.Client, kind: str, content_type: str, data: bytes, *, declared: int | None = None) -> str:
    """Creates the asset and POSTs `data` to the emulator through the presigned form, as a browser would."""
    created = start_upload(api, kind, content_type, declared if declared is not None else len(data))
    form = created["upload"]
    posted = httpx.post(form["url"], data=form["fields"], files={"file": ("upload", data, content_type)}, timeout=10)
    assert posted.status_code in (200, 201, 204), posted.text
    return str(created["asset_id"])


def status_of(api: httpx.Client, asset_id: str) -> dict:
    response = api.get(f"/assets/{asset_id}")
    assert response.status_code == 200, response.text
    return response.json()


def field_names(response: httpx.Response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def test_a_png_photo_uploaded_through_the_presigned_form_becomes_ready(api: httpx.Client) -> None:
    asset_id = upload(api, "product_photo", "image/png", png_bytes(photo_pixels()))

    view = status_of(api, asset_id)

    assert (view["status"], view["format"], view["reason"]) == ("ready", "png", None)


def test_the_upload_form_is_for_the_users_own_prefix_with_type_and_size_conditions(api: httpx.Client) -> None:
    created = start_upload(api, "logo", "image/svg+xml", 4000)

    fields = created["upload"]["fields"]

    policy = json.loads(base64.b64decode(fields["policy"]))
    assert fields["key"] == f"users/{OWNER}/assets/{created['asset_id']}/upload"
    assert fields["Content-Type"] == "image/svg+xml"
    assert {"Content-Type": "image/svg+xml"} in policy["conditions"]
    assert ["content-length-range", 1, 4000] in policy["conditions"]
    assert {"key": fields["key"]} in policy["conditions"]


def test_an_asset_is_pending_until_its_file_arrives(api: httpx.Client) -> None:
    created = start_upload(api, "logo", "image/png", 1000)

    assert status_of(api, created["asset_id"])["status"] == "pending"


def test_a_file_that_is_not_what_it_was_declared_is_rejected_after_upload(api: httpx.Client) -> None:
    asset_id = upload(api, "product_photo", "image/png", b"GIF89a" + b"\x00" * 200)

    view = status_of(api, asset_id)

    assert view["status"] == "rejected"
    assert "PNG/JPEG/WEBP" in view["reason"]


def test_a_file_larger_than_declared_is_rejected_after_upload(api: httpx.Client) -> None:
    data = png_bytes(photo_pixels())
    asset_id = upload(api, "product_photo", "image/png", data, declared=len(data) // 2)

    view = status_of(api, asset_id)

    assert view["status"] == "rejected"
    assert "more than" in view["reason"]


def test_a_file_over_the_kinds_limit_is_rejected_after_upload(api: httpx.Client) -> None:
    data = png_bytes(logo_pixels()) + b"\x00" * (2 * 1024 * 1024)  # a PNG, padded past the logo limit
    asset_id = upload(api, "logo", "image/png", data, declared=2 * 1024 * 1024)

    view = status_of(api, asset_id)

    assert view["status"] == "rejected"
    assert "at most 2.0 MiB" in view["reason"]


def test_an_svg_logo_with_a_script_is_rejected_and_a_clean_one_is_ready(api: httpx.Client) -> None:
    evil = LOGO_SVG.replace(b"</svg>", b"<script>alert(1)</script></svg>")
    bad = upload(api, "logo", "image/svg+xml", evil)
    good = upload(api, "logo", "image/svg+xml", LOGO_SVG)

    assert status_of(api, bad)["status"] == "rejected"
    assert "script" in status_of(api, bad)["reason"]
    assert status_of(api, good)["status"] == "ready"


def test_a_font_is_checked_from_its_bytes(api: httpx.Client) -> None:
    font = upload(api, "font", "font/ttf", BRAND_FONT.read_bytes())
    truncated = upload(api, "font", "font/ttf", BRAND_FONT.read_bytes()[:4000])

    assert status_of(api, font)["status"] == "ready"
    assert status_of(api, truncated)["status"] == "rejected"


def test_an_unknown_kind_or_a_type_the_kind_does_not_take_is_a_422_naming_the_field(api: httpx.Client) -> None:
    wrong_kind = api.post("/assets", json={"kind": "video", "content_type": "video/mp4", "size_bytes": 10})
    wrong_type = api.post("/assets", json={"kind": "logo", "content_type": "image/jpeg", "size_bytes": 10})
    too_big = api.post("/assets", json={"kind": "font", "content_type": "font/ttf", "size_bytes": 50_000_000})

    assert (wrong_kind.status_code, wrong_type.status_code, too_big.status_code) == (422, 422, 422)
    assert "kind" in field_names(wrong_kind)
    assert "content_type" in field_names(wrong_type)
    assert "size_bytes" in field_names(too_big)


def test_someone_elses_asset_is_not_found_and_generate_refuses_it(api: httpx.Client, gateway: RunningGateway) -> None:
    with client(gateway, STRANGER) as stranger:
        theirs = upload(stranger, "product_photo", "image/png", png_bytes(photo_pixels()))
        assert status_of(stranger, theirs)["status"] == "ready"

    seen = api.get(f"/assets/{theirs}")
    refused = api.post("/generate", json={**BRIEF, "product_photos": [theirs]})

    assert seen.status_code == 404
    assert refused.status_code == 422
    assert field_names(refused) == {"product_photos[0]"}


def test_generate_refuses_assets_not_ready_or_of_the_wrong_kind_naming_each_field(api: httpx.Client) -> None:
    logo = upload(api, "logo", "image/png", png_bytes(logo_pixels()))
    pending = start_upload(api, "font", "font/ttf", 1000)["asset_id"]
    rejected = upload(api, "product_photo", "image/png", b"not a picture at all")

    response = api.post(
        "/generate",
        json={**BRIEF, "product_photos": [logo, rejected], "brand_kit": {"logo": logo, "font": pending}},
    )

    assert response.status_code == 422
    assert field_names(response) == {"product_photos[0]", "product_photos[1]", "brand_kit.font"}
    messages = " ".join(e["message"] for e in response.json()["errors"])
    assert "is a logo, not a product_photo" in messages
    assert "still pending" in messages


def test_generate_takes_the_users_ready_photos_and_brand_kit(api: httpx.Client) -> None:
    photo = upload(api, "product_photo", "image/png", png_bytes(photo_pixels()))
    logo = upload(api, "logo", "image/svg+xml", LOGO_SVG)
    font = upload(api, "font", "font/ttf", BRAND_FONT.read_bytes())
    kit = {"logo": logo, "colours": ["#0b3d91", "#F4B400"], "font": font, "logo_bug": True}

    response = api.post("/generate", json={**BRIEF, "product_photos": [photo], "brand_kit": kit})

    assert response.status_code == 202, response.text
    job = api.get(f"/jobs/{response.json()['job_id']}").json()
    assert job["request"]["product_photos"] == [photo]
    assert job["request"]["brand_kit"]["colours"] == ["#0B3D91", "#F4B400"]


def test_bad_brand_kit_fields_are_422s_naming_them(api: httpx.Client) -> None:
    too_many = api.post("/generate", json={**BRIEF, "brand_kit": {"colours": ["#000000"] * 5}})
    not_hex = api.post("/generate", json={**BRIEF, "brand_kit": {"colours": ["#00FF00", "red"]}})
    photos = api.post("/generate", json={**BRIEF, "product_photos": [f"{n:032x}" for n in range(4)]})

    assert (too_many.status_code, not_hex.status_code, photos.status_code) == (422, 422, 422)
    assert field_names(too_many) == {"brand_kit.colours"}
    assert field_names(not_hex) == {"brand_kit.colours.1"}
    assert field_names(photos) == {"product_photos"}


def test_uploading_again_after_the_check_changes_nothing_a_stage_reads(api: httpx.Client, settings: Settings) -> None:
    photo = png_bytes(photo_pixels())
    created = start_upload(api, "product_photo", "image/png", len(photo))
    form, asset_id = created["upload"], created["asset_id"]
    httpx.post(form["url"], data=form["fields"], files={"file": ("a.png", photo, "image/png")}, timeout=10)
    assert status_of(api, asset_id)["status"] == "ready"

    swapped = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    httpx.post(form["url"], data=form["fields"], files={"file": ("a.png", swapped, "image/png")}, timeout=10)

    s3 = sync_client(settings, "s3")
    stored = s3.get_object(Bucket=settings.name(ASSETS_BUCKET), Key=ready_key(OWNER, asset_id))["Body"].read()
    assert status_of(api, asset_id)["status"] == "ready"
    assert stored == photo


def test_a_pending_record_expires_a_ready_one_does_not(api: httpx.Client, settings: Settings) -> None:
    pending = start_upload(api, "logo", "image/png", 1000)["asset_id"]
    ready = upload(api, "logo", "image/png", png_bytes(logo_pixels()))
    assert status_of(api, ready)["status"] == "ready"

    dynamodb = sync_client(settings, "dynamodb")
    items = {
        asset_id: dynamodb.get_item(TableName=settings.name(JOBS_TABLE), Key={"job_id": {"S": f"asset#{asset_id}"}})[
            "Item"
        ]
        for asset_id in (pending, ready)
    }

    assert int(items[pending]["expires_at"]["N"]) > time.time() + 3600
    assert "expires_at" not in items[ready]
    assert items[ready]["record_kind"] == {"S": "asset"}
    assert "user_id" not in items[ready]  # the user index of jobs never lists an asset


def test_the_cli_uploads_a_logo_and_prints_its_id_or_the_reason_it_was_refused(
    gateway: RunningGateway, api: httpx.Client, tmp_path: Path
) -> None:
    logo, fake = tmp_path / "logo.svg", tmp_path / "logo.png"
    logo.write_bytes(LOGO_SVG)
    fake.write_bytes(b"not a picture at all")
    env = {"PHARMAGEN_URL": gateway.base_url, "PHARMAGEN_API_KEY": gateway.keys[OWNER]}

    good = CliRunner().invoke(cli.app, ["upload", str(logo), "--kind", "logo"], env=env)
    bad = CliRunner().invoke(cli.app, ["upload", str(fake), "--kind", "logo"], env=env)

    assert good.exit_code == 0, good.output
    assert status_of(api, good.output.strip())["status"] == "ready"
    assert bad.exit_code == 1
    assert "rejected: a logo must be PNG/SVG" in " ".join(bad.output.split())
