"""OCR tools: measure recognition against a ground truth, list pages to check, export outputs."""

from __future__ import annotations

from pathlib import Path

import click

from sohoa.errors import ExitCode, InputFileError

TEXT_SUFFIXES = {".txt", ".text", ""}


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputFileError(f"{path} is not UTF-8 text") from None
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror}") from None


@click.command("eval-ocr")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("ground_truth", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--max-cer", type=float, default=None, help="Exit 15 when the CER is above this (for scripts).")
def eval_ocr(file: Path, ground_truth: Path, max_cer: float | None) -> ExitCode | None:
    """Print CER and WER of FILE against GROUND_TRUTH.txt (NFC, whitespace folded).

    FILE is OCR text (.txt); a scan (PDF, TIFF, PNG, JPEG) is first recognised by sohoa.
    """
    from ocr.metrics import error_rates

    truth = _read_text(ground_truth)
    hypothesis = _read_text(file) if file.suffix.lower() in TEXT_SUFFIXES else _recognise(file)
    rates = error_rates(hypothesis, truth)
    click.echo(f"CER {rates.cer:.2%}  ({rates.char_errors} / {rates.chars} ký tự / characters)")
    click.echo(f"WER {rates.wer:.2%}  ({rates.word_errors} / {rates.words} từ / words)")
    if max_cer is not None and rates.cer > max_cer:
        return ExitCode.other_error
    return None


def _recognise(file: Path) -> str:
    raise InputFileError(f"{file.name}: recognising scans here needs the OCR pipeline; pass OCR text (.txt)")
