"""Speech benchmark on the sample bulletin: `python -m bench.tts_bench` (not part of the tests).

1. gTTS requests and mean characters per request: sohoa's segmenter against gTTS's own
   tokenizer on the same read-aloud text (no network: only the splitting is compared).
2. Offline (espeak-ng) wall time per minute of audio, cold cache, through the plain functions.
3. Wall time of a fully cached rerun (no engine called).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from gtts import gTTS

from tts.cache import SegmentCache
from tts.engines import EspeakEngine
from tts.pipeline import BulletinInfo, Publishing, finish, plan
from tts.synthesize import synthesize_all

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "tts_data" / "chuyen-doi-so-cong-tac-dang.txt"


def _gtts_pieces(text: str) -> list[str]:
    # gTTS's own splitting, paragraph by paragraph (what a caller passing each paragraph would send).
    return [t for block in text.split("\n") if block.strip() for t in gTTS(block, lang="vi", lang_check=False)._tokenize(block)]


def main() -> None:
    info = BulletinInfo(issue="3", date="2023-02-15", publisher="Quận ủy Long Biên")
    p = plan(SAMPLE.read_text(encoding="utf-8"), info)
    ours = [s.text for s in p.segments]
    theirs = _gtts_pieces(_read_aloud_blocks(p))
    mean = lambda xs: sum(map(len, xs)) / len(xs)  # noqa: E731
    print("| splitter | requests | mean chars/request | longest |")
    print("|---|---|---|---|")
    print(f"| gTTS tokenizer | {len(theirs)} | {mean(theirs):.1f} | {max(map(len, theirs))} |")
    print(f"| sohoa segmenter | {len(ours)} | {mean(ours):.1f} | {max(map(len, ours))} |")
    print(f"\nfewer requests: {1 - len(ours) / len(theirs):.0%}\n")

    with tempfile.TemporaryDirectory() as tmp:
        audio = Path(tmp) / "audio"
        cache = SegmentCache(audio / ".cache")
        rows = []
        for label in ("cold (espeak-ng)", "fully cached rerun"):
            t0 = time.perf_counter()
            clips = synthesize_all(p.segments, EspeakEngine(), cache, workers=2)
            t1 = time.perf_counter()
            result = finish(p, clips, audio / p.slug, Publishing("", local=True), primary_engine="espeak")
            t2 = time.perf_counter()
            minutes = result.metadata.duration / 60
            rows.append((label, t1 - t0, t2 - t1, t2 - t0, minutes, sum(not c.cached for c in clips)))
    print("| run | synthesis s | assembly s | total s | audio min | total s per audio min | engine calls |")
    print("|---|---|---|---|---|---|---|")
    for label, synth, asm, total, minutes, calls in rows:
        print(f"| {label} | {synth:.1f} | {asm:.1f} | {total:.1f} | {minutes:.1f} | {total / minutes:.2f} | {calls} |")


def _read_aloud_blocks(p) -> str:  # noqa: ANN001
    """The same read-aloud text, one line per paragraph as the segmenter saw it."""
    lines, current = [], []
    for s in p.segments:
        current.append(s.text)
        if s.pause.value in ("paragraph", "chapter"):
            lines.append(" ".join(current))
            current = []
    return "\n".join(lines + [" ".join(current)] if current else lines)


if __name__ == "__main__":
    main()
