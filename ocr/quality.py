"""Review flags without ground truth: how sure Tesseract was, and whether the words are Vietnamese.

Three scores per page, each with its own threshold (settable per run, or through the
environment: SOHOA_REVIEW_MIN_CONFIDENCE, SOHOA_REVIEW_MIN_SYLLABLES, SOHOA_REVIEW_MIN_TOKENS):

- mean word confidence (Tesseract, 0-100): low on garbled or faint pages;
- the share of letter tokens that are well-formed syllables (``ocr.syllables``): low when the
  wrong model, a wrong rotation or noise produced non-words, even confidently;
- the token count: the syllable share cannot see lines that were dropped altogether.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from ocr.syllables import is_abbreviation, is_syllable
from sohoa.vietnamese import nfc

_LETTER_RUN = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class ReviewThresholds:
    min_confidence: float = 75.0
    min_syllable_share: float = 0.85
    min_tokens: int = 10  # a page with fewer words is checked by hand (blank pages are exempt)

    @classmethod
    def from_env(cls) -> "ReviewThresholds":
        env = os.environ.get
        return cls(
            min_confidence=float(env("SOHOA_REVIEW_MIN_CONFIDENCE") or cls.min_confidence),
            min_syllable_share=float(env("SOHOA_REVIEW_MIN_SYLLABLES") or cls.min_syllable_share),
            min_tokens=int(env("SOHOA_REVIEW_MIN_TOKENS") or cls.min_tokens),
        )


@dataclass
class PageQuality:
    mean_confidence: float | None  # None when no word was recognised
    tokens: int  # words Tesseract returned
    syllables: int  # letter tokens judged (abbreviations and numbers are not)
    syllable_share: float | None
    needs_review: bool
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def syllable_share(text: str) -> tuple[float | None, int]:
    """Share of the letter runs in ``text`` that are syllables, and how many runs were judged."""
    runs = [run for run in _LETTER_RUN.findall(nfc(text)) if not is_abbreviation(run)]
    if not runs:
        return None, 0
    return sum(map(is_syllable, runs)) / len(runs), len(runs)


def assess(words: Iterable[tuple[str, float]], thresholds: ReviewThresholds | None = None,
           *, blank: bool = False) -> PageQuality:
    """Score a page from its (word, confidence 0-100) pairs and decide whether it needs review."""
    limits = thresholds or ReviewThresholds()
    pairs = [(nfc(text), conf) for text, conf in words if text.strip() and conf >= 0]
    mean = round(sum(conf for _, conf in pairs) / len(pairs), 2) if pairs else None
    share, judged = syllable_share(" ".join(text for text, _ in pairs))
    reasons = []
    if not blank:
        if mean is not None and mean < limits.min_confidence:
            reasons.append(f"confidence {mean:.1f} < {limits.min_confidence:g}")
        if share is not None and share < limits.min_syllable_share:
            reasons.append(f"syllables {share:.2f} < {limits.min_syllable_share:g}")
        if len(pairs) < limits.min_tokens:
            reasons.append(f"tokens {len(pairs)} < {limits.min_tokens}")
    return PageQuality(mean_confidence=mean, tokens=len(pairs), syllables=judged,
                       syllable_share=None if share is None else round(share, 4),
                       needs_review=bool(reasons), reasons=reasons)


def doubtful(quality: PageQuality, thresholds: ReviewThresholds | None = None) -> bool:
    """Whether a reading is poor enough to be checked against bare Tesseract's (the guard):
    nothing read, low confidence or few valid syllables. The token count alone is not doubt: a
    short page is short whoever reads it."""
    limits = thresholds or ReviewThresholds()
    return (quality.mean_confidence is None or quality.mean_confidence < limits.min_confidence
            or (quality.syllable_share is not None and quality.syllable_share < limits.min_syllable_share))


def reading_score(quality: PageQuality) -> float:
    """Valid syllables weighted by confidence: what a reading got right, as far as can be told
    without ground truth. Dropped lines lower it as surely as garbled ones."""
    return (quality.syllable_share or 0.0) * quality.syllables * (quality.mean_confidence or 0.0) / 100
