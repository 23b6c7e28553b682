"""CER / WER: NFC, whitespace folded, every diacritic counts."""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

import pytest

from ocr.metrics import edit_distance, error_rates
from sohoa.cli import main
from sohoa.errors import ExitCode


def test_edit_distance_examples() -> None:
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3 and edit_distance("abc", "") == 3
    assert edit_distance("đảng", "đang") == 1
    assert edit_distance(["lịch", "sử"], ["lịch", "sữ", "đảng"]) == 2


def test_layout_and_normal_form_do_not_count() -> None:
    truth = "Lịch sử\nĐảng bộ  xã"
    ocr = unicodedata.normalize("NFD", "Lịch sử Đảng\n\nbộ xã ")
    assert error_rates(ocr, truth).cer == 0.0


def test_each_diacritic_counts() -> None:
    rates = error_rates("Lich sử đang bộ", "Lịch sử đảng bộ")
    assert rates.char_errors == 2 and rates.chars == 15
    assert rates.word_errors == 2 and rates.words == 4
    assert rates.wer == 0.5


def test_eval_ocr_command_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "ocr.txt").write_text("Lich sử Đảng bộ\n", encoding="utf-8")
    (tmp_path / "truth.txt").write_text("Lịch sử Đảng bộ", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["eval-ocr", str(tmp_path / "ocr.txt"), str(tmp_path / "truth.txt")])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "CER 6.67%" in out and "WER 25.00%" in out
    with pytest.raises(SystemExit) as exit_:
        main(["eval-ocr", str(tmp_path / "ocr.txt"), str(tmp_path / "truth.txt"), "--max-cer", "0.05"])
    assert exit_.value.code == ExitCode.check_failed == 10


def test_eval_ocr_subprocess_reports_a_missing_file_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "truth.txt").write_text("Lịch sử", encoding="utf-8")
    result = subprocess.run([".venv/bin/sohoa", "eval-ocr", str(tmp_path / "none.txt"), str(tmp_path / "truth.txt")],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "none.txt" in result.stderr
