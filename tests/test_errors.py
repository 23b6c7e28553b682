"""Every error a user can meet has an exit code, and README.md's table documents every code."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import partial
from pathlib import Path

import pytest

from sohoa.errors import ExitCode, SohoaError, SubprocessError, is_transient

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sohoa", "corpus", "ocr", "search_index", "tts", "web", "flows")


def _import_everything() -> None:
    """Import every module, so that every SohoaError subclass anywhere is defined."""
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            # not Alembic's scripts (Alembic runs them) nor `python -m sohoa`, which runs the CLI
            if ".migrations." not in module.name and not module.name.endswith(".__main__"):
                importlib.import_module(module.name)


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found))


def _readme_codes() -> set[int]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return {int(code) for code in re.findall(r"^\| (\d+) \| ", readme, flags=re.MULTILINE)}


def test_every_exit_code_is_in_the_readme_table_and_nothing_else() -> None:
    assert _readme_codes() == {int(code) for code in ExitCode}


def test_every_error_class_exits_with_a_documented_code() -> None:
    _import_everything()
    classes = _subclasses(SohoaError)
    assert len(classes) >= 15, sorted(c.__name__ for c in classes)  # the walk found the errors of every package
    documented = _readme_codes()
    for cls in classes:
        assert isinstance(cls.exit_code, ExitCode), cls
        assert int(cls.exit_code) in documented, f"{cls.__module__}.{cls.__name__}: {cls.exit_code!r}"
        # 15 is for bugs; a base class may keep it when each of its subclasses says what went wrong
        abstract = cls.__subclasses__() and all(sub.exit_code != ExitCode.other_error for sub in cls.__subclasses__())
        assert cls.exit_code != ExitCode.other_error or abstract, (
            f"{cls.__name__} exits as an internal error: give it the code that says what went wrong")


def test_only_what_may_pass_is_retried() -> None:
    from sqlalchemy.exc import OperationalError

    from search_index import IndexBusyError
    from sohoa.errors import BadArgsError, InputFileError
    from tts.engines import OnlineVoiceError

    assert is_transient(SubprocessError("tesseract exit -9"))
    assert is_transient(OnlineVoiceError("HTTP 503", transient=True))
    assert is_transient(IndexBusyError("busy"))
    assert is_transient(TimeoutError()) and is_transient(OperationalError("SELECT", {}, Exception("locked")))
    assert not is_transient(InputFileError("damaged PDF"))
    assert not is_transient(BadArgsError("bad flag"))
    assert not is_transient(AssertionError()) and not is_transient(KeyError("a bug"))


def test_a_local_espeak_crash_exits_as_a_failed_program_not_an_online_service(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Through the CLI and the audiobook flow: espeak-ng itself fails (a voice it does not have)."""
    from sohoa.cli import main
    from tts.engines import ENGINES, EspeakEngine

    monkeypatch.setitem(ENGINES, "espeak", partial(EspeakEngine, voice="zz-no-such-voice"))
    source = tmp_path / "ban-tin.txt"
    source.write_text("Bản tin tháng Mười Một.\n\nChi bộ thôn Đông họp định kỳ.\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["--archive", str(tmp_path / "archive"), "audiobook", str(source), "--engine", "espeak",
              "--local", "--owner-email", "tuyengiao@example.vn"])
    assert exit_.value.code == ExitCode.child_process_error
    err = capsys.readouterr().err
    assert "segments failed" in err and "espeak-ng" in err and len(err.strip().splitlines()) == 1


def test_a_bad_audio_format_is_a_bad_argument(tmp_path: Path) -> None:
    from tts.assemble import encode

    with pytest.raises(SohoaError) as error:
        encode(tmp_path / "clip.wav", tmp_path / "out.ogg", None, None)  # type: ignore[arg-type]
    assert error.value.exit_code == ExitCode.bad_args
