"""The flows an operator starts from the Prefect UI, served as deployments by `sohoa deploy`.

Their parameters are typed (paths, the metadata fields, ``Literal`` choices for kind, access,
engine and format) so that the UI's run form shows a text box, a number or a drop-down for each
and Prefect refuses a bad value before the run starts. Each flow then calls what the command
calls (:mod:`sohoa.batch` and the ingest flow, :func:`sohoa.audiobook.make_audiobook`, the index
rebuild, the hot folder's poll): a run from the form archives and publishes what the command
would. Its report (the command's lines) is the run's markdown artifact; a batch with a failed
file ends the run Failed, as the command exits non-zero.

Who started a run goes into the catalog's provenance ("start", "audiobook", "reindex" events):
the name typed in the form's ``started_by``, else the user Prefect records (``created_by``, set by
Prefect Cloud; an open-source server records none), else "schedule" for a scheduled run, else
"prefect" (someone with access to the Prefect UI or API).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Literal

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.context import get_run_context
from pydantic import BaseModel, Field

from corpus.models import ACCESS_LEVELS, EARLIEST_YEAR, KINDS
from sohoa.batch import StartedBy, collect_jobs, plan_batch, result_lines, summary_line, unworked_lines
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
    """Some files of a batch failed: the run ends Failed, as the command exits non-zero."""

    exit_code = ExitCode.partial_failure


def run_starter(person: str, deployment: str) -> StartedBy:
    run = get_run_context().flow_run
    if person.strip():
        who = person.strip()
    elif run.created_by is not None:
        who = run.created_by.display_value or run.created_by.type or "prefect"
    else:
        who = "schedule" if run.auto_scheduled else "prefect"
    return StartedBy(nfc(who), f"prefect deployment {deployment} (flow run {run.name})")


def _report(key: str, title: str, lines: list[str]) -> None:
    body = "\n".join(f"- {line}" for line in lines)
    create_markdown_artifact(key=key, description=title, markdown=f"# {title}\n\n{body}\n")


@flow(name="ingest-files", log_prints=False)
def ingest_files(paths: tuple[Path, ...] = (), manifest: Path | None = None,
                 metadata: DocumentFields = DocumentFields(), force: bool = False, started_by: str = "") -> dict[str, Any]:
    """Ingest scans (PDF, TIFF, JPEG/PNG, a folder of page images) on the server's disk, or a CSV
    manifest's rows: what `sohoa ingest` does.

    Args:
        paths: Tệp hoặc thư mục trên máy chủ / files or folders on the serving machine.
        manifest: Bảng kê CSV / a CSV manifest: file,title,commune,district,province,year,kind,collection,access.
        metadata: Thông tin cho mọi tệp / what applies to every file given in paths.
        force: Nhận dạng lại tài liệu đã lưu / redo the OCR of documents already archived.
        started_by: Người chạy / started by: your name, kept in the archive's provenance.
    """
    from flows.ingest import run_ingest
    from ocr.doctor import check_ocr

    settings = Settings.from_env(None)
    if not paths and manifest is None:
        raise BadArgsError("give at least one file or folder, or a manifest (CSV)")
    check_ocr()
    jobs, refused_rows = collect_jobs(list(paths), manifest, metadata.model_dump())
    todos = plan_batch(settings, jobs, force=force)
    done_before = [t.document for t in todos if t.outcome == "already" and t.document is not None]
    work = [t for t in todos if t.has_work]
    cluster = os.environ.get("SOHOA_DASK_ADDRESS") or None  # as the command's --cluster reads it
    results = run_ingest(settings, work, cluster=cluster, started_by=run_starter(started_by, "ingest")) if work else []
    failures = len(refused_rows) + sum(t.outcome == "refused" for t in todos) + sum(not r.ok for r in results)
    summary = summary_line(settings, results, done_before, failures)
    lines = refused_rows + unworked_lines(todos) + [line for r in results for line in result_lines(r)]
    _report("ingest-files", summary, lines)
    if failures:
        raise RunFailed(summary)
    return {"documents": [r.doc_id for r in results if r.ok] + [d.id for d in done_before], "summary": summary}


@flow(name="audiobook-file", log_prints=False)
def audiobook_file(source: Path | None = None, doc: str | None = None, title: str = "", issue: str = "",
                   date: str = "", publisher: str = "",
                   series: str = "", engine: Literal["gtts", "espeak"] = "gtts", fallback: bool = False,
                   audio_format: Literal["mp3", "m4b"] = "mp3", cover: Path | None = None, access: Access = "public",
                   started_by: str = "") -> dict[str, Any]:
    """A bulletin (.txt, .md, .docx, a PDF with a text layer) or an archived document read aloud:
    what `sohoa audiobook` does.

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
    from sohoa.audiobook import AudiobookRequest, make_audiobook

    if (source is None) == (doc is None):
        raise BadArgsError("give a bulletin file or an archived document (one of them)")
    info = {"title": title, "issue": issue, "date": date, "publisher": publisher, "series": series, "access": access}
    request = AudiobookRequest(str(source) if source else None, doc, info, engine, fallback, audio_format, cover)
    result = make_audiobook(Settings.from_env(None), request, started_by=run_starter(started_by, "audiobook"))
    meta = result.metadata
    _report("audiobook-file", meta["title"], [f"{result.audio}: {meta['duration'] / 60:.1f} min, "
                                              f"{len(meta['chapters'])} chapters, {meta['engine']}"])
    return {"audio": str(result.audio), "chapters": [c["title"] for c in meta["chapters"]]}


@flow(name="reindex", log_prints=False)
def reindex(started_by: str = "") -> dict[str, Any]:
    """Rebuild the search index from the archive and swap it in: what `sohoa reindex` does.

    Args:
        started_by: Người chạy / started by: your name, kept in the archive's provenance.
    """
    from corpus.archive import Archive
    from search_index import reindex as rebuild

    archive = Archive(Settings.from_env(None))
    began = time.perf_counter()
    try:
        pages = rebuild(archive)
        who = run_starter(started_by, "reindex")
        archive.catalog.log_event(str(get_run_context().flow_run.id), "reindex", pages=pages, started_by=who.who,
                                  via=who.via)
    finally:
        archive.close()
    _report("reindex", f"indexed {pages} pages in {time.perf_counter() - began:.1f} s", [])
    return {"pages": pages}


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
