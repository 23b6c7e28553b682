"""The Whoosh engine: the default, pure Python, a folder of files, nothing to run.

- ``backend``: the :class:`search_index.backend.Backend` over Whoosh (schema, query compiler, hits).
- ``fast``: writes Whoosh's segment files faster than Whoosh's own ``SegmentWriter`` (bulk builds
  in two processes).
- ``arrays``: answers the compiled queries with NumPy arrays of postings, with Whoosh's BM25F scores.

Whoosh internals these rely on. ``fast`` subclasses ``whoosh.writing.SegmentWriter`` and uses its
``pool``, ``perdocwriter``, ``per_document_reader()``, ``fieldwriter``, ``docnum``, ``docbase``,
``codec.length_stats``, the ``_lk`` argument and ``_added``, ``_finalize_segment``,
``_merge_segments``, ``_close_segment``, ``_commit_toc``, ``_finish``; and the whoosh3 codec's
posting writer ``fieldwriter._postwriter`` with ``_blocklimit``, ``_ids``, ``_weights``,
``_values``, ``_maxweight``, ``_minlength``, ``_maxlength``, ``_write_block``. ``arrays`` reads
postings through ``whoosh.codec.whoosh3.W3LeafMatcher`` (``_data``, ``_byteids``, ``_weights``,
``_read_data``, ``_read_weights``, ``_next_block``), field lengths through the reader's
``_perdoc._cached_reader`` with ``LENGTHS_COLUMN``, and unwraps ``whoosh.matching.FilterMatcher``.

Checked against Whoosh 2.7.4, the last release (2016), which pyproject.toml pins (``<2.8``). The
forks that import as ``whoosh`` (whoosh-reloaded 2.7.5 and later) were not checked: before using
one, run ``tests/test_search_whoosh_conformance.py`` (stock Whoosh's writer and searcher against
these) and ``tests/test_search_arrays.py``.
"""
