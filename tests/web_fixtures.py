"""A small archive for the web tests: page images with real word boxes, one internal document,
a page holding markup, and bulletins spoken by espeak-ng (no conftest.py: the lead owns it)."""

from __future__ import annotations

import atexit
import io
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from corpus import Archive, DocumentMeta, Page, Word
from corpus.archive import words_json
from tests import search_fixtures

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
WIDTH, HEIGHT, MARGIN, SIZE = 1240, 1754, 110, 34
MEMBER_TOKEN = "thanh-vien-thu-2024"  # noqa: S105 (a test credential; headers carry ASCII only)
SECRET = "gốm sứ Bát Tràng"  # occurs only in the internal document

CORPUS: dict[str, tuple[DocumentMeta, list[str]]] = {
    "cukhoi": (DocumentMeta(title="Lịch sử Đảng bộ xã Cự Khối", commune="Cự Khối", district="Long Biên",
                            province="Hà Nội", year=1985, kind="history"), [
        "LỊCH SỬ ĐẢNG BỘ XÃ CỰ KHỐI\nGiai đoạn 1930 – 1985\nChi bộ đầu tiên của xã ra đời năm 1930\n"
        "giữa phong trào cách mạng sôi nổi.",
        "Năm 1975, hợp tác xã nông nghiệp được củng cố;\nnhân dân hoà bình xây dựng quê hương.\n"
        "Đảng bộ lãnh đạo phong trào thi đua yêu nước.",
        "Đê sông Hồng được gia cố, hợp tác xã\nmở rộng diện tích trồng rau màu.\nLịch sử đảng bộ ghi lại công lao ấy.",
    ]),
    "thachban": (DocumentMeta(title="Lịch sử xã Thạch Bàn <b>1945–1954</b>", commune="Thạch Bàn",
                              district="Long Biên", province="Hà Nội", year=1954, kind="history"), [
        "Kháng chiến chống thực dân Pháp thắng lợi,\nhoà bình lập lại năm 1954.\n<script>alert('xss')</script>",
        "Chi bộ thôn Thạch Cầu họp bàn việc chia ruộng.",
    ]),
    "gialam": (DocumentMeta(title="Nghị quyết mật Đảng uỷ huyện Gia Lâm", commune="Bát Tràng", district="Gia Lâm",
                            province="Hà Nội", year=1978, kind="resolution", access="internal"), [
        f"Nghị quyết về hợp tác xã {SECRET}, nội bộ, không phổ biến.",
    ]),
}

BULLETIN = """# Bản tin Đảng bộ phường

## Tin trong tuần
Chi bộ khu dân cư số 3 họp định kỳ, bàn việc giữ gìn vệ sinh đường phố và chăm lo gia đình chính sách.

## Lịch sinh hoạt
Ngày 15 tháng 3, các chi bộ sinh hoạt chuyên đề về chuyển đổi số. Đảng viên mang theo điện thoại.

```poll
Giờ sinh hoạt chi bộ nào thuận tiện nhất?
- Sáng thứ Bảy
- Tối thứ Năm
- Chiều Chủ nhật
```
"""
BASE_URL = "https://bantin.example.vn"  # what the fixtures' QR codes and static feed publish


def render_page(text: str) -> tuple[bytes, list[Word]]:
    """A page image of ``text`` and the box of every word on it, as OCR would have stored them."""
    image = Image.new("L", (WIDTH, HEIGHT), 250)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, SIZE)
    words: list[Word] = []
    space = draw.textlength(" ", font=font)
    for line_no, line in enumerate(text.split("\n"), start=1):
        x, y = MARGIN, MARGIN + (line_no - 1) * SIZE * 2
        for word in line.split():
            left, top, right, bottom = draw.textbbox((x, y), word, font=font)
            draw.text((x, y), word, font=font, fill=20)
            words.append(Word(word, int(left), int(top), int(right - left), int(bottom - top), 96.0, line_no))
            x = right + space
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue(), words


def add_document(archive: Archive, doc_id: str, meta: DocumentMeta, texts: list[str]) -> None:
    """The search tests' document, its pages then replaced by rendered images with real word boxes,
    and those images as its original PDF (corrections rewrite the searchable PDF from it)."""
    search_fixtures.add_document(archive, doc_id, meta, texts)
    images = []
    for page_no, text in enumerate(texts, start=1):
        jpeg, words = render_page(text)
        images.append(Image.open(io.BytesIO(jpeg)))
        archive.save_page(
            Page(doc_id=doc_id, page_no=page_no, text=text, mean_confidence=96.0, word_count=len(words),
                 width=WIDTH, height=HEIGHT, dpi=150),
            files={"image.jpg": jpeg, "words.json": words_json(words), "text.txt": text,
                   "page.alto.xml": f"<alto><!-- {doc_id} page {page_no} --></alto>"})
    original = archive.path(f"originals/{doc_id}.pdf")
    original.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(original, "PDF", save_all=True, append_images=images[1:], resolution=150)
    archive.write_document_text(doc_id)


def make_bulletins(archive: Archive, base_url: str = BASE_URL) -> list[str]:
    """One bulletin spoken by espeak-ng with its poll, and a copy marked internal; returns their slugs."""
    from corpus.polls import PollStore
    from tts.cache import SegmentCache
    from tts.engines import EspeakEngine
    from tts.pipeline import BulletinInfo, Publishing, finish, plan
    from tts.synthesize import synthesize_all

    audio = archive.root / "audio"
    p = plan(BULLETIN, BulletinInfo(issue="7", date="2024-03-10", publisher="Đảng ủy phường"), markdown=True)
    clips = synthesize_all(p.segments, EspeakEngine(), SegmentCache(audio / ".cache"), workers=2)
    public = finish(p, clips, audio / p.slug, Publishing(base_url, owner_email="tuyengiao@example.vn"),
                    primary_engine="espeak")
    internal = audio / "2024-01-05-ban-tin-noi-bo"
    shutil.copytree(public.folder, internal)
    meta = json.loads((internal / "audiobook.json").read_text("utf-8"))
    meta.update(title="Bản tin nội bộ tháng Giêng", date="2024-01-05", access="internal", slug=internal.name)
    (internal / "audiobook.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    store = PollStore(archive.catalog.engine)
    for slug in (public.folder.name, internal.name):
        store.sync(slug, p.polls)
    return [public.folder.name, internal.name]


def make_archive(home: Path) -> tuple[Archive, list[str]]:
    """The test archive made from scratch: CORPUS rendered and indexed, the bulletins spoken."""
    import search_index

    archive = Archive.open(home)
    for doc_id, (meta, texts) in CORPUS.items():
        add_document(archive, doc_id, meta, texts)
        search_index.update_document(archive, doc_id)
    slugs = make_bulletins(archive)
    return archive, slugs


# Search backend → (the archive made once in this test process, its bulletins' slugs).
_MADE: dict[str, tuple[Path, list[str]]] = {}


def build_archive(home: Path) -> tuple[Archive, list[str]]:
    """A copy in ``home`` of the test archive, made once per test process: a dozen web test modules
    each need their own archive to change, and speaking the bulletins alone takes seconds. The
    archive holds no absolute path, so a copy is the same archive; keyed by the search backend,
    the one setting that changes what is written. A server catalog is outside the folder: made anew."""
    if os.environ.get("SOHOA_DATABASE_URL"):
        return make_archive(home)
    backend = os.environ.get("SOHOA_SEARCH_BACKEND", "")
    if backend not in _MADE:
        folder = Path(tempfile.mkdtemp(prefix="sohoa-web-archive-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        made, slugs = make_archive(folder / "archive")
        made.close()
        _MADE[backend] = (folder / "archive", slugs)
    made_home, slugs = _MADE[backend]
    shutil.copytree(made_home, home)
    return Archive.open(home), list(slugs)


@contextmanager
def web_client(home: Path, member_token: str = "") -> Iterator[object]:
    """A TestClient of the web app over the test archive built in ``home``."""
    from fastapi.testclient import TestClient

    from sohoa.settings import Settings
    from web import create_app

    archive, _ = build_archive(home)
    with TestClient(create_app(Settings.from_env(archive.settings.home), member_token=member_token)) as client:
        yield client
    archive.close()


@contextmanager
def served(app: object) -> Iterator[str]:
    """``app`` on a free loopback port, served by uvicorn in a thread; yields its base URL."""
    import uvicorn

    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{srv.servers[0].sockets[0].getsockname()[1]}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
