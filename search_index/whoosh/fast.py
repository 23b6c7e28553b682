"""Whoosh 2.7.4 made faster where it spends its time writing postings. Same segment files.

Whoosh's own ``SegmentWriter`` sends every posting through a sorting pool (a size estimate and
asserts per posting, a sort of all posting tuples, spill files) and then, per posting, through
``FieldWriter.add_postings`` which re-reads the document's field length from disk, and through the
codec's ``add_posting`` (four isinstance asserts). At ~720 postings a page that was most of
the indexing time. Here postings go into one array per term (documents arrive in docnum order,
so each array is already sorted), field lengths are read once per field, and each term's posting
list is handed to the codec a block at a time. The files written are Whoosh's own (the codec's
block writer does the encoding), so readers need nothing special. The Whoosh internals used
here are listed in ``search_index/whoosh/__init__.py``; Whoosh 2.7.4 is pinned and unmaintained,
and tests/test_search_whoosh_conformance.py compares what we write with what Whoosh writes.

Memory: every posting of the segment is held in arrays (8 bytes a posting, ~6 KB a page here)
until the commit, where Whoosh's pool spilled to disk past ``limitmb``; fine for the corpora
Whoosh is meant for (tantivy serves the large ones).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from array import array
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any, BinaryIO

from whoosh.writing import SegmentWriter


class TermPool:
    """Postings by field and term, in arrays; stands in for Whoosh's ``PostingPool``."""

    def __init__(self) -> None:
        self.terms: dict[str, dict[bytes, tuple[array, array, list[bytes]]]] = {}
        self.fieldnames: set[str] = set()

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        field = self.terms.get(fieldname)
        if field is None:
            field = self.terms[fieldname] = {}
            self.fieldnames.add(fieldname)
        postings = field.get(tbytes)
        if postings is None:
            postings = field[tbytes] = (array("I"), array("f"), [])
        postings[0].append(docnum)
        postings[1].append(weight)
        if vbytes:
            postings[2].append(vbytes)

    def cleanup(self) -> None:
        self.terms.clear()


ToFields = Callable[[Any], dict[str, Any]]


class FastSegmentWriter(SegmentWriter):
    """``SegmentWriter`` with a ``TermPool``; everything else (stored fields, columns,
    deletions, merging of small segments, the TOC commit) is Whoosh's.

    ``to_fields`` turns an item given to ``add_items`` into a document's fields."""

    def __init__(self, ix: Any, to_fields: ToFields, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.pool = TermPool()
        self.to_fields = to_fields

    def add_items(self, items: Iterable[Any]) -> int:
        count = 0
        for item in items:
            self.add_document(**self.to_fields(item))
            count += 1
        return count

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        try:
            write_postings(self.fieldwriter, self.schema, self.pool, lengths, self.docnum - self.docbase)
        finally:
            if lengths is not None:
                lengths.close()
        self.fieldwriter.close()


def write_postings(fieldwriter: Any, schema: Any, pool: TermPool, lengths: Any, doc_count: int) -> None:
    """Every posting list of the pool, fields and terms in byte order, as the codec expects."""
    for fieldname in sorted(pool.terms):
        terms = pool.terms[fieldname]
        field_lengths = ([lengths.doc_field_length(d, fieldname) for d in range(doc_count)]
                         if lengths is not None and schema[fieldname].scorable else None)
        fieldwriter.start_field(fieldname, schema[fieldname])
        for tbytes in sorted(terms):
            fieldwriter.start_term(tbytes)
            docnums, weights, values = terms[tbytes]
            _write_term(fieldwriter._postwriter, docnums, weights, values, field_lengths)
            fieldwriter.finish_term()
        fieldwriter.finish_field()


def _write_term(postwriter: Any, docnums: array, weights: array, values: list[bytes],
                field_lengths: list[int] | None) -> None:
    """One term's postings, a block at a time (what ``add_posting`` builds one posting at a time)."""
    limit = postwriter._blocklimit
    total = len(docnums)
    for start in range(0, total, limit):
        end = min(total, start + limit)
        postwriter._ids = docnums[start:end]
        postwriter._weights = weights[start:end]
        postwriter._values = values[start:end] if values else []
        postwriter._maxweight = max(postwriter._weights)
        block_lengths = [n for n in (field_lengths[d] for d in postwriter._ids) if n] if field_lengths else []
        postwriter._minlength = min(block_lengths) if block_lengths else None
        postwriter._maxlength = max(block_lengths) if block_lengths else 0
        if end < total:
            postwriter._write_block()  # the last block is written (or inlined) by finish_postings


CHUNK = 100  # documents handed to the other process at a time


class ParallelSegmentWriter(FastSegmentWriter):
    """For bulk builds: a child process indexes every other chunk of documents into a segment of
    its own, this process the rest; the commit lists both segments in the TOC (as Whoosh's
    ``MpWriter(multisegment=True)`` does, minus its pickled job files and its slow sub-writers).

    The child is a new interpreter (``python -m search_index.whoosh.fast``) fed pickles through
    its stdin, not a fork: the writer runs in processes that have threads (rich's progress refresh
    under ``sohoa reindex``, Prefect's workers), and a forked child would inherit their locks in
    whatever state they were. ``ix`` and ``to_fields`` (a module-level function) go to it pickled.
    The new interpreter's imports cost ~0.8 CPU-s once per build, beside the parent's own work.
    """

    def __init__(self, ix: Any, to_fields: ToFields, **kwargs: Any) -> None:
        super().__init__(ix, to_fields, **kwargs)
        self.child = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE)
        self._send((ix, to_fields, kwargs))
        self.turn = 0

    def add_items(self, items: Iterable[Any]) -> int:
        count = 0
        iterator = iter(items)
        while chunk := list(islice(iterator, CHUNK)):
            self.turn ^= 1
            if self.turn:
                self._send(chunk)
            else:
                super().add_items(chunk)
            count += len(chunk)
        return count

    def commit(self, mergetype: Any = None, optimize: Any = None, merge: Any = None) -> None:
        self._send(None)
        segment = self._child_result()
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        if segment is not None:
            finalsegments.append(segment)
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()

    def cancel(self) -> None:
        self.child.kill()
        self.child.wait()
        super().cancel()

    def _send(self, message: Any) -> None:
        try:
            pickle.dump(message, self.child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.child.stdin.flush()
        except BrokenPipeError:
            raise RuntimeError(f"the indexing child process died (exit code {self.child.wait()})") from None

    def _child_result(self) -> Any:
        self.child.stdin.close()
        try:
            outcome, value = pickle.load(self.child.stdout)
        except EOFError:
            raise RuntimeError(f"the indexing child process died (exit code {self.child.wait()})") from None
        self.child.wait()
        if outcome == "error":
            raise RuntimeError(f"the indexing child process failed: {value}")
        return value


def _child_segment(source: BinaryIO, sink: BinaryIO) -> None:
    """The child's loop: index chunks until None, then finish its segment and hand it back.

    Its stdin ends when its parent dies, which ends it too: an orphan writing on would add a
    segment no one commits."""
    try:
        ix, to_fields, options = pickle.load(source)
        writer = FastSegmentWriter(ix, to_fields, _lk=False, **options)
        while (chunk := pickle.load(source)) is not None:
            writer.add_items(chunk)
        outcome: tuple[str, Any] = ("segment", writer._finalize_segment() if writer._added else None)
    except EOFError:
        return
    except BaseException as exc:  # reported to the parent, which raises it
        outcome = ("error", f"{type(exc).__name__}: {exc}")
    pickle.dump(outcome, sink)
    sink.flush()


if __name__ == "__main__":
    _child_segment(sys.stdin.buffer, sys.stdout.buffer)
