"""Engines: gTTS through a fake of Google's endpoint (the only faked part), espeak for real."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import responses

from sohoa.errors import ExitCode
from tests.tts_fixtures import GTTS_URL, gtts_body
from tts.audio import wav_duration
from tts.cache import SegmentCache
from tts.engines import (Engine, EspeakEngine, GTTSEngine, OnlineVoiceError, RateLimiter, ServiceUnreachable,
                         SynthesisError, make_engine)
from tts.segment import Pause, Segment
from tts.synthesize import SynthesisFailed, synthesize_all


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture
def gtts(slept: list[float]) -> GTTSEngine:
    # No rate limit here (its own test below), so every recorded sleep is a backoff.
    return GTTSEngine(timeout=2.0, per_second=0, retries=3, backoff=1.0, sleep=slept.append)


@responses.activate
def test_success_is_one_request(gtts: GTTSEngine, tmp_path: Path) -> None:
    responses.post(GTTS_URL, body=gtts_body())
    gtts.synthesize("Đại hội mười ba của Đảng", tmp_path / "a.wav")
    assert gtts.requests == 1 and len(responses.calls) == 1
    assert "vi" in responses.calls[0].request.body  # the Vietnamese voice was asked for
    assert 0.3 < wav_duration(tmp_path / "a.wav") < 1.0


@responses.activate
def test_429_backs_off_then_succeeds(gtts: GTTSEngine, slept: list[float], tmp_path: Path) -> None:
    responses.post(GTTS_URL, status=429)
    responses.post(GTTS_URL, body=gtts_body())
    gtts.synthesize("thành phố Hà Nội", tmp_path / "a.wav")
    assert gtts.requests == 2
    assert [s for s in slept if s >= 1.0]  # one backoff of at least the base delay


@responses.activate
def test_500_until_retries_run_out(gtts: GTTSEngine, slept: list[float], tmp_path: Path) -> None:
    responses.post(GTTS_URL, status=500)
    with pytest.raises(SynthesisError, match="HTTP 500.*4") as failed:
        gtts.synthesize("thành phố Hà Nội", tmp_path / "a.wav")
    assert failed.value.transient
    assert gtts.requests == 4
    backoffs = [s for s in slept if s >= 1.0]
    assert len(backoffs) == 3 and backoffs == sorted(backoffs)  # exponential: 1, 2, 4 (+ jitter)
    assert not (tmp_path / "a.wav").exists()


@responses.activate
def test_403_is_not_retried(gtts: GTTSEngine, slept: list[float], tmp_path: Path) -> None:
    responses.post(GTTS_URL, status=403)
    with pytest.raises(SynthesisError, match="HTTP 403") as failed:
        gtts.synthesize("thành phố Hà Nội", tmp_path / "a.wav")
    assert not failed.value.transient
    assert gtts.requests == 1 and not [s for s in slept if s >= 1.0]


@responses.activate
def test_timeout_is_retried_and_named(gtts: GTTSEngine, tmp_path: Path) -> None:
    responses.post(GTTS_URL, body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(SynthesisError, match="timeout"):
        gtts.synthesize("thành phố Hà Nội", tmp_path / "a.wav")
    assert gtts.requests == 3  # three connection failures in a row: the service is unreachable


@responses.activate
def test_no_network_stops_every_segment_after_three_failures_in_a_row(gtts: GTTSEngine, tmp_path: Path) -> None:
    responses.post(GTTS_URL, body=requests.exceptions.ConnectionError("Name or service not known"))
    with pytest.raises(ServiceUnreachable, match="3 connection failures in a row"):
        gtts.synthesize("thành phố Hà Nội", tmp_path / "a.wav")
    with pytest.raises(ServiceUnreachable):  # the next segment is refused without a request
        gtts.synthesize("Đảng bộ phường", tmp_path / "b.wav")
    assert gtts.requests == 3


@responses.activate
def test_an_answer_resets_the_count_of_connection_failures(gtts: GTTSEngine, tmp_path: Path) -> None:
    responses.post(GTTS_URL, body=requests.exceptions.ConnectionError("reset"))
    responses.post(GTTS_URL, body=requests.exceptions.ConnectionError("reset"))
    responses.post(GTTS_URL, body=gtts_body())
    responses.post(GTTS_URL, body=requests.exceptions.ConnectionError("reset"))
    responses.post(GTTS_URL, body=requests.exceptions.ConnectionError("reset"))
    responses.post(GTTS_URL, body=gtts_body())
    gtts.synthesize("thành phố Hà Nội", tmp_path / "a.wav")
    gtts.synthesize("Đảng bộ phường", tmp_path / "b.wav")
    assert gtts.requests == 6


def test_rate_limit_spaces_requests() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(2.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        limiter.wait()
    assert now[0] == pytest.approx(2.0)  # five starts at 0, 0.5, 1.0, 1.5, 2.0


class Flaky(Engine):
    """Fails on chosen texts, like a service that refuses some requests."""

    name, voice = "flaky", "vi"

    def __init__(self, bad: set[str]) -> None:
        self.bad, self.inner = bad, EspeakEngine()

    def synthesize(self, text: str, dest: Path) -> None:
        if text in self.bad:
            raise OnlineVoiceError("HTTP 403", transient=False)
        self.inner.synthesize(text, dest)


SEGMENTS = [Segment(i, 0, t, Pause.sentence) for i, t in enumerate(["Một.", "Hai.", "Ba.", "Bốn."])]


def test_final_message_names_failed_segments(tmp_path: Path) -> None:
    with pytest.raises(SynthesisFailed, match=r"2/4.*#1, #3: HTTP 403") as failed:
        synthesize_all(SEGMENTS, Flaky({"Hai.", "Bốn."}), SegmentCache(tmp_path))
    assert set(failed.value.failures) == {1, 3}
    assert failed.value.exit_code == ExitCode.remote_service


def test_fallback_is_opt_in_and_recorded(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    clips = synthesize_all(SEGMENTS, Flaky({"Hai."}), SegmentCache(tmp_path), fallback=EspeakEngine())
    assert [c.engine for c in clips] == ["flaky", "espeak", "flaky", "flaky"]
    assert "#1" in caplog.text and "espeak" in caplog.text


def test_espeak_makes_real_audio(tmp_path: Path) -> None:
    make_engine("espeak").synthesize("Đại hội đại biểu toàn quốc lần thứ mười ba của Đảng", tmp_path / "e.wav")
    assert 1.0 < wav_duration(tmp_path / "e.wav") < 10.0


def test_unknown_engine_is_a_user_error() -> None:
    with pytest.raises(Exception, match="no engine 'piper'"):
        make_engine("piper")
