"""A document as a BagIt bag (RFC 8493, the Library of Congress's ``bagit``): what one archive
hands another, and what ``sohoa ingest --bag`` reads back.

    data/original/…                 the original as it was ingested (a folder's page images in order)
    data/pages/page-0001.{alto.xml,hocr,txt,jpg}   the OCR of each page and the image its boxes fall on
    data/<title>.pdf                the searchable PDF
    data/metadata/dublin-core.xml   the catalog's description (Dublin Core, OAI-DC)
    data/metadata/provenance.json   every event the catalog logged for the document (ingest, OCR, …)
    data/metadata/sohoa.json        the catalog record, for ``sohoa ingest --bag``

SHA-256 and SHA-512 manifests cover every file; the bag is written under a temporary name and
moved into place when complete.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from xml.etree import ElementTree

import bagit

from corpus.archive import Archive, write_atomic
from corpus.export import download_name, page_files
from corpus.manifest import ManifestRow
from corpus.models import Document, DocumentMeta, given_fields
from sohoa.errors import BadArgsError

RECORD = "metadata/sohoa.json"
DC = "http://purl.org/dc/elements/1.1/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
CHECKSUMS = ["sha256", "sha512"]


def write_bag(archive: Archive, doc: Document, out: Path, *, archive_name: str, searchable_pdf: Path) -> Path:
    """Write ``doc`` as a bag at ``out`` (a folder that must not exist yet, or be empty)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BadArgsError(f"{out}: đã có và không rỗng / exists and is not empty")
    staging = out.with_name(out.name + ".part")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        _copy_original(archive, doc, staging / "original")
        for fmt in ("alto", "hocr", "txt"):
            for name, content in page_files(archive, doc, fmt):
                write_atomic(staging / "pages" / name, content)
        shutil.copyfile(searchable_pdf, staging / download_name(doc, "pdf"))
        write_atomic(staging / "metadata" / "dublin-core.xml", dublin_core(doc, archive_name))
        write_atomic(staging / "metadata" / "provenance.json",
                     json.dumps(archive.catalog.events(doc.id), ensure_ascii=False, indent=1, default=str))
        record = {"id": doc.id, "sha256": doc.sha256, "original_name": doc.original_name,
                  "media_type": doc.media_type, "page_count": doc.page_count, "meta": doc.meta.as_dict()}
        write_atomic(staging / RECORD, json.dumps(record, ensure_ascii=False, indent=1))
        bagit.make_bag(str(staging), {"Source-Organization": archive_name, "External-Identifier": doc.id,
                                      "External-Description": doc.meta.title or doc.original_name},
                       checksums=CHECKSUMS)
        if out.exists():
            out.rmdir()
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _copy_original(archive: Archive, doc: Document, folder: Path) -> None:
    from sohoa.ingest import archived_source

    source = archived_source(archive, doc.original_path, doc.media_type, doc.page_count)
    if source.members:  # a folder of page images: the folder, its pages in reading order
        for number, member in enumerate(source.members, 1):
            shutil.copyfile(member, _mkdirs(folder / Path(doc.original_name).name / f"{number:04d}{member.suffix}"))
    else:
        shutil.copyfile(source.path, _mkdirs(folder / Path(doc.original_name).name))


def _mkdirs(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def dublin_core(doc: Document, archive_name: str) -> str:
    """The catalog's description as OAI Dublin Core."""
    m = doc.meta
    places = ", ".join(m.places)
    ElementTree.register_namespace("oai_dc", OAI_DC)
    ElementTree.register_namespace("dc", DC)
    root = ElementTree.Element(f"{{{OAI_DC}}}dc")
    for name, value in (("title", m.title or doc.original_name), ("creator", m.author), ("type", "Text"), ("language", "vi"),
                        ("coverage", places), ("date", str(m.year) if m.year else ""), ("subject", m.kind),
                        ("relation", m.collection), ("publisher", archive_name), ("rights", m.access),
                        ("format", doc.media_type), ("identifier", doc.id), ("identifier", f"sha256:{doc.sha256}"),
                        ("source", doc.original_name)):
        if value:
            ElementTree.SubElement(root, f"{{{DC}}}{name}").text = value
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def read_bag(folder: Path) -> ManifestRow:
    """A bag written by ``write_bag`` as a row to ingest: validated (every checksum), its original
    and its catalog record; a bad bag is a row with its error, so a batch goes on."""
    try:
        bag = bagit.Bag(str(folder))
        bag.validate()
        record = json.loads((folder / "data" / RECORD).read_text(encoding="utf-8"))
        original = folder / "data" / "original" / Path(record["original_name"]).name
        if not original.exists():
            raise BadArgsError(f"no original {original.name} in the bag")
        meta = DocumentMeta.parse(**record["meta"])
    except (bagit.BagError, OSError, ValueError, KeyError, BadArgsError) as exc:
        return ManifestRow(0, None, None, f"{folder}: túi BagIt không hợp lệ / not a valid bag ({exc})")
    return ManifestRow(0, original, meta, None, given_fields(record["meta"]))
