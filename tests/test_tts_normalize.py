"""Read-aloud normalisation: a table of bulletin-style phrases and how a careful reader says them."""

from __future__ import annotations

import pytest

from tts.lexicon import Lexicon
from tts.normalize import normalize
from tts.numbers import cardinal

CASES = [
    # numbers with thousands dots, decimal commas, percentages
    ("hiện có 19.650 đảng viên", "hiện có mười chín nghìn sáu trăm năm mươi đảng viên"),
    ("hơn 13.000 đảng viên", "hơn mười ba nghìn đảng viên"),
    ("khoảng 1.000 người", "khoảng một nghìn người"),
    ("1.005 hộ", "một nghìn không trăm linh năm hộ"),
    ("2.500.000 đồng", "hai triệu năm trăm nghìn đồng"),
    ("1.200.000.000 đồng", "một tỷ hai trăm triệu đồng"),
    ("đạt 95,5%", "đạt chín mươi lăm phẩy năm phần trăm"),
    ("đạt 95,5 %", "đạt chín mươi lăm phẩy năm phần trăm"),
    ("đã có 98% số đảng viên", "đã có chín mươi tám phần trăm số đảng viên"),
    ("là trên 100%.", "là trên một trăm phần trăm."),
    ("tăng 3,25 lần", "tăng ba phẩy hai mươi lăm lần"),
    ("giảm 0,05 điểm", "giảm không phẩy không năm điểm"),
    ("21 chi bộ", "hai mươi mốt chi bộ"),
    ("24 xã", "hai mươi tư xã"),
    ("25 phường", "hai mươi lăm phường"),
    ("15 đồng chí", "mười lăm đồng chí"),
    ("105 cơ sở đảng", "một trăm linh năm cơ sở đảng"),
    ("một trong 9 đơn vị", "một trong chín đơn vị"),
    ("Cơ sở dữ liệu đảng viên 3.0", "Cơ sở dữ liệu đảng viên ba chấm không"),
    ("Chỉ thị số 05", "Chỉ thị số không năm"),
    # ranges
    ("giai đoạn 2021–2025", "giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm"),
    ("nhiệm kỳ 2020-2025", "nhiệm kỳ hai nghìn không trăm hai mươi đến hai nghìn không trăm hai mươi lăm"),
    ("từ 5-7%", "từ năm đến bảy phần trăm"),
    # dates
    ("ngày 22/12/2022", "ngày hai mươi hai tháng mười hai năm hai nghìn không trăm hai mươi hai"),
    ("ngày 22-12-2022", "ngày hai mươi hai tháng mười hai năm hai nghìn không trăm hai mươi hai"),
    ("ngày 03.02.1930", "ngày ba tháng hai năm một nghìn chín trăm ba mươi"),
    ("Hà Nội, 22/12/2022", "Hà Nội, ngày hai mươi hai tháng mười hai năm hai nghìn không trăm hai mươi hai"),
    ("cuối tháng 12/2022", "cuối tháng mười hai năm hai nghìn không trăm hai mươi hai"),
    ("đầu tháng 2/2023", "đầu tháng hai năm hai nghìn không trăm hai mươi ba"),
    ("từ tháng 4/2023", "từ tháng tư năm hai nghìn không trăm hai mươi ba"),
    ("trong 4/2023", "trong tháng tư năm hai nghìn không trăm hai mươi ba"),
    ("trong năm 2023", "trong năm hai nghìn không trăm hai mươi ba"),
    ("ngày 19/5", "ngày mười chín tháng năm"),
    ("Ngày Nhà giáo Việt Nam (20/11)", "Ngày Nhà giáo Việt Nam, ngày hai mươi tháng mười một"),
    ("ngày 2023-02-15", "ngày ngày mười lăm tháng hai năm hai nghìn không trăm hai mươi ba"),
    # times
    ("lúc 14h30", "lúc mười bốn giờ ba mươi phút"),
    ("khai mạc lúc 8h", "khai mạc lúc tám giờ"),
    ("từ 7h05", "từ bảy giờ năm phút"),
    ("bắt đầu 14:30", "bắt đầu mười bốn giờ ba mươi phút"),
    # Roman numerals in context, ordinals
    ("Đại hội XIII của Đảng", "Đại hội mười ba của Đảng"),
    ("Quý I năm 2023", "Quý một năm hai nghìn không trăm hai mươi ba"),
    ("quý IV", "quý bốn"),
    ("Quốc hội khóa XV", "Quốc hội khóa mười lăm"),
    ("Ban Chấp hành Trung ương khoá XII", "Ban Chấp hành Trung ương khoá mười hai"),
    ("Đại hội Đảng bộ lần thứ XVII", "Đại hội Đảng bộ lần thứ mười bảy"),
    ("lần thứ I", "lần thứ nhất"),
    ("lần thứ 4", "lần thứ tư"),
    ("thế kỷ XX", "thế kỷ hai mươi"),
    ("II. Nhiệm vụ trọng tâm", "hai, Nhiệm vụ trọng tâm"),
    ("Bác Hồ và Hà Nội", "Bác Hồ và Hà Nội"),  # "Hồ" and "và" are no Roman numerals
    ("Vitamin C", "Vitamin C"),
    # currency and units
    ("500.000đ", "năm trăm nghìn đồng"),
    ("10 triệu USD", "mười triệu đô la Mỹ"),
    ("5 tỷ VNĐ", "năm tỷ đồng"),
    ("$200", "đô la hai trăm"),
    ("dài 12 km", "dài mười hai ki lô mét"),
    ("rộng 250 m2", "rộng hai trăm năm mươi mét vuông"),
    ("trồng 30 ha lúa", "trồng ba mươi héc ta lúa"),
    ("nặng 50kg", "nặng năm mươi ki lô gam"),
    # phone numbers, web and e-mail addresses
    ("Điện thoại: 0912 345 678", "Điện thoại: không chín một hai, ba bốn năm, sáu bảy tám"),
    ("gọi 0912.345.678", "gọi không chín một hai, ba bốn năm, sáu bảy tám"),
    ("số 024 3825 1234", "số không hai bốn, ba tám hai năm, một hai ba bốn"),
    ("đường dây nóng 1900 1234", "đường dây nóng một chín không không, một hai ba bốn"),
    ("xem tại https://tuyengiao.hanoi.gov.vn/tin-tuc", "xem tại tuyengiao chấm hanoi chấm gov chấm vê nờ gạch chéo tin gạch ngang tuc"),
    ("truy cập www.dangcongsan.vn.", "truy cập dangcongsan chấm vê nờ."),
    ("gửi về bantuyengiao@hanoi.gov.vn", "gửi về bantuyengiao a còng hanoi chấm gov chấm vê nờ"),
    # party and state abbreviations
    ("TP Hà Nội", "thành phố Hà Nội"),
    ("UBND quận Long Biên", "Ủy ban nhân dân quận Long Biên"),
    ("HĐND thành phố", "Hội đồng nhân dân thành phố"),
    ("Ủy ban MTTQ phường", "Ủy ban Mặt trận Tổ quốc phường"),
    ("của Trung ương, TP và quận", "của Trung ương, thành phố và quận"),
    ("Ban Chấp hành TW Đảng", "Ban Chấp hành Trung ương Đảng"),
    ("BCH Đảng bộ", "Ban Chấp hành Đảng bộ"),
    ("Đ/c Nguyễn Văn Phong", "đồng chí Nguyễn Văn Phong"),
    ("đ/c Bí thư", "đồng chí Bí thư"),
    ("ĐCSVN ra đời", "Đảng Cộng sản Việt Nam ra đời"),
    ("xây dựng CNXH", "xây dựng chủ nghĩa xã hội"),
    ("phát triển KT-XH", "phát triển kinh tế, xã hội"),
    ("TP.HCM", "Thành phố Hồ Chí Minh"),
    ("quét mã QR", "quét mã kiu a"),
    ("Tập đoàn VNPT", "Tập đoàn vê nờ pê tê"),
    # document codes: number, document type, issuing body
    ("Kế hoạch số 121-KH/TU ngày 22/12/2022 của Ban Thường vụ Thành ủy",
     "Kế hoạch số một trăm hai mươi mốt của Thành ủy ngày hai mươi hai tháng mười hai năm hai nghìn không trăm hai mươi hai của Ban Thường vụ Thành ủy"),
    ("Theo Nghị quyết 18-NQ/TU của Ban Thường vụ Thành ủy Hà Nội",
     "Theo Nghị quyết mười tám Thành ủy của Ban Thường vụ Thành ủy Hà Nội"),
    ("thực hiện 36-HD/VPTW", "thực hiện hướng dẫn số ba mươi sáu của Văn phòng Trung ương"),
    ("Chỉ thị 05-CT/TW", "Chỉ thị năm của Trung ương"),
    ("Quyết định số 1234/QĐ-UBND", "Quyết định số một nghìn hai trăm ba mươi tư của Ủy ban nhân dân"),
    ("Nghị định 30/2020/NĐ-CP", "Nghị định ba mươi năm hai nghìn không trăm hai mươi của Chính phủ"),
    ("Kết luận 01-KL/HU", "Kết luận một của Huyện ủy"),
    # punctuation a listener should not hear
    ("“Sổ tay đảng viên điện tử”", "Sổ tay đảng viên điện tử"),
    ("trong hệ thống...", "trong hệ thống."),
    ("(không tính đảng viên là Công an) là", "không tính đảng viên là Công an, là"),
    ("quét mã QR - tích hợp", "quét mã kiu a, tích hợp"),
]


@pytest.mark.parametrize("written, spoken", CASES, ids=[c[0][:40] for c in CASES])
def test_read_aloud(written: str, spoken: str) -> None:
    assert normalize(written) == spoken


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 60


def test_issuer_follows_the_bulletin() -> None:
    """"TU" is Thành ủy in a city's bulletin and Tỉnh ủy in a province's."""
    assert normalize("Kết luận 01-KL/TU của tỉnh") == "Kết luận một Tỉnh ủy của tỉnh"
    assert "Thành ủy" in normalize("Thành ủy ban hành Kết luận 01-KL/TU.")


def test_editor_extends_abbreviations_without_code(tmp_path) -> None:
    (tmp_path / "abbreviations.tsv").write_text("BQL\tBan quản lý\n", encoding="utf-8")
    assert normalize("BQL dự án", Lexicon.load(tmp_path)) == "Ban quản lý dự án"
    assert normalize("BQL dự án") == "bê quy lờ dự án"  # unknown acronyms are spelled


def test_nfd_input_comes_out_nfc() -> None:
    import unicodedata

    out = normalize(unicodedata.normalize("NFD", "Đại hội XIII"))
    assert out == unicodedata.normalize("NFC", out) == "Đại hội mười ba"


@pytest.mark.parametrize("n, words", [(0, "không"), (10, "mười"), (101, "một trăm linh một"),
                                      (2021, "hai nghìn không trăm hai mươi mốt"),
                                      (1_000_000_005, "một tỷ không trăm linh năm")])
def test_cardinals(n: int, words: str) -> None:
    assert cardinal(n) == words
