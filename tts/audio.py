"""Small ffmpeg helpers. Every clip sohoa keeps is WAV, 24 kHz mono 16-bit (gTTS's own rate)."""

from __future__ import annotations

import re
import shutil
import subprocess
import wave
from pathlib import Path

from sohoa.errors import MissingDependencyError, SubprocessError

RATE = 24_000


def program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise MissingDependencyError(f"cần chương trình / program needed: {name} (Debian: apt-get install {name})")
    return path


def run(args: list[str], what: str, input: bytes | None = None, timeout: float = 600) -> subprocess.CompletedProcess[bytes]:
    """Run a program; a failure becomes one line naming ``what`` and the program's last words."""
    try:
        done = subprocess.run([program(args[0]), *args[1:]], input=input, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise SubprocessError(f"{what}: {args[0]} quá thời gian / timed out after {timeout:.0f} s") from exc
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        raise SubprocessError(f"{what}: {args[0]} exit {done.returncode}: {tail[0]}")
    return done


def to_wav(source: bytes | Path, dest: Path) -> None:
    """Decode any audio ffmpeg reads (MP3 from gTTS, WAV from espeak) into sohoa's clip format."""
    data = source if isinstance(source, bytes) else None
    src = "pipe:0" if data is not None else str(source)
    run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", src, "-ac", "1", "-ar", str(RATE),
         "-sample_fmt", "s16", "-f", "wav", str(dest)], "decode", input=data)


def wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def probe_duration(path: Path) -> float:
    out = run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)], "probe")
    return float(out.stdout.decode().strip())


def loudness(path: Path) -> tuple[float, float]:
    """(integrated loudness in LUFS, true peak in dBTP), as ffmpeg's ebur128 filter measures them."""
    done = run(["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128=peak=true",
                "-f", "null", "-"], "loudness")
    text = done.stderr.decode("utf-8", "replace")
    summary = text[text.rfind("Summary:"):]
    found_i = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    found_p = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if not (found_i and found_p):
        raise SubprocessError(f"loudness: no ebur128 summary for {path.name}")
    return float(found_i.group(1)), float(found_p.group(1))
