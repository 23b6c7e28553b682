"""Opinion polls and listen counts in the catalog, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from corpus.catalog import Catalog
from corpus.listens import plays, record_play
from corpus.polls import PollStore, split_polls
from sohoa.errors import BadArgsError, InputFileError, NotFoundError
from tests.postgres import catalog_url, postgres, postgres_url  # noqa: F401 (fixtures)

BULLETIN = """# Bản tin tháng 3

Chi bộ họp định kỳ.

```poll
Giờ sinh hoạt nào thuận tiện nhất?
- Sáng thứ Bảy
- Tối thứ Năm
```

## Tin vắn
Phường ra quân dọn vệ sinh.

```poll
Bạn nghe bản tin bằng gì?
* Điện thoại
* Loa phường
* Máy tính
```
"""


def test_poll_blocks_are_taken_out_of_the_text_and_read() -> None:
    text, specs = split_polls(BULLETIN)
    assert "```" not in text and "Sáng thứ Bảy" not in text and "Phường ra quân" in text
    assert [(s.question, s.choices) for s in specs] == [
        ("Giờ sinh hoạt nào thuận tiện nhất?", ("Sáng thứ Bảy", "Tối thứ Năm")),
        ("Bạn nghe bản tin bằng gì?", ("Điện thoại", "Loa phường", "Máy tính"))]


@pytest.mark.parametrize("block", ["```poll\nChỉ có câu hỏi?\n- Một\n```\n", "```poll\n- Có\n- Không\n```\n",
                                   "```poll\nHỏi?\n- Có\n- Có\n```\n"])
def test_a_bad_poll_block_names_itself(block: str) -> None:
    with pytest.raises(InputFileError, match="khối ```poll thứ 1"):
        split_polls(block)


def test_answers_replace_count_and_come_back(catalog_url: str) -> None:
    catalog = Catalog(catalog_url)
    try:
        store = PollStore(catalog.engine)
        _, specs = split_polls(BULLETIN)
        first, second = store.sync("ban-tin-3", specs)
        assert store.sync("ban-tin-3", specs) == [first, second]  # running the audiobook again adds nothing
        store.answer("ban-tin-3", first.id, "trinh-duyet-a-000000", 1)
        store.answer("ban-tin-3", first.id, "trinh-duyet-a-000000", 2)  # changed her mind
        poll = store.answer("ban-tin-3", first.id, "trinh-duyet-b-000000", 2)
        assert poll.total == 2 and [c.votes for c in poll.choices] == [0, 2]
        assert store.answers_of("ban-tin-3", "trinh-duyet-a-000000") == {first.id: 2}
        assert poll.as_dict()["choices"][1] == {"id": 2, "label": "Tối thứ Năm", "votes": 2}
        with pytest.raises(BadArgsError):
            store.answer("ban-tin-3", first.id, "trinh-duyet-a-000000", 7)
        with pytest.raises(NotFoundError):
            store.answer("ban-khac", first.id, "trinh-duyet-a-000000", 1)  # a poll belongs to its bulletin
        assert store.polls("ban-khac") == []
        assert store.remove("ban-tin-3", second.id).question == "Bạn nghe bản tin bằng gì?"
        assert [p.id for p in store.polls("ban-tin-3")] == [first.id]
        with pytest.raises(NotFoundError):
            store.remove("ban-tin-3", second.id)

        record_play(catalog.engine, "ban-tin-3", dt.date(2026, 3, 1))
        record_play(catalog.engine, "ban-tin-3", dt.date(2026, 3, 1))
        record_play(catalog.engine, "ban-tin-3", dt.date(2026, 3, 2))
        record_play(catalog.engine, "ban-khac", dt.date(2026, 3, 2))
        assert plays(catalog.engine, "ban-tin-3") == [("ban-tin-3", "2026-03-02", 1), ("ban-tin-3", "2026-03-01", 2)]
        assert len(plays(catalog.engine)) == 3
    finally:
        catalog.close()
