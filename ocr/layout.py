"""Choose Tesseract's page segmentation per page instead of fixing it.

``--psm 3`` (automatic layout) invents columns on monospaced typewriter text (CER 45 % on a real
Courier page against about 1 % with ``--psm 4``), but it is what keeps two real columns in
reading order. So: a page with a clear gutter between text columns gets 3, every other page 4.
"""

from __future__ import annotations

import numpy as np

from ocr.geometry import ink_mask

SINGLE_COLUMN_PSM = 4
MULTI_COLUMN_PSM = 3
MIN_GUTTER = 0.015  # of the page width: a gap between columns, wider than any word space
BANDS = 16  # horizontal bands of the text body, each a few lines high
EMPTY_IN = 0.75  # a gutter is empty in this share of the bands: a title or a rule may cross it
INKED_IN = 0.5  # and has text on both sides in this share: not the ragged ends of short lines
INK = 0.002  # share of a column's (or row's) pixels that makes it inked


def count_columns(gray: np.ndarray) -> int:
    """Text columns separated by empty vertical bands running down most of the text.

    Most, not all: a title or a heading across the columns (the first page of nearly every
    bulletin) crosses the gutter, and a test over the whole height saw one column there.
    """
    ink = ink_mask(gray, 0.25)
    rows = np.flatnonzero(ink.mean(axis=1) > INK)
    if len(rows) < 10:
        return 1
    body = ink[rows[0]:rows[-1] + 1]
    inked = np.flatnonzero(body.mean(axis=0) > INK)
    if len(inked) == 0:
        return 1
    left, right = inked[0], inked[-1] + 1
    bands = [band[:, left:right].mean(axis=0) > INK for band in np.array_split(body, min(BANDS, len(body)))]
    bands = np.array([band for band in bands if band.any()])
    gutter = (~bands).mean(axis=0) >= EMPTY_IN  # per column of the body
    min_gap = max(2, int(MIN_GUTTER * ink.shape[1]))
    gutters, start = 0, None
    for x, is_gutter in enumerate(np.r_[gutter, False]):
        if is_gutter and start is None:
            start = x
        elif not is_gutter and start is not None:
            if x - start >= min_gap and _text_both_sides(bands, start, x):
                gutters += 1
            start = None
    return 1 + gutters


def _text_both_sides(bands: np.ndarray, start: int, end: int) -> bool:
    return bool(bands[:, :start].any(axis=1).mean() >= INKED_IN and bands[:, end:].any(axis=1).mean() >= INKED_IN)


def choose_psm(gray: np.ndarray) -> tuple[int, int]:
    """(psm, columns found) for a preprocessed page."""
    columns = count_columns(gray)
    return (MULTI_COLUMN_PSM if columns > 1 else SINGLE_COLUMN_PSM), columns
