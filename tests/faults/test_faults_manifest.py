"""Manifests as they arrive: saved by Excel on a Vietnamese Windows (CP1258), with a row in no known
encoding, naming files outside their folder, naming one file twice. A real `sohoa ingest` process."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from PIL import Image

from corpus.manifest import read_manifest
from sohoa.errors import ExitCode
from tests.fault_injection import one_page_scan, sohoa

TONES = "\u0300\u0301\u0303\u0309\u0323"  # CP1258 keeps these five as combining marks


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 writes it: base letters precomposed (â ơ ư đ), tone marks apart."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tone = "".join(c for c in parts if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + tone)
    return "".join(out).encode("cp1258")


def test_a_cp1258_manifest_is_read_and_a_row_in_no_encoding_is_refused_alone(scans, tmp_path: Path) -> None:
    box = tmp_path / "hop-ho-so"
    one_page_scan(scans, box, "trang.png")
    manifest = box / "bang-ke.csv"
    manifest.write_bytes(cp1258("file,title,commune,district,year,kind\n"
                                "trang.png,Nghị quyết Đảng ủy phường,Cự Khối,Long Biên,1985,resolution\n")
                         + b"khac.png,\x81\x8d h\xd2ng,,,1985,other\n")
    rows = read_manifest(manifest)
    assert rows[0].error is None and rows[0].meta is not None
    assert (rows[0].meta.title, rows[0].meta.commune) == ("Nghị quyết Đảng ủy phường", "Cự Khối")
    assert unicodedata.is_normalized("NFC", rows[0].meta.title)
    assert rows[1].error is not None and "bang-ke.csv:3" in rows[1].error and "neither UTF-8 nor CP1258" in rows[1].error


def test_a_manifest_may_not_reach_outside_its_folder_unless_allowed(scans, tmp_path: Path) -> None:
    box = tmp_path / "hop-ho-so"
    inside = one_page_scan(scans, box, "trang.png")
    outside = tmp_path / "ngoai.png"
    with Image.open(inside) as page:  # another page: the same one cropped
        page.crop((0, 0, page.width, page.height * 2 // 3)).save(outside)
    (box / "loi-tat.png").symlink_to(outside)
    manifest = box / "bang-ke.csv"
    manifest.write_text("file,title\n"
                        "trang.png,Trong hộp\n"
                        "../ngoai.png,Ngoài hộp\n"
                        f"{outside},Đường dẫn tuyệt đối\n"
                        "loi-tat.png,Lối tắt ra ngoài\n"
                        f"{inside},Lại trang trong hộp\n", encoding="utf-8")
    home = tmp_path / "archive"
    ran = sohoa(home, "ingest", "--manifest", str(manifest), "--jobs", "1", timeout=600)
    assert ran.returncode == ExitCode.partial_failure, ran.stdout + ran.stderr
    refused = [line for line in ran.stdout.splitlines() + ran.stderr.splitlines() if "outside the manifest" in line]
    assert [line.split(":")[1] for line in refused] == ["3", "4", "5"], refused
    assert "given twice, done once" in ran.stdout  # line 6 is line 2's file
    assert "1 documents, 1 pages archived" in ran.stdout
    allowed = sohoa(home, "ingest", "--manifest", str(manifest), "--allow-outside", "--jobs", "1", timeout=600)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "2 documents, 2 pages archived" in allowed.stdout  # the outside file, named three ways, once
