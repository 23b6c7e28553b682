"""IIIF: an Image API 3 (level 1) service per page image and a Presentation 3 manifest per
document, parsed with iiif-prezi3; internal documents get none."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from iiif_prezi3 import Manifest
from PIL import Image

from tests.web_fixtures import MEMBER_TOKEN, web_client


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with web_client(tmp_path_factory.mktemp("iiif") / "archive", member_token=MEMBER_TOKEN) as test_client:
        yield test_client


def test_info_json_says_what_a_viewer_may_ask(client: TestClient) -> None:
    response = client.get("/iiif/3/cukhoi-1/info.json")
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"
    assert response.headers["content-type"].startswith("application/ld+json")
    info = response.json()
    page = client.get("/api/documents/cukhoi/pages/1").json()
    assert info["@context"] == "http://iiif.io/api/image/3/context.json" and info["type"] == "ImageService3"
    assert info["id"] == "http://testserver/iiif/3/cukhoi-1" and info["protocol"] == "http://iiif.io/api/image"
    assert (info["profile"], info["width"], info["height"]) == ("level1", page["width"], page["height"])
    assert info["tiles"] == [{"width": 512, "scaleFactors": [1, 2, 4, 8, 16]}]
    assert info["sizes"][-1]["width"] <= info["width"] and info["sizes"][0]["width"] < info["sizes"][-1]["width"]
    assert client.get("/iiif/3/cukhoi-1", follow_redirects=False).headers["location"] == "/iiif/3/cukhoi-1/info.json"


@pytest.mark.parametrize(("region", "size", "expected"), [
    ("full", "max", None), ("full", "200,", (200, None)), ("0,0,512,512", "256,256", (256, 256)),
    ("100,50,300,200", ",100", (150, 100)), ("square", "64,", (64, 64)),
])
def test_regions_and_sizes_are_cut_and_cached(client: TestClient, region: str, size: str, expected) -> None:  # noqa: ANN001
    info = client.get("/iiif/3/cukhoi-2/info.json").json()
    response = client.get(f"/iiif/3/cukhoi-2/{region}/{size}/0/default.jpg")
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.content)) as image:
        width, height = image.size
    if expected is None:
        assert (width, height) == (info["width"], info["height"])
    else:
        assert width == expected[0] and (expected[1] is None or height == expected[1])
    again = client.get(f"/iiif/3/cukhoi-2/{region}/{size}/0/default.jpg")
    assert again.content == response.content  # from the tile cache on disk


@pytest.mark.parametrize("path", ["full/max/90/default.jpg", "full/max/0/gray.png", "full/99999,/0/default.jpg",
                                  "nonsense/max/0/default.jpg", "99999,0,10,10/max/0/default.jpg"])
def test_what_level_1_does_not_offer_is_refused_in_one_line(client: TestClient, path: str) -> None:
    response = client.get(f"/iiif/3/cukhoi-1/{path}")
    assert response.status_code == 400 and "\n" not in response.json()["error"]


def test_the_manifest_parses_and_carries_pages_ocr_and_catalog(client: TestClient) -> None:
    response = client.get("/iiif/cukhoi/manifest.json")
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"
    data = response.json()
    manifest = Manifest(**data)  # iiif-prezi3 validates the Presentation 3 structure
    assert manifest.label == {"vi": ["Lịch sử Đảng bộ xã Cự Khối"]} and len(manifest.items) == 3
    metadata = {m["label"]["vi"][0]: m["value"]["vi"][0] for m in data["metadata"]}
    assert metadata["Nơi"] == "phường Cự Khối, quận Long Biên, Hà Nội" and metadata["Năm"] == "1985"
    canvas = data["items"][1]
    body = canvas["items"][0]["items"][0]["body"]
    assert body["service"][0]["id"] == "http://testserver/iiif/3/cukhoi-2"  # the address asked (web/urls.py)
    assert (body["width"], body["height"]) == (canvas["width"], canvas["height"])
    assert canvas["seeAlso"][0]["id"].endswith("/documents/cukhoi/pages/2/page.alto.xml")
    assert canvas["thumbnail"][0]["id"].endswith("/iiif/3/cukhoi-2/full/200,/0/default.jpg")


def test_a_configured_public_address_names_every_iiif_link(client: TestClient) -> None:
    from web import create_app

    settings = dataclasses.replace(client.app.state.site.settings, base_url="https://lichsu.example.vn")
    with TestClient(create_app(settings, member_token="")) as configured:
        data = configured.get("/iiif/cukhoi/manifest.json").json()
        info = configured.get("/iiif/3/cukhoi-1/info.json").json()
    assert data["id"] == "https://lichsu.example.vn/iiif/cukhoi/manifest.json"
    assert data["homepage"][0]["id"] == "https://lichsu.example.vn/documents/cukhoi"
    assert data["items"][0]["seeAlso"][0]["id"].startswith("https://lichsu.example.vn/documents/cukhoi/pages/1/")
    assert info["id"] == "https://lichsu.example.vn/iiif/3/cukhoi-1"


def test_internal_documents_get_no_iiif_even_for_members(client: TestClient) -> None:
    member = {"Authorization": f"Bearer {MEMBER_TOKEN}"}
    assert client.get("/api/documents/gialam", headers=member).status_code == 200  # a member sees it, but not as IIIF
    for path in ("/iiif/gialam/manifest.json", "/iiif/gialam/viewer", "/iiif/3/gialam-1/info.json", "/iiif/3/gialam-1/full/max/0/default.jpg"):
        assert client.get(path).status_code == 404
        assert client.get(path, headers=member).status_code == 404
