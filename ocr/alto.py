"""Reading ALTO back: the lines of a page corrected in an external tool (eScriptorium, Transkribus,
an XML editor), as the text of each TextLine, its Strings joined by a space."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from sohoa.errors import InputFileError
from sohoa.vietnamese import nfc


def alto_lines(path: Path) -> list[str]:
    """The text of every TextLine, in document order (any ALTO version: namespaces are ignored)."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise InputFileError(f"{path.name}: không đọc được ALTO / not readable ALTO ({exc})") from None
    lines = []
    for line in root.iter():
        if line.tag.rsplit("}", 1)[-1] != "TextLine":
            continue
        words = [s.get("CONTENT", "") for s in line if s.tag.rsplit("}", 1)[-1] == "String"]
        lines.append(nfc(" ".join(w for w in words if w.strip())))
    return lines
