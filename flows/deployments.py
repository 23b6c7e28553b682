"""The flows an operator starts from the Prefect UI, served as deployments by `sohoa deploy`.

Their parameters are typed (paths, the metadata fields, ``Literal`` choices for kind, access,
engine and format) so that the UI's run form shows a text box, a number or a drop-down for each
and Prefect refuses a bad value before the run starts. Each flow then runs the command of the same
name, in process, with the flags the form's values spell (``sohoa ingest PATH --title …``): a run
from the form checks its input, archives, publishes and fails exactly as the command does, and
follows the command wherever it changes. The command's flows run as subflows of the deployment's
run (the ingest's page tasks show under it); its printed lines become the run's markdown artifact;
a non-zero exit code ends the run Failed.

Who started a run goes into the catalog's provenance: a "deployment-run" event per run with the
command it ran and ``started_by``: the name typed in the form, else the user Prefect records
(``created_by``, set by Prefect Cloud; an open-source server records none), else "schedule" for
a scheduled run, else "prefect" (someone with access to the Prefect UI or API).
"""

from __future__ import annotations

import contextlib
import io
import shlex
from pathlib import Path
from typing import Any, Literal

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.context import get_run_context
from pydantic import BaseModel, Field

from corpus.models import ACCESS_LEVELS, EARLIEST_YEAR, KINDS
from sohoa.errors import BadArgsError, ExitCode, SohoaError
from sohoa.settings import Settings
from sohoa.vietnamese import nfc

Kind = Literal[KINDS]  # type: ignore[valid-type]  # the catalog's own list: one source of truth
Access = Literal[ACCESS_LEVELS]  # type: ignore[valid-type]
# The form labels each field by its parameter's name and describes it from the docstring's "Args:".
# Defaults that are not None (an empty tuple, empty metadata) show the list and the fields at once.


class DocumentFields(BaseModel):
    """What the archivist says about every file of the run (`sohoa ingest`'s flags); a manifest's
    rows carry their own. Blank means not given, as an absent flag: on ``force`` the archived
    value stays; a choice (year, kind, access) is None until picked."""

    title: str = Field("", title="Tên tài liệu / title")
    commune: str = Field("", title="Xã / phường (commune, ward)")
    district: str = Field("", title="Quận / huyện (district)")
    province: str = Field("", title="Tỉnh / thành phố (province)")
    year: int | None = Field(None, title="Năm / year", ge=EARLIEST_YEAR, le=2100)
    kind: Kind | None = Field(None, title="Loại / kind")
    collection: str = Field("", title="Bộ sưu tập / collection")
    access: Access | None = Field(None, title="Quyền xem / access", description="internal: hidden from the public pages")


class RunFailed(SohoaError):
    """The command exited non-zero (a batch with a failed file): the run ends Failed."""

    exit_code = ExitCode.partial_failure


def who_started(person: str) -> str:
    """Who started this flow run (see the module's docstring)."""
    run = get_run_context().flow_run
    if person.strip():
        return nfc(person.strip())
    if run.created_by is not None:
        return run.created_by.display_value or run.created_by.type or "prefect"
    return "schedule" if run.auto_scheduled else "prefect"


def flags(**values: object) -> list[str]:
    """``--name value`` for each value given (blank and None are not given; True is a bare flag)."""
    argv: list[str] = []
    for name, value in values.items():
        if value is None or value is False or (isinstance(value, str) and not value.strip()):
            continue
        argv += [f"--{name.replace('_', '-')}"] + ([] if value is True else [str(value)])
    return argv


def run_command(deployment: str, argv: list[str], person: str) -> dict[str, Any]:
    """Record who started the run, then run ``sohoa ARGV`` on this archive as the command line does;
    its output is the run's artifact."""
    from corpus.archive import Archive
    from sohoa.cli import cli

    settings = Settings.from_env(None)
    run = get_run_context().flow_run
    archive = Archive(settings)
    try:
        archive.catalog.log_event(str(run.id), "deployment-run", deployment=deployment, flow_run=run.name,
                                  command=["sohoa", *argv], started_by=who_started(person))
    finally:
        archive.close()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        code = cli.main(args=["--archive", str(settings.home), *argv], prog_name="sohoa", standalone_mode=False)
    output = printed.getvalue().strip()
    create_markdown_artifact(key=deployment, description=f"sohoa {argv[0]}",
                             markdown=f"# {shlex.join(['sohoa', *argv])}\n\n```\n{output}\n```\n")
    if code:
        raise RunFailed(output.splitlines()[-1] if output else f"exit code {code}")
    return {"output": output.splitlines()}


@flow(name="ingest-files", log_prints=False)
def ingest_files(paths: tuple[Path, ...] = (), manifest: Path | None = None,
                 metadata: DocumentFields = DocumentFields(), force: bool = False, started_by: str = "") -> dict[str, Any]:
    """Ingest scans (PDF, TIFF, JPEG/PNG, a folder of page images) on the server's disk, or a CSV
    manifest's rows: `sohoa ingest`.

    Args:
        paths: Tệp hoặc thư mục trên máy chủ / files or folders on the serving machine.
        manifest: Bảng kê CSV / a CSV manifest: file,title,commune,district,province,year,kind,collection,access.
        metadata: Thông tin cho mọi tệp / what applies to every file given in paths.
        force: Nhận dạng lại tài liệu đã lưu / redo the OCR of documents already archived.
        started_by: Người chạy / started by: your name, kept in the archive's provenance.
    """
    argv = ["ingest", *map(str, paths),
            *flags(manifest=manifest, force=force, by=who_started(started_by), **metadata.model_dump())]
    return run_command("ingest", argv, started_by)


@flow(name="audiobook-file", log_prints=False)
def audiobook_file(source: Path | None = None, doc: str | None = None, title: str = "", issue: str = "",
                   date: str = "", publisher: str = "", series: str = "", engine: Literal["gtts", "espeak"] = "gtts",
                   fallback: bool = False, audio_format: Literal["mp3", "m4b"] = "mp3", cover: Path | None = None,
                   access: Access = "public", started_by: str = "") -> dict[str, Any]:
    """A bulletin (.txt, .md, .docx, a PDF with a text layer) or an archived document read aloud:
    `sohoa audiobook`.

    Args:
        source: Bản tin trên máy chủ / a bulletin file on the serving machine (.txt, .md, .docx, .pdf).
        doc: Hoặc mã tài liệu đã lưu / or the id of an archived document.
        title: Tiêu đề / title (default: the first line).
        issue: Số / issue number.
        date: Ngày / date of the issue, YYYY-MM-DD.
        publisher: Nơi phát hành / publisher.
        series: Tên loạt / series (default: "Bản tin <publisher>").
        engine: gtts (Google's voice, online) or espeak (offline).
        fallback: Đọc bằng espeak khi gTTS lỗi / speak what gTTS fails with espeak.
        audio_format: mp3 or m4b.
        cover: Ảnh bìa / cover image on the serving machine.
        access: internal: chỉ đảng viên nghe / only members hear it.
        started_by: Người chạy / started by: your name, kept in the archive's provenance.
    """
    argv = ["audiobook", *([str(source)] if source else []),
            *flags(doc=doc, title=title, issue=issue, date=date, publisher=publisher, series=series, engine=engine,
                   fallback=fallback, format=audio_format, cover=cover, access=access)]
    return run_command("audiobook", argv, started_by)


@flow(name="reindex", log_prints=False)
def reindex(started_by: str = "") -> dict[str, Any]:
    """Rebuild the search index from the archive and swap it in: `sohoa reindex`.

    Args:
        started_by: Người chạy / started by: your name, kept in the archive's provenance.
    """
    return run_command("reindex", ["reindex"], started_by)


def deployments(watch: Path | None = None, interval: float = 60) -> list[Any]:
    """The deployments `sohoa deploy` serves; with ``watch``, the hot folder's on a schedule."""
    from prefect.deployments.runner import EntrypointType

    from flows.watch import watch_flow

    # By module, not file: the runner finds each flow wherever sohoa is installed.
    by_module = {"entrypoint_type": EntrypointType.MODULE_PATH}
    scheduled = {"interval": interval, "parameters": {"inbox": str(watch.absolute())}} if watch else {}
    return [ingest_files.to_deployment("ingest", tags=["sohoa"], **by_module),
            audiobook_file.to_deployment("audiobook", tags=["sohoa"], **by_module),
            reindex.to_deployment("reindex", tags=["sohoa"], **by_module),
            watch_flow.to_deployment("watch", tags=["sohoa"], **scheduled, **by_module)]


def serve_all(watch: Path | None = None, interval: float = 60, limit: int | None = None) -> None:
    """Serve the deployments until interrupted; each run is a subprocess of this one."""
    from prefect import serve
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        raise BadArgsError("deployments need a Prefect server: run 'prefect server start' and set "
                           "PREFECT_API_URL=http://127.0.0.1:4200/api (docs/deploy.md)")
    # A service restarts (systemd, an upgrade): the hot folder's schedule must not stay paused after it.
    serve(*deployments(watch, interval), print_starting_message=False, limit=limit, pause_on_shutdown=False)
