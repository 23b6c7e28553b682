"""Opinion polls on bulletins ("phiếu thăm dò ý kiến"): written in the bulletin, answered on a phone.

An editor writes a poll into the bulletin's Markdown as a fenced block (several are allowed)::

    ```poll
    Question?
    - choice one
    - choice two
    ```

or adds one with `sohoa poll add`. Each voter (a random id a browser keeps in a cookie) holds one
answer per poll; answering again replaces it, so totals count people, not clicks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from corpus.catalog import _dialect_insert, now, poll_answers, poll_choices, polls
from sohoa.errors import BadArgsError, InputFileError, NotFoundError
from sohoa.vietnamese import nfc

_BLOCK = re.compile(r"^```poll[ \t]*\n(.*?)^```[ \t]*$\n?", re.M | re.S)
MAX_CHOICES = 12


@dataclass(frozen=True)
class PollSpec:
    question: str
    choices: tuple[str, ...]


@dataclass(frozen=True)
class Choice:
    id: int
    label: str
    votes: int


@dataclass(frozen=True)
class Poll:
    id: int
    bulletin: str
    question: str
    choices: tuple[Choice, ...]

    @property
    def total(self) -> int:
        return sum(c.votes for c in self.choices)

    def as_dict(self) -> dict:
        """The JSON API's shape: id, question, choices [{id, label, votes}], total."""
        return {"id": self.id, "question": self.question,
                "choices": [{"id": c.id, "label": c.label, "votes": c.votes} for c in self.choices],
                "total": self.total}


def check_spec(question: str, choices: list[str] | tuple[str, ...], where: str = "") -> PollSpec:
    question = " ".join(nfc(question).split())
    labels = tuple(" ".join(nfc(c).split()) for c in choices if c.strip())
    prefix = f"{where}: " if where else ""
    if not question:
        raise BadArgsError(f"{prefix}phiếu thăm dò cần một câu hỏi")
    if not 2 <= len(labels) <= MAX_CHOICES or len(set(labels)) != len(labels):
        raise BadArgsError(f"{prefix}phiếu thăm dò cần 2–{MAX_CHOICES} lựa chọn khác nhau")
    return PollSpec(question, labels)


def split_polls(markdown: str) -> tuple[str, list[PollSpec]]:
    """The bulletin without its poll blocks (they are shown, not read aloud) and the polls in them."""
    specs = []
    for n, block in enumerate(_BLOCK.finditer(nfc(markdown)), 1):
        lines = [ln.strip() for ln in block.group(1).splitlines() if ln.strip()]
        question = next((ln for ln in lines if not ln.startswith(("- ", "* "))), "")
        choices = [ln[2:] for ln in lines if ln.startswith(("- ", "* "))]
        try:
            specs.append(check_spec(question, choices))
        except BadArgsError as exc:
            raise InputFileError(f"khối ```poll thứ {n}: {exc}") from exc
    return _BLOCK.sub("", nfc(markdown)), specs


class PollStore:
    """Polls and answers in the catalog's database (SQLite or PostgreSQL)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def add(self, bulletin: str, spec: PollSpec) -> Poll:
        with self.engine.begin() as conn:
            poll_id = conn.execute(polls.insert().values(bulletin=bulletin, question=spec.question,
                                                         created_at=now())).inserted_primary_key[0]
            conn.execute(poll_choices.insert(), [{"poll_id": poll_id, "choice_id": n, "label": label}
                                                 for n, label in enumerate(spec.choices, 1)])
        return self.poll(bulletin, poll_id)

    def sync(self, bulletin: str, specs: list[PollSpec]) -> list[Poll]:
        """Add the bulletin's written polls that are not there yet (same question and choices)."""
        have = {(p.question, tuple(c.label for c in p.choices)) for p in self.polls(bulletin)}
        for spec in specs:
            if (spec.question, spec.choices) not in have:
                self.add(bulletin, spec)
        return self.polls(bulletin)

    def remove(self, bulletin: str, poll_id: int) -> Poll:
        """Delete a poll with its choices and answers (a poll whose wording was corrected, say)."""
        poll = self.poll(bulletin, poll_id)
        # Children first, explicitly: SQLite cascades only where its foreign_keys pragma is on.
        with self.engine.begin() as conn:
            for table in (poll_answers, poll_choices):
                conn.execute(table.delete().where(table.c.poll_id == poll_id))
            conn.execute(polls.delete().where(polls.c.id == poll_id))
        return poll

    def polls(self, bulletin: str) -> list[Poll]:
        votes = (sa.select(poll_answers.c.poll_id, poll_answers.c.choice_id, sa.func.count().label("votes"))
                 .group_by(poll_answers.c.poll_id, poll_answers.c.choice_id).subquery())
        query = (sa.select(polls.c.id, polls.c.question, poll_choices.c.choice_id, poll_choices.c.label,
                           sa.func.coalesce(votes.c.votes, 0).label("votes"))
                 .join(poll_choices, poll_choices.c.poll_id == polls.c.id)
                 .outerjoin(votes, (votes.c.poll_id == polls.c.id) & (votes.c.choice_id == poll_choices.c.choice_id))
                 .where(polls.c.bulletin == bulletin).order_by(polls.c.id, poll_choices.c.choice_id))
        found: dict[int, tuple[str, list[Choice]]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                found.setdefault(row.id, (row.question, []))[1].append(Choice(row.choice_id, row.label, row.votes))
        return [Poll(pid, bulletin, q, tuple(choices)) for pid, (q, choices) in found.items()]

    def poll(self, bulletin: str, poll_id: int) -> Poll:
        found = next((p for p in self.polls(bulletin) if p.id == poll_id), None)
        if found is None:
            raise NotFoundError(f"không có phiếu thăm dò số {poll_id} trong bản tin này")
        return found

    def answer(self, bulletin: str, poll_id: int, voter: str, choice_id: int) -> Poll:
        """Record (or replace) ``voter``'s answer; the poll with its new totals."""
        poll = self.poll(bulletin, poll_id)
        if choice_id not in {c.id for c in poll.choices}:
            raise BadArgsError("lựa chọn này không có trong phiếu thăm dò")
        insert = _dialect_insert(self.engine.dialect.name)(poll_answers).values(
            poll_id=poll_id, voter=voter, choice_id=choice_id, answered_at=now())
        with self.engine.begin() as conn:
            conn.execute(insert.on_conflict_do_update(
                index_elements=["poll_id", "voter"],
                set_={"choice_id": insert.excluded.choice_id, "answered_at": insert.excluded.answered_at}))
        return self.poll(bulletin, poll_id)

    def answers_of(self, bulletin: str, voter: str) -> dict[int, int]:
        """``voter``'s choice in each poll of the bulletin (to show the answer back after a reload)."""
        query = (sa.select(poll_answers.c.poll_id, poll_answers.c.choice_id)
                 .join(polls, polls.c.id == poll_answers.c.poll_id)
                 .where((polls.c.bulletin == bulletin) & (poll_answers.c.voter == voter)))
        with self.engine.connect() as conn:
            return {row.poll_id: row.choice_id for row in conn.execute(query)}
