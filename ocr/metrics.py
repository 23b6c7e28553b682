"""Character and word error rates against a ground truth (NFC, whitespace folded).

CER = Levenshtein distance over characters / length of the truth; WER the same over words.
Both texts are NFC-normalised and every run of whitespace becomes one space, so line breaks and
layout never count as errors; everything else (case, punctuation, each diacritic) does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sohoa.vietnamese import nfc


@dataclass(frozen=True)
class ErrorRates:
    cer: float
    wer: float
    char_errors: int
    chars: int
    word_errors: int
    words: int


def normalize(text: str) -> str:
    return " ".join(nfc(text).split())


def edit_distance(a: Sequence[object], b: Sequence[object]) -> int:
    """Levenshtein distance, one numpy row at a time (a page of text in tens of milliseconds).

    Within a row the insertion chain ``row[j] = min(row[j], row[j-1] + 1)`` is a running minimum
    of ``row[k] - k`` shifted back by ``j``, so no Python loop over columns is needed.
    """
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    vocabulary: dict[object, int] = {}
    codes_b = np.array([vocabulary.setdefault(y, len(vocabulary)) for y in b])
    columns = np.arange(len(b) + 1)
    previous = columns.copy()
    for i, x in enumerate(a, start=1):
        code = vocabulary.get(x, -1)
        current = np.empty_like(previous)
        current[0] = i
        current[1:] = np.minimum(previous[1:] + 1, previous[:-1] + (codes_b != code))
        previous = np.minimum.accumulate(current - columns) + columns
    return int(previous[-1])


def error_rates(hypothesis: str, truth: str) -> ErrorRates:
    """CER and WER of ``hypothesis`` (OCR output) against ``truth``."""
    hyp, ref = normalize(hypothesis), normalize(truth)
    char_errors = edit_distance(hyp, ref)
    hyp_words, ref_words = hyp.split(), ref.split()
    word_errors = edit_distance(hyp_words, ref_words)
    return ErrorRates(
        cer=char_errors / max(len(ref), 1), wer=word_errors / max(len(ref_words), 1),
        char_errors=char_errors, chars=len(ref), word_errors=word_errors, words=len(ref_words),
    )
