"""Generated Vietnamese party-history pages for the search benchmark (seeded, no data files).

Pages read like the archive's: sentences built from the phrases party histories and bulletins
use, names of places, people and years, and a Zipf-like tail of everyday syllables, about
2.6 KB (≈ 550 syllables) a page, grouped into documents of 4–200 pages with real-looking metadata.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from corpus.models import DocumentMeta
from search_index.backend import IndexedPage

PLACES = [  # (commune, district, province)
    ("Cự Khối", "Long Biên", "Hà Nội"), ("Thạch Bàn", "Long Biên", "Hà Nội"), ("Bát Tràng", "Gia Lâm", "Hà Nội"),
    ("Đông Anh", "Đông Anh", "Hà Nội"), ("Thạnh Lợi", "Bến Lức", "Long An"), ("Mỹ Yên", "Bến Lức", "Long An"),
    ("Hoà Hải", "Ngũ Hành Sơn", "Đà Nẵng"), ("Nghĩa Đô", "Cầu Giấy", "Hà Nội"), ("Tân Phú", "Đồng Xoài", "Bình Phước"),
    ("Quảng Thọ", "Quảng Điền", "Thừa Thiên Huế"), ("Yên Thế", "Lục Yên", "Yên Bái"), ("Vĩnh Quang", "Vĩnh Bảo", "Hải Phòng"),
    ("Kim Liên", "Nam Đàn", "Nghệ An"), ("Thuỷ Xuân", "Huế", "Thừa Thiên Huế"), ("Phú Hữu", "Nhơn Trạch", "Đồng Nai"),
    ("Xuân Hoà", "Phúc Yên", "Vĩnh Phúc"), ("Tam Hiệp", "Thanh Trì", "Hà Nội"), ("Hải Châu", "Hải Châu", "Đà Nẵng"),
]
KINDS = [("history", 0.45), ("bulletin", 0.35), ("resolution", 0.15), ("other", 0.05)]
PHRASES = [
    "lịch sử đảng bộ", "ban chấp hành", "chi bộ", "đảng viên", "hợp tác xã", "nông nghiệp", "kháng chiến chống thực dân Pháp",
    "kháng chiến chống Mỹ cứu nước", "cải cách ruộng đất", "xây dựng chủ nghĩa xã hội", "Mặt trận Tổ quốc",
    "Uỷ ban nhân dân", "Hội đồng nhân dân", "đoàn thanh niên", "hội phụ nữ", "hội nông dân", "dân quân du kích",
    "thi đua yêu nước", "nghị quyết", "đại hội đại biểu", "bí thư", "phó bí thư", "thường vụ", "công tác cán bộ",
    "kết nạp đảng viên mới", "đổi mới", "công nghiệp hoá hiện đại hoá", "xoá đói giảm nghèo", "nông thôn mới",
    "an ninh quốc phòng", "giáo dục chính trị tư tưởng", "học tập và làm theo tư tưởng đạo đức phong cách Hồ Chí Minh",
    "Cách mạng tháng Tám", "Tổng khởi nghĩa", "chính quyền cách mạng", "bảo vệ Tổ quốc", "hoà bình lập lại",
    "đê sông Hồng", "thuỷ lợi", "chiến sĩ thi đua", "gia đình liệt sĩ", "thương binh", "bà mẹ Việt Nam anh hùng",
]
FILLER = (
    "và của các những được trong cho với đã là có không người này đến năm nhân dân xã huyện tỉnh thôn làng ruộng lúa "
    "gạo đất nước quê hương phong trào cuộc đấu tranh lãnh đạo chỉ đạo tổ chức cơ sở vững mạnh lực lượng quần chúng "
    "cán bộ sản xuất lao động đoàn kết tinh thần truyền thống vẻ vang thắng lợi to lớn khó khăn gian khổ hy sinh anh dũng "
    "kiên cường bền bỉ tiếp tục phát huy nâng cao chất lượng hiệu quả công tác kiểm tra giám sát đời sống vật chất tinh thần "
    "ngày tháng sau trước khi đó rồi lại cùng nhau từng bước vượt qua thử thách mới cũ lớn nhỏ nhiều ít hơn nhất rất "
    "trường học trạm xá chợ đình chùa đường điện bến đò cầu cống kênh mương trâu bò lợn gà vịt cá tôm khoai sắn ngô "
    "thuế quỹ vốn tiền lương hàng hoá mua bán trao đổi buôn thúng bán bưng ý kiến ở an toàn khu căn cứ địa"
).split()


class PageGenerator:
    def __init__(self, seed: int = 1930) -> None:
        self.rng = random.Random(seed)
        weights = [1 / (rank + 1) ** 0.9 for rank in range(len(FILLER))]
        self.filler_weights = weights
        self.people = [f"{a} {b} {c}" for a in ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi")
                       for b in ("Văn", "Thị", "Đức", "Hữu", "Ngọc") for c in ("Thuý", "Hoà", "Lâm", "Khối", "Tâm",
                                                                                "Minh", "Hùng", "Lan", "Sơn", "Bình")]

    def sentence(self, place: tuple[str, str, str], year: int) -> str:
        rng = self.rng
        words = rng.choices(FILLER, weights=self.filler_weights, k=rng.randint(8, 20))
        for _ in range(rng.randint(1, 3)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(PHRASES))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words) + 1), f"xã {place[0]}")
        if rng.random() < 0.2:
            words.insert(rng.randrange(len(words) + 1), f"đồng chí {rng.choice(self.people)}")
        if rng.random() < 0.25:
            words.append(f"năm {rng.randint(1930, year)}")
        text = " ".join(words)
        if rng.random() < 0.03:
            text += " (xem Phụ lục <3> & bảng số liệu)"  # OCR text carries < and &
        return text[0].upper() + text[1:] + "."

    def pages(self, count: int) -> Iterator[IndexedPage]:
        rng, made, doc_no = self.rng, 0, 0
        while made < count:
            doc_no += 1
            place = rng.choice(PLACES)
            kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
            year = rng.randint(1954, 2023)
            size = rng.randint(40, 200) if kind == "history" else rng.randint(4, 30)
            title = {"history": f"Lịch sử Đảng bộ xã {place[0]}", "bulletin": f"Bản tin Đảng bộ huyện {place[1]} số {doc_no}",
                     "resolution": f"Nghị quyết Đảng uỷ xã {place[0]}", "other": f"Tư liệu {place[0]}"}[kind]
            for page_no in range(1, min(size, count - made) + 1):
                body = " ".join(self.sentence(place, year) for _ in range(rng.randint(15, 21)))
                meta = DocumentMeta(title=title, commune=place[0], district=place[1], province=place[2],
                                    year=year, kind=kind, access="internal" if rng.random() < 0.1 else "public")
                yield IndexedPage(doc_id=f"d{doc_no:05d}", page_no=page_no, text=body, meta=meta)
                made += 1
