"""Publishing a bulletin so that printed QR codes and podcast directories keep working: explicit
public addresses, host-free GUIDs, the tags directories require, cover art, M4B loudness."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest

from sohoa.errors import BadArgsError
from tests.tts_fixtures import SHORT_BULLETIN
from tts.audio import loudness
from tts.cache import SegmentCache
from tts.engines import EspeakEngine
from tts.meta import AudiobookMeta, bulletin_guid
from tts.pipeline import BulletinInfo, Publishing, Result, finish, plan
from tts.publish import ATOM, ITUNES, PODCAST, feed_xml, published_base_url, read_all
from tts.synthesize import synthesize_all

SITE = "https://tuyengiao.example.vn"
INFO = dict(issue="3", date="2023-02-15", publisher="Quận ủy Long Biên")


@pytest.fixture(scope="module")
def make(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Result]:
    """Publish the short bulletin; its speech is synthesised once for the whole module."""
    cache = SegmentCache(tmp_path_factory.mktemp("segments"))

    def publish(audio: Path, publishing: Publishing, folder: str | None = None) -> Result:
        p = plan(SHORT_BULLETIN, BulletinInfo(**INFO))
        clips = synthesize_all(p.segments, EspeakEngine(), cache, workers=2)
        return finish(p, clips, audio / (folder or p.slug), publishing, primary_engine="espeak")

    return publish


@pytest.fixture(scope="module")
def m4b(make: Callable[..., Result], tmp_path_factory: pytest.TempPathFactory) -> Result:
    audio = tmp_path_factory.mktemp("archive") / "audio"
    return make(audio, Publishing(SITE, fmt="m4b", owner_email="tuyengiao@example.vn"), folder="so-3")


@pytest.mark.parametrize("url", ["", "http://localhost:8000", "http://127.0.0.1:8000/", "http://[::1]", "http://0.0.0.0"])
def test_loopback_or_unset_address_is_refused_naming_the_setting(url: str) -> None:
    with pytest.raises(BadArgsError, match="SOHOA_BASE_URL.*--base-url") as refused:
        published_base_url(url)
    assert "\n" not in str(refused.value)
    assert published_base_url(url, local=True).startswith("http")  # --local: the user asked for it


def test_public_address_is_kept_without_trailing_slash() -> None:
    assert published_base_url("https://bantin.example.vn/") == "https://bantin.example.vn"
    with pytest.raises(BadArgsError):
        published_base_url("bantin.example.vn")  # no scheme: a phone could not open it


def test_refused_before_anything_is_written(make: Callable[..., Result], tmp_path: Path) -> None:
    with pytest.raises(BadArgsError):
        make(tmp_path / "audio", Publishing("http://localhost:8000"))
    assert not (tmp_path / "audio" / "feed.xml").exists()
    assert not list((tmp_path / "audio").glob("*/qr.png"))


def test_folder_name_must_be_a_serveable_path(make: Callable[..., Result], tmp_path: Path) -> None:
    with pytest.raises(BadArgsError, match="/audio/"):
        make(tmp_path / "audio", Publishing(SITE), folder="Bản tin số 3")


def test_out_folder_name_is_the_slug_in_qr_feed_and_metadata(m4b: Result) -> None:
    assert m4b.metadata.slug == "so-3"
    assert m4b.page_url == f"{SITE}/audio/so-3/"
    (item,) = feedparser.parse(m4b.feed.read_bytes()).entries
    assert item.link == m4b.page_url


def test_feed_has_every_tag_directories_require(m4b: Result) -> None:
    raw = m4b.feed.read_bytes()
    feed = feedparser.parse(raw)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.image.href == f"{SITE}/audio/so-3/cover.jpg"
    assert feed.feed.author_detail.email == "tuyengiao@example.vn"
    assert feed.feed.author == "Quận ủy Long Biên"
    channel = ET.fromstring(raw).find("channel")
    found = {el.tag for el in channel}
    for tag in (f"{{{ITUNES}}}image", f"{{{ITUNES}}}owner", f"{{{ITUNES}}}author", f"{{{ATOM}}}link",
                f"{{{PODCAST}}}guid", f"{{{ITUNES}}}category", f"{{{ITUNES}}}explicit", "language"):
        assert tag in found, tag
    assert channel.find(f"{{{ITUNES}}}owner/{{{ITUNES}}}email").text == "tuyengiao@example.vn"
    self_link = channel.find(f"{{{ATOM}}}link")
    assert self_link.get("rel") == "self" and self_link.get("href") == f"{SITE}/audio/feed.xml"
    item = channel.find("item")
    chapters = item.find(f"{{{PODCAST}}}chapters")
    assert chapters.get("type") == "application/json+chapters"
    assert chapters.get("url") == f"{SITE}/audio/so-3/chapters.json"
    assert item.find(f"{{{PODCAST}}}transcript") is not None
    assert item.find("enclosure").get("type") == "audio/mp4"
    listed = json.loads((m4b.folder / "chapters.json").read_text("utf-8"))
    assert [c["title"] for c in listed["chapters"]] == ["Tiên phong đi trước", "Tiến tới số hóa công tác Đảng"]
    assert listed["chapters"][0]["startTime"] == 0


def test_guids_do_not_change_with_the_address(m4b: Result) -> None:
    items = read_all(m4b.folder.parent)
    guids = [ET.fromstring(feed_xml(items, base)).find("channel/item/guid").text
             for base in (SITE, "https://bantin.quan-uy.vn")]
    assert guids[0] == guids[1] == bulletin_guid("so-3")
    assert "example" not in guids[0]
    show_guids = {ET.fromstring(feed_xml(items, base)).find(f"channel/{{{PODCAST}}}guid").text
                  for base in (SITE, "https://bantin.quan-uy.vn")}
    assert len(show_guids) == 1


def _streams(path: Path) -> list[dict]:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(path)],
                         capture_output=True, check=True, text=True)
    return json.loads(out.stdout)["streams"]


def test_m4b_has_cover_art_and_true_peak_below_minus_one(m4b: Result) -> None:
    cover = [s for s in _streams(m4b.audio) if s["codec_type"] == "video"]
    assert cover and cover[0]["disposition"]["attached_pic"] == 1
    assert cover[0]["width"] == cover[0]["height"] == 1400
    integrated, true_peak = loudness(m4b.audio)
    assert true_peak <= -1.0, f"true peak {true_peak} dBTP"
    assert -17.0 <= integrated <= -15.0
    assert m4b.metadata.true_peak <= -1.0


def test_mp3_carries_the_editors_cover_as_apic(make: Callable[..., Result], tmp_path: Path) -> None:
    from PIL import Image

    photo = tmp_path / "anh-bia.png"
    Image.new("RGB", (2000, 1200), (20, 90, 160)).save(photo)
    book = make(tmp_path / "audio", Publishing(SITE, cover=photo))
    (cover,) = [s for s in _streams(book.audio) if s["codec_type"] == "video"]
    assert cover["codec_name"] == "mjpeg" and cover["disposition"]["attached_pic"] == 1
    with Image.open(book.folder / "cover.jpg") as img:
        assert img.size == (1400, 1400)  # centre-cropped square for directories
        assert img.getpixel((700, 700))[2] > 140


def test_qr_code_decodes_to_the_listening_page(m4b: Result) -> None:
    zbar = subprocess.run(["zbarimg", "--quiet", "--raw", str(m4b.folder / "qr.png")],
                          capture_output=True, text=True, check=True)
    assert zbar.stdout.strip() == f"{SITE}/audio/so-3/"


def test_old_metadata_files_still_load(tmp_path: Path) -> None:
    folder = tmp_path / "ban-tin-cu"  # the folder names the bulletin, whatever the file says
    folder.mkdir()
    (folder / "audiobook.json").write_text(json.dumps({
        "title": "Bản tin cũ", "slug": "ten-khac", "file": "ban-tin-cu.mp3", "duration": 12.5,
        "chapters": [{"title": "Mở đầu", "start": 0, "end": 12.5}], "a_field_from_the_future": 1}), "utf-8")
    meta = AudiobookMeta.read(folder)
    assert meta.id == bulletin_guid("ban-tin-cu") and meta.chapters[0].title == "Mở đầu"
    assert meta.display_date == "" and meta.access == "public"
