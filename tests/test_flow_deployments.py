"""`sohoa deploy`: the ingest, audiobook, reindex and watch flows served as deployments on a real
Prefect server, each a process of its own as an operator starts them; runs created through
Prefect's REST API with the parameters the UI's form sends, and the results found in the archive.

The forms come from the flows' typed parameters: checked here on the schema Prefect stores. The
served test takes a minute or more (a server, a runner, a run process per run, one page of OCR,
a short espeak audiobook); ``SOHOA_SKIP_SERVE=1`` leaves it out, as it does tests/test_scale_serve.py.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from corpus.archive import Archive
from corpus.models import ACCESS_LEVELS, KINDS
from sohoa.cli import main
from tests.processes import start, wait_for
from tests.test_scale_serve import prefect_server  # noqa: F401 (fixture)
from tests.test_tts_readers import CHAPTERS, word_bulletin

BIN = Path(sys.executable).parent
EDITOR = "Nguyễn Thị Lan"


def test_the_forms_offer_the_catalogs_choices_and_name_each_field():
    from flows.deployments import audiobook_file, ingest_files

    schema = ingest_files.parameters.model_dump()
    fields = schema["definitions"]["DocumentFields"]["properties"]
    assert fields["kind"]["anyOf"][0]["enum"] == list(KINDS)
    assert fields["access"]["anyOf"][0]["enum"] == list(ACCESS_LEVELS)
    assert fields["commune"]["title"].startswith("Xã / phường")
    assert schema["properties"]["paths"]["items"] == {"format": "path", "type": "string"}
    assert schema["properties"]["started_by"]["description"].startswith("Người chạy / started by")
    audio = audiobook_file.parameters.model_dump()["properties"]
    assert audio["engine"]["enum"] == ["gtts", "espeak"] and audio["audio_format"]["enum"] == ["mp3", "m4b"]


def test_deploy_without_a_server_is_one_line_and_exit_code_1(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))  # no profile with a server in it
    with pytest.raises(SystemExit) as exited:
        main(["--archive", str(tmp_path / "archive"), "deploy"])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "prefect server start" in err


class PrefectApi:
    """What the Prefect UI does through the server's REST API."""

    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, path: str, body: object | None = None) -> object:
        request = urllib.request.Request(f"{self.url}{path}", method="GET" if body is None else "POST",
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        # Prefect's own client (and so its UI) retries 429/502/503: a busy server's SQLite answers 503.
        for attempt in range(6):
            try:
                with urllib.request.urlopen(request, timeout=20) as answer:
                    return json.load(answer)
            except urllib.error.HTTPError as error:
                if error.code not in (429, 502, 503) or attempt == 5:
                    raise
                time.sleep(2 ** attempt)

    def deployments(self) -> dict[str, dict]:
        return {d["name"]: d for d in self.call("/deployments/filter", {})}

    def run(self, deployment: dict, parameters: dict) -> dict:
        """The form's "Run": a flow run of the deployment with these parameters, then its end."""
        run = self.call(f"/deployments/{deployment['id']}/create_flow_run", {"parameters": parameters})
        wait_for(lambda: self.state(run["id"])["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"), 600,
                 f"the {deployment['name']} run to end")
        return self.call(f"/flow_runs/{run['id']}")

    def state(self, run_id: str) -> dict:
        return self.call(f"/flow_runs/{run_id}")["state"]


@pytest.mark.slow
@pytest.mark.skipif(bool(os.environ.get("SOHOA_SKIP_SERVE")), reason="SOHOA_SKIP_SERVE is set: no Prefect server started")
@pytest.mark.timeout(1200)
def test_runs_started_as_the_prefect_ui_does_archive_and_publish_as_the_commands_do(
        prefect_server: dict[str, str], tmp_path: Path, scans, capsys: pytest.CaptureFixture[str]):  # noqa: F811
    home = tmp_path / "archive"
    scan = scans.get("deployed.pdf", pages=1, font="serif", variant="clean", seed=57)
    # The audiobook's QR code and feed need a public address, as deploy/sohoa.env gives every service.
    served = start([str(BIN / "sohoa"), "--archive", str(home), "deploy"], tmp_path / "deploy.log",
                   {**prefect_server, "SOHOA_BASE_URL": "https://bantin.example.vn"})
    api = PrefectApi(prefect_server["PREFECT_API_URL"])
    try:
        served.wait_until(lambda: {"ingest", "audiobook", "reindex", "watch"} <= set(api.deployments()), 180,
                          "sohoa deploy to register its deployments")
        deployments = api.deployments()
        # A value the form's drop-down does not offer is refused before any run starts.
        with pytest.raises(urllib.error.HTTPError) as refused:
            api.call(f"/deployments/{deployments['ingest']['id']}/create_flow_run",
                     {"parameters": {"paths": [str(scan)], "metadata": {"kind": "poem"}}})
        assert refused.value.code in (409, 422)

        missing = tmp_path / "khong-co.pdf"
        ingested = api.run(deployments["ingest"], {
            "paths": [str(scan), str(missing)], "started_by": EDITOR,
            "metadata": {"title": "Lịch sử Đảng bộ xã Cự Khối", "commune": "Cự Khối", "district": "Long Biên",
                         "year": 1975, "kind": "history", "access": "public"}})
        # One bad file: the other is archived, the run ends Failed with the command's closing line,
        # and its report has the command's own line for the bad file.
        assert ingested["state"]["type"] == "FAILED" and "1 failed" in ingested["state"]["message"], \
            served.output()[-3000:]
        [report] = [a for a in api.call("/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [ingested["id"]]}}})
                    if a["key"] == "ingest"]
        assert f"✗ {missing}: no such file or folder" in report["data"]
        bulletin = word_bulletin(tmp_path / "ban-tin.docx")
        spoken = api.run(deployments["audiobook"], {"source": str(bulletin), "engine": "espeak", "issue": "11",
                                                    "date": "2023-11-20"})
        assert spoken["state"]["type"] == "COMPLETED", served.output()[-3000:]
        reindexed = api.run(deployments["reindex"], {})
        assert reindexed["state"]["type"] == "COMPLETED", served.output()[-3000:]
    finally:
        served.stop()

    archive = Archive.open(home)
    [doc] = archive.catalog.documents()
    assert doc.status == "complete" and doc.meta.title == "Lịch sử Đảng bộ xã Cự Khối" and doc.meta.kind == "history"
    runs = {e["detail"]["deployment"]: e for e in archive.catalog.events() if e["action"] == "deployment-run"}
    assert runs["ingest"]["run_id"] == ingested["id"] and runs["ingest"]["detail"]["started_by"] == EDITOR
    assert runs["ingest"]["detail"]["command"] == [
        "sohoa", "ingest", str(scan), str(missing), "--by", EDITOR, "--title", "Lịch sử Đảng bộ xã Cự Khối", "--commune", "Cự Khối",
        "--district", "Long Biên", "--year", "1975", "--kind", "history", "--access", "public"]
    assert [e["detail"]["by"] for e in archive.catalog.events() if e["action"] == "register"] == [EDITOR]
    assert runs["audiobook"]["detail"]["started_by"] == "prefect"  # no name typed; an open-source server records no user
    assert runs["reindex"]["run_id"] == reindexed["id"]
    [meta] = [json.loads(p.read_text(encoding="utf-8")) for p in (home / "audio").glob("*/audiobook.json")]
    assert [c["title"] for c in meta["chapters"]] == CHAPTERS and meta["issue"] == "11"
    deployed_text = archive.document_text(doc.id)
    archive.close()

    # The same scan through the command: the same document, the same text.
    by_hand = tmp_path / "by-hand"
    with pytest.raises(SystemExit) as exited:
        main(["--archive", str(by_hand), "ingest", str(scan), "--kind", "history"])
    assert exited.value.code == 0, capsys.readouterr()
    archive = Archive.open(by_hand)
    assert [d.id for d in archive.catalog.documents()] == [doc.id]
    assert archive.document_text(doc.id) == deployed_text
    archive.close()
