"""Shared fixtures. Prefect must see its settings before it is first imported, so they are set here."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

# Persisted results and the ephemeral API's database would otherwise land in ~/.prefect and
# leak between runs; one temporary home per test session.
_PREFECT_HOME = tempfile.mkdtemp(prefix="sohoa-test-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
# Tests that read Prefect's API in this process start its ephemeral server, which migrates a new
# database: Prefect's 20 s default is too short while the other xdist worker runs Tesseract. The
# value sohoa.runtime gives its commands, set before any test module imports Prefect.
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "180"
os.environ.pop("SOHOA_HOME", None)
os.environ.pop("SOHOA_DATABASE_URL", None)

import pytest  # noqa: E402

from corpus.archive import Archive  # noqa: E402
from sohoa.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED_SAMPLES = ROOT.parent / "shared" / "samples"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session", autouse=True)
def _prefect_servers_stopped_before_output_closes() -> Iterator[None]:
    """Stop the ephemeral API servers that Prefect started for tests (the Dask ones) while the
    session can still print: Prefect's own exit hook logs to a stream pytest has closed by then."""
    yield
    server = sys.modules.get("prefect.server.api.server")
    if server is not None:
        for instance in list(server.SubprocessASGIServer._instances.values()):
            instance.stop()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(tmp_path / "archive")


@pytest.fixture
def archive(settings: Settings) -> Archive:
    opened = Archive(settings)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def scans(tmp_path_factory: pytest.TempPathFactory) -> "ScanBox":
    """Generated scans with known text, made once per session (rendering costs seconds)."""
    return ScanBox(tmp_path_factory.mktemp("scans"))


class ScanBox:
    """Makes a named sample scan on first use and remembers its ground truth."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.truth: dict[str, list[str]] = {}

    def get(self, name: str, **kwargs: object) -> Path:
        from sohoa.samples import make_scan

        path = self.folder / name
        if name not in self.truth:
            self.truth[name] = make_scan(path, **kwargs)  # type: ignore[arg-type]
        return path
