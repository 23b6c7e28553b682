"""One audio file from the clips: pauses, loudness, chapters, tags, cover; MP3 or M4B.

Loudness: -16 LUFS integrated, true peak under -1 dBTP, measured with ffmpeg's ``ebur128``. Chapters go in through an FFMETADATA file, which ffmpeg writes as
ordered ID3 CHAP/CTOC frames in MP3 and chapter atoms in M4B.
"""

from __future__ import annotations

import re
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sohoa.errors import BadArgsError, CheckFailedError
from tts.audio import RATE, loudness, run
from tts.synthesize import Clip
from tts.timeline import Timeline

TARGET_LUFS = -16.0
TARGET_PEAK = -2.0  # dBTP, the limiter's first ceiling; encoders overshoot it, the promise is -1
PROMISED_PEAK = -1.0  # dBTP
LIMITER_ALLOWANCE = 1.0  # dB the limiter takes back from speech as peaky as espeak's
FORMATS = {"mp3": ["-c:a", "libmp3lame", "-b:a", "64k", "-id3v2_version", "3"],
           "m4b": ["-c:a", "aac", "-b:a", "64k", "-f", "mp4", "-movflags", "+faststart"]}
MIN_SYLLABLES_PER_SECOND = 1.0  # slower than any reader: the audio is missing something
MAX_SYLLABLES_PER_SECOND = 9.0  # faster than any reader: the audio is missing something


class AudioCheckError(CheckFailedError):
    """The audio does not match the text it should speak."""


@dataclass(frozen=True)
class Tags:
    title: str
    album: str  # the bulletin series
    artist: str = ""  # the publisher
    date: str = ""
    track: str = ""  # the issue number
    comment: str = ""
    genre: str = "Speech"


def concatenate(clips: Sequence[Clip], silences: Sequence[float], dest: Path) -> None:
    """Clips and the silences after them into one WAV, sample-exact (the cue times stay true)."""
    with wave.open(str(dest), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        for clip, silence in zip(clips, silences, strict=True):
            with wave.open(str(clip.path), "rb") as src:
                out.writeframes(src.readframes(src.getnframes()))
            out.writeframes(b"\0\0" * round(silence * RATE))


def _escape(value: str) -> str:
    return re.sub(r"([=;#\\\n])", r"\\\1", value)


def ffmetadata(tags: Tags, timeline: Timeline) -> str:
    lines = [";FFMETADATA1"]
    fields = {"title": tags.title, "album": tags.album, "artist": tags.artist, "album_artist": tags.artist,
              "publisher": tags.artist, "date": tags.date, "track": tags.track, "comment": tags.comment,
              "genre": tags.genre, "language": "vie"}
    lines += [f"{k}={_escape(v)}" for k, v in fields.items() if v]
    for mark in timeline.chapters:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={round(mark.start * 1000)}",
                  f"END={round(mark.end * 1000)}", f"title={_escape(mark.title)}"]
    return "\n".join(lines) + "\n"


def _chain(gain_db: float, ceiling_db: float) -> str:
    # Gain, then a limiter at 4x the sample rate so that it also catches inter-sample (true) peaks.
    return (f"volume={gain_db:.2f}dB,aresample={RATE * 4},"
            f"alimiter=limit={10 ** (ceiling_db / 20):.3f}:attack=2:release=10:level=false,aresample={RATE}")


def encode(wav: Path, dest: Path, tags: Tags, timeline: Timeline, cover: Path | None = None) -> tuple[float, float]:
    """Normalise loudness and write ``dest`` (.mp3 or .m4b) with tags, chapters and cover.

    ffmpeg's ``loudnorm`` could not reach -16 LUFS on espeak's peaky voice (it stopped at -17.2,
    held back by the true-peak ceiling), so: measure, apply gain and a limiter, measure the
    encoded result, then correct the gain for loudness and lower the limiter's ceiling by what
    the encoder overshot (AAC at 64 kb/s adds up to ~2 dB of peaks), at most three more passes.
    Gain and ceiling are corrected separately: lowering the gain for the peak undid the loudness
    and the two corrections took turns. Returns the final (LUFS, dBTP).
    """
    fmt = dest.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise BadArgsError(f"định dạng / format {fmt!r}: mp3 or m4b")
    meta = dest.with_suffix(".ffmeta.txt")
    meta.write_text(ffmetadata(tags, timeline), encoding="utf-8")
    args = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(wav), "-i", str(meta)]
    maps = ["-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
    if cover is not None:
        args += ["-i", str(cover)]
        maps += ["-map", "2:v", "-c:v", "mjpeg" if fmt == "mp3" else "png", "-disposition:v", "attached_pic"]
    tmp = dest.with_name(f".part-{dest.name}")
    try:
        integrated, _ = loudness(wav)
        gain, ceiling = TARGET_LUFS - integrated + LIMITER_ALLOWANCE, TARGET_PEAK
        for _ in range(4):
            run([*args, *maps, "-af", _chain(gain, ceiling), "-ac", "1", *FORMATS[fmt], str(tmp)], "encode")
            integrated, peak = loudness(tmp)
            loud_ok, peak_ok = abs(integrated - TARGET_LUFS) <= 0.5, peak <= PROMISED_PEAK - 0.2
            if loud_ok and peak_ok:
                break
            if not peak_ok:
                ceiling -= peak - (PROMISED_PEAK - 0.2) + 0.3
            if not loud_ok:
                gain += TARGET_LUFS - integrated
        tmp.replace(dest)
        return integrated, peak
    finally:
        tmp.unlink(missing_ok=True)
        meta.unlink(missing_ok=True)


def check_duration(speech_seconds: float, text: str) -> None:
    """Fail loudly when the audio is far shorter (or longer) than the text implies."""
    syllables = len(re.findall(r"\w+", text))
    if not syllables:
        return
    rate = syllables / max(speech_seconds, 1e-6)
    if not MIN_SYLLABLES_PER_SECOND <= rate <= MAX_SYLLABLES_PER_SECOND:
        expected = syllables / 4.0
        raise AudioCheckError(
            f"âm thanh {speech_seconds / 60:.1f} phút cho {syllables} âm tiết (dự kiến ~{expected / 60:.1f} phút) / "
            f"audio of {speech_seconds:.0f} s for {syllables} syllables ({rate:.1f}/s): segments are missing or broken")
