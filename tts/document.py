"""A bulletin as chapters of paragraphs, from .txt or .md (headings become chapters)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sohoa.vietnamese import nfc

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_CAPTION = re.compile(r"\s\|\s*$")  # web-copied articles end photo captions with " |"


@dataclass
class Chapter:
    title: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Bulletin:
    title: str
    chapters: list[Chapter]

    @property
    def text(self) -> str:
        return "\n".join(p for c in self.chapters for p in [c.title, *c.paragraphs])


def _looks_like_heading(line: str, next_line: str | None) -> bool:
    """A plain-text heading: short, two words or more, no closing punctuation, a paragraph follows."""
    return (
        len(line) <= 80
        and len(line.split()) >= 2
        and not re.search(r"[.!?:;,…|”\"]$", line)
        and next_line is not None
        and len(next_line) > len(line)
    )


def parse(text: str, markdown: bool = False, title: str | None = None) -> Bulletin:
    """Split ``text`` into chapters. The first line (or "# title") is the title unless given.

    Photo captions (lines ending in " |") are left out: read aloud they interrupt the article.
    """
    lines = [ln.strip() for ln in nfc(text).splitlines()]
    lines = [ln for ln in lines if ln and not _CAPTION.search(ln)]
    if not lines:
        return Bulletin(title or "", [])
    first = _MD_HEADING.match(lines[0]) if markdown else None
    if title is None:
        title = first.group(2) if first else lines[0]
        lines = lines[1:]
    elif lines[0] in (title, f"# {title}"):
        lines = lines[1:]
    chapters = [Chapter(title)]
    for i, line in enumerate(lines):
        heading = _MD_HEADING.match(line) if markdown else None
        following = lines[i + 1] if i + 1 < len(lines) else None
        if heading or (not markdown and _looks_like_heading(line, following)):
            name = heading.group(2) if heading else line
            if chapters[-1].paragraphs or len(chapters) > 1:
                chapters.append(Chapter(name))
            else:  # a heading right after the title names the first chapter
                chapters[-1] = Chapter(name)
        else:
            chapters[-1].paragraphs.append(line)
    return Bulletin(title, [c for c in chapters if c.paragraphs])
