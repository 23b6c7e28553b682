"""Shared by the tts tests: the sample bulletin and small audio helpers (no conftest.py: the lead owns it)."""

from __future__ import annotations

from pathlib import Path

# A copy of shared/samples/bulletins/chuyen-doi-so-cong-tac-dang.txt, so the suite runs anywhere.
SAMPLE = Path(__file__).parent / "tts_data" / "chuyen-doi-so-cong-tac-dang.txt"
