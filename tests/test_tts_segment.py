"""Segmentation: clauses within gTTS's limit, cut where a reader breathes, chapters from headings."""

from __future__ import annotations


from tts.document import parse
from tts.normalize import normalize
from tts.segment import Pause, clauses, segment

from tests.tts_fixtures import SAMPLE
LONG = ("Nhờ đó, các văn bản chỉ đạo, định hướng được nhanh chóng hơn, thông tin hai chiều kịp thời, "
        "lan tỏa rộng hơn và điểm nổi bật là tạo sự năng động, sáng tạo trong công việc của cán bộ tuyên giáo.")


def test_long_sentence_is_cut_at_commas_within_the_limit() -> None:
    parts = clauses(LONG, 100)
    assert " ".join(parts) == LONG
    assert all(len(p) <= 100 for p in parts)
    assert all(p.endswith((",", ".")) for p in parts)  # every cut after punctuation
    assert len(parts) == 3


def test_no_cut_inside_a_number_or_word() -> None:
    sentence = normalize("Trên địa bàn quận hiện có 19.650 đảng viên và 1.234.567 hội viên của các đoàn thể chính trị xã hội.")
    for part in clauses(sentence, 60):
        assert not part.startswith(("nghìn", "trăm", "mươi", "lăm", "mốt"))  # a number stays whole
    words = sentence.split()
    assert [w for p in clauses(sentence, 60) for w in p.split()] == words


def test_a_word_longer_than_the_limit_stays_whole() -> None:
    assert clauses("a" * 120 + " b", 100) == ["a" * 120, "b"]


def test_sample_bulletin_chapters_and_pauses() -> None:
    bulletin = parse(SAMPLE.read_text(encoding="utf-8"))
    assert bulletin.title == "Quyết liệt chuyển đổi số trong công tác Đảng"
    assert [c.title for c in bulletin.chapters] == ["Tiên phong đi trước, mở đường", "Tiến tới số hóa công tác Đảng"]
    assert not any("|" in p for c in bulletin.chapters for p in c.paragraphs)  # photo captions left out
    segments = segment(bulletin, intro="Bản tin số 3.")
    assert segments[0].text == "Bản tin số 3." and segments[1].text == "Tiên phong đi trước, mở đường"
    assert max(len(s.text) for s in segments) <= 100
    assert [s.index for s in segments] == list(range(len(segments)))
    assert [s.pause for s in segments].count(Pause.chapter) == 2
    assert segments[-1].pause is Pause.chapter


def test_markdown_headings() -> None:
    text = "# Bản tin tháng 5\n\nMở đầu ngắn.\n\n## Tin trong nước\n\nĐoạn một.\n\n## Tin địa phương\n\nĐoạn hai.\n"
    bulletin = parse(text, markdown=True)
    assert bulletin.title == "Bản tin tháng 5"
    assert [c.title for c in bulletin.chapters] == ["Bản tin tháng 5", "Tin trong nước", "Tin địa phương"]
