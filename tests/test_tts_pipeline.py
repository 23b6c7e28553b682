"""A short bulletin to a published audiobook with the plain functions (no Prefect): real espeak-ng,
real ffmpeg; the files checked the way players and podcast apps read them."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import feedparser
import pytest
import responses

from tests.tts_fixtures import GTTS_URL, SHORT_BULLETIN, gtts_body
from tts.assemble import AudioCheckError, check_duration
from tts.audio import loudness, probe_duration
from tts.cache import SegmentCache
from tts.engines import Engine, EspeakEngine, GTTSEngine
from tts.meta import AudiobookMeta
from tts.pipeline import BulletinInfo, Publishing, Result, finish, plan
from tts.synthesize import synthesize_all

INFO = dict(issue="3", date="2023-02-15", publisher="Quận ủy Long Biên")
SITE = "https://tuyengiao.example.vn"


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Result:
    audio = tmp_path_factory.mktemp("archive") / "audio"
    p = plan(SHORT_BULLETIN, BulletinInfo(**INFO))
    clips = synthesize_all(p.segments, EspeakEngine(), SegmentCache(audio / ".cache"), workers=2)
    return finish(p, clips, audio / p.slug, Publishing(SITE, owner_email="tuyengiao@example.vn"),
                  primary_engine="espeak")


def test_chapters_in_order(book: Result) -> None:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(book.audio)],
                         capture_output=True, check=True, text=True)
    chapters = json.loads(out.stdout)["chapters"]
    assert [c["tags"]["title"] for c in chapters] == ["Tiên phong đi trước", "Tiến tới số hóa công tác Đảng"]
    starts = [float(c["start_time"]) for c in chapters]
    assert starts[0] == 0 and starts == sorted(starts)
    assert float(chapters[-1]["end_time"]) == pytest.approx(probe_duration(book.audio), abs=0.2)


def test_tags(book: Result) -> None:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format_tags", "-of", "json", str(book.audio)],
                         capture_output=True, check=True, text=True)
    tags = json.loads(out.stdout)["format"]["tags"]
    assert tags["title"] == "Bản tin chuyển đổi số"
    assert tags["album"] == "Bản tin Quận ủy Long Biên"
    assert tags["publisher"] == "Quận ủy Long Biên" and tags["date"] == "2023-02-15" and tags["track"] == "3"


def test_loudness_within_target(book: Result) -> None:
    integrated, true_peak = loudness(book.audio)
    assert -17.0 <= integrated <= -15.0
    assert true_peak <= -1.0


def test_captions_monotonic_and_cover_the_audio(book: Result) -> None:
    text = book.captions.read_text(encoding="utf-8")
    assert text.startswith("WEBVTT")
    times = [(_seconds(a), _seconds(b)) for a, b in re.findall(r"([\d:.]+) --> ([\d:.]+)", text)]
    assert times[0][0] == 0
    assert all(start < end for start, end in times)
    assert all(prev[1] == pytest.approx(cur[0], abs=0.002) for prev, cur in zip(times, times[1:]))
    assert times[-1][1] == pytest.approx(probe_duration(book.audio), abs=0.2)
    # The printed words, while the voice says "mười chín nghìn sáu trăm năm mươi", "quét mã kiu a".
    assert "19.650 đảng viên" in text and "quét mã QR." in text
    assert "mười chín nghìn" not in text and "kiu a" not in text


def _seconds(stamp: str) -> float:
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_feed_parses_like_a_podcast_app(book: Result) -> None:
    feed = feedparser.parse(book.feed.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.language == "vi"
    (item,) = feed.entries
    assert item.title == "Bản tin chuyển đổi số"
    enclosure = item.enclosures[0]
    assert enclosure.type == "audio/mpeg" and int(enclosure.length) == book.audio.stat().st_size
    assert enclosure.href == f"{SITE}/audio/{book.folder.name}/{book.audio.name}"
    assert item.itunes_duration == str(round(book.metadata.duration))
    raw = book.feed.read_text(encoding="utf-8")
    assert f'url="{SITE}/audio/{book.folder.name}/{book.captions.name}"' in raw
    assert 'type="text/vtt"' in raw


def test_qr_and_listening_page(book: Result) -> None:
    from PIL import Image

    with Image.open(book.folder / "qr.png") as img:
        assert img.size[0] > 100
    assert (book.folder / "qr.svg").read_text().lstrip().startswith("<?xml")
    assert book.audio.name in (book.folder / "index.html").read_text(encoding="utf-8")
    assert book.page_url == f"{SITE}/audio/{book.folder.name}/"  # the path `sohoa serve` answers


def test_metadata_records_engine_and_duration(book: Result) -> None:
    meta = json.loads((book.folder / "audiobook.json").read_text(encoding="utf-8"))
    assert meta["engine"] == "espeak" and meta["fallback_segments"] == []
    assert meta["duration"] == pytest.approx(probe_duration(book.audio), abs=0.2)
    assert AudiobookMeta.read(book.folder) == book.metadata  # the typed record round-trips


def test_title_is_spoken_once(book: Result) -> None:
    spoken = " ".join(s.text for s in plan(SHORT_BULLETIN, BulletinInfo(**INFO)).segments)
    assert spoken.count("Bản tin chuyển đổi số") == 1
    assert spoken.startswith("Bản tin Quận ủy Long Biên số ba, ngày mười lăm tháng hai năm hai nghìn")


def test_audio_far_shorter_than_text_fails_loudly() -> None:
    with pytest.raises(AudioCheckError, match="syllables"):
        check_duration(5.0, "chữ " * 400)
    check_duration(100.0, "chữ " * 400)


class Counting(Engine):
    """espeak that counts its calls and can be 'killed' after some."""

    name, voice = "espeak", "vi"

    def __init__(self, die_after: int | None = None) -> None:
        self.inner, self.calls, self.die_after = EspeakEngine(), 0, die_after

    def settings(self) -> dict:
        return self.inner.settings()

    def synthesize(self, text: str, dest: Path) -> None:
        if self.die_after is not None and self.calls >= self.die_after:
            raise KeyboardInterrupt  # the run is killed here
        self.calls += 1
        self.inner.synthesize(text, dest)


def test_killed_run_resumes_with_only_the_missing_segments(tmp_path: Path) -> None:
    p = plan(SHORT_BULLETIN, BulletinInfo(**INFO))
    cache = SegmentCache(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        synthesize_all(p.segments, Counting(die_after=4), cache, workers=1)
    assert not list(tmp_path.rglob(".part-*"))  # no half-written clip left behind
    resumed = Counting()
    clips = synthesize_all(p.segments, resumed, cache, workers=1)
    assert resumed.calls == len(p.segments) - 4
    assert sum(c.cached for c in clips) == 4
    again = Counting()
    synthesize_all(p.segments, again, cache, workers=2)
    assert again.calls == 0  # a second full run calls no engine


@responses.activate
def test_gtts_end_to_end_through_the_fake(tmp_path: Path) -> None:
    responses.post(GTTS_URL, body=gtts_body())
    p = plan("Tin ngắn\nHội nghị Ban Chấp hành Đảng bộ quận lần thứ 5.", BulletinInfo())
    engine = GTTSEngine(per_second=0, sleep=lambda s: None)
    clips = synthesize_all(p.segments, engine, SegmentCache(tmp_path / "cache"))
    assert engine.requests == len(p.segments) == len(responses.calls)
    assert all(c.engine == "gtts" for c in clips)
