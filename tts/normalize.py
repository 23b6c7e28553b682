"""Read-aloud Vietnamese: the text as a careful reader would say it.

"19.650 đảng viên" → "mười chín nghìn sáu trăm năm mươi đảng viên", "Đại hội XIII" → "Đại hội
mười ba", "Kế hoạch số 121-KH/TU" → "Kế hoạch số một trăm hai mươi mốt của Thành ủy". Rules run
in a fixed order (addresses and document codes before dates, dates before plain numbers) and
never cross a line, so paragraphs and headings survive for the segmenter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from sohoa.vietnamese import fold, nfc
from tts import numbers as num
from tts.lexicon import Lexicon
from tts.spoken import address, has_vowel, phone, spell

SP = r"[^\S\n]"  # a space that is not a line break
_URL = re.compile(r"(?i)\b(?:https?://\S+|www\.\S+|[\w.-]+\.(?:vn|com|net|org|gov)(?:/\S*)?)(?<![.,;:)])")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Party form "121-KH/TU", state forms "1234/QĐ-UBND" and "30/2020/NĐ-CP".
_CODE = r"[A-ZĐ][A-Za-zĐ]{0,5}"
_PARTY_DOC = re.compile(rf"(?<![\w/])(\d+)-({_CODE})/({_CODE}(?:-{_CODE})?)(?![\w/])")
_STATE_DOC = re.compile(rf"(?<![\w/])(\d+)/(?:(\d{{4}})/)?({_CODE})-({_CODE})(?![\w/])")
_PHONE = re.compile(r"(?<![\w.,])(?:\+84[\s.]?\d{2,3}|0\d{2,3}|\(0\d{2,3}\))(?:[\s.\-]?\d{3,4}){2}(?![\d])"
                    r"|(?<![\w.,])1[89]00[\s.]?\d{4}(?:\d{2})?(?!\d)")
_DATE = re.compile(r"(?<![\d/.\-])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})(?![\d/])")
_ISO_DATE = re.compile(r"(?<![\d/.\-])(\d{4})-(\d{2})-(\d{2})(?![\d\-])")
_MONTH_YEAR = re.compile(r"(?<![\d/.,\-])(\d{1,2})[/\-](\d{4})(?![\d/])")
_DAY_MONTH = re.compile(rf"(?i)(?<!\w)(ngày|mùng|mồng|hôm|sáng|trưa|chiều|tối|đêm){SP}+(\d{{1,2}})/(\d{{1,2}})(?![\d/])")
_DAY_MONTH_PAREN = re.compile(r"\((\d{1,2})/(\d{1,2})\)")
_TIME = re.compile(r"(?<![\w.,:])(\d{1,2})(?:h|g|:)(\d{2})(?:'|p|phút)?(?!\w)|(?<![\w.,])(\d{1,2})h(?!\w)")
_ROMAN_CONTEXT = re.compile(
    rf"(?i:(?<!\w)(đại hội|khóa|khoá|quý|thế kỷ|thế kỉ|chương|phần|mục|kỳ|kì|thứ|tập|đợt|giai đoạn|hạng|nhiệm kỳ)){SP}+"
    r"([IVXLC]+)(?![\w])")
_ROMAN_HEADING = re.compile(r"(?m)^([IVXLC]+)[.)]" + SP)
_ORDINAL = re.compile(rf"(?i:(?<!\w)(thứ)){SP}+(\d+)(?![\d.,])")
_RANGE = re.compile(rf"(?<![\w/.,])(\d+(?:[.,]\d+)*){SP}*[–—\-]{SP}*(\d+(?:[.,]\d+)*)(?![\w/])")
_CURRENCY = re.compile(rf"(?<=\d){SP}?[đ₫](?!\w)|(?<!\w)\$(?=\d)")
_UNITS = {"km²": "ki lô mét vuông", "km2": "ki lô mét vuông", "m²": "mét vuông", "m2": "mét vuông",
          "m³": "mét khối", "m3": "mét khối", "km/h": "ki lô mét một giờ", "km": "ki lô mét",
          "cm": "xăng ti mét", "mm": "mi li mét", "m": "mét", "ha": "héc ta", "kg": "ki lô gam",
          "kWh": "ki lô oát giờ", "kW": "ki lô oát", "MW": "mê ga oát", "GB": "gi ga bai",
          "MB": "mê ga bai", "°C": "độ xê", "ml": "mi li lít", "l": "lít"}
_UNIT = re.compile(rf"(?<=\d){SP}?({'|'.join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))})(?![\w²³])")
_VERSION = re.compile(r"(?<![\d.,])(\d+)\.(\d{1,2}|\d{4,})(?![\d]|\.\d)")
_NUMBER = re.compile(rf"(?<![\d.,])(\d{{1,3}}(?:\.\d{{3}})+(?!\d)|\d+)(?:,(\d+))?(?!\d)({SP}?%)?")
_ACRONYM = re.compile(r"(?<![\w.])[A-ZĐ]{2,6}(?![\w])")


def _before(match: re.Match[str], words: str) -> bool:
    """True when the text just before ``match`` ends with one of ``words`` ("ngày", "tháng")."""
    head = match.string[max(0, match.start() - 12):match.start()]
    return re.search(rf"(?i)(?:{words}){SP}*$", head) is not None


def _valid_date(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def _date(m: re.Match[str]) -> str:
    day, month, year = int(m[1]), int(m[3]), int(m[4])
    if not _valid_date(day, month):
        return m[0]
    lead = "" if _before(m, "ngày|mùng|mồng") else "ngày "
    return f"{lead}{num.cardinal(day)} tháng {num.month(month)} năm {num.cardinal(year)}"


def _iso_date(m: re.Match[str]) -> str:
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    if not _valid_date(day, month):
        return m[0]
    return f"ngày {num.cardinal(day)} tháng {num.month(month)} năm {num.cardinal(year)}"


def _month_year(m: re.Match[str]) -> str:
    month, year = int(m[1]), int(m[2])
    if not (1 <= month <= 12 and 1800 <= year <= 2199):
        return m[0]
    lead = "" if _before(m, "tháng") else "tháng "
    return f"{lead}{num.month(month)} năm {num.cardinal(year)}"


def _day_month(m: re.Match[str]) -> str:
    day, month = int(m[2]), int(m[3])
    if not _valid_date(day, month):
        return m[0]
    return f"{m[1]} {num.cardinal(day)} tháng {num.month(month)}"


def _time(m: re.Match[str]) -> str:
    if m[3] is not None:
        hour, minute = int(m[3]), 0
    else:
        hour, minute = int(m[1]), int(m[2])
    if hour > 24 or minute > 59:
        return m[0]
    spoken = f"{num.cardinal(hour)} giờ"
    return spoken + (f" {num.cardinal(minute)} phút" if minute else "")


def _number(m: re.Match[str]) -> str:
    integer, fraction, percent = m[1], m[2], m[3]
    plain = integer.replace(".", "")
    if fraction is not None:
        spoken = num.decimal(plain, fraction)
    elif (plain.startswith("0") and len(plain) > 1) or len(plain) > 15:
        spoken = num.digits(plain)  # "số 05", identifiers
    else:
        spoken = num.cardinal(int(plain))
    return spoken + (" phần trăm" if percent else "")


def _roman(m: re.Match[str]) -> str:
    value = num.roman_value(m[2])
    if value is None:
        return m[0]
    return f"{m[1]} {num.ordinal(value) if m[1].lower() == 'thứ' else num.cardinal(value)}"


def _document_codes(text: str, lexicon: Lexicon) -> str:
    """"Kế hoạch số 121-KH/TU" → "Kế hoạch số một trăm hai mươi mốt của Thành ủy".

    The type is said only when the words before the number do not already say it.
    """

    def speak(m: re.Match[str], number: str, kind: str, issuer: str, year: str | None) -> str:
        body = lexicon.issuer(issuer, text) or spell(issuer)
        type_words = lexicon.document_types.get(kind)
        spoken = num.cardinal(int(number))
        head = fold(m.string[max(0, m.start() - 30):m.start()]).lower()
        if type_words and fold(type_words).lower() not in head:
            spoken = f"{type_words} số {spoken}"
        elif not type_words:
            spoken = f"{spoken} {spell(kind)}"
        if year:
            spoken += f" năm {num.cardinal(int(year))}"
        # "Nghị quyết 18-NQ/TU của Ban Thường vụ": one "của" is enough.
        joiner = " " if re.match(rf"{SP}+của\b", m.string[m.end():]) else " của "
        return f"{spoken}{joiner}{body}"

    text = _PARTY_DOC.sub(lambda m: speak(m, m[1], m[2], m[3], None), text)
    return _STATE_DOC.sub(lambda m: speak(m, m[1], m[3], m[4], m[2]), text)


def _abbreviations(text: str, lexicon: Lexicon) -> str:
    pattern = _abbreviation_pattern(tuple(sorted(lexicon.abbreviations.items())))
    return pattern.sub(lambda m: lexicon.abbreviations[m[0]], text)


@lru_cache(maxsize=8)
def _abbreviation_pattern(items: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    return Lexicon(abbreviations=dict(items)).abbreviation_pattern()


def _punctuation(text: str) -> str:
    text = re.sub(r"[“”\"«»*#_|]+", "", text)
    text = re.sub(r"…|\.{2,}", ".", text)
    text = re.sub(rf"{SP}*[()\[\]]{SP}*", ", ", text)
    text = re.sub(rf"{SP}[–—\-]{SP}", ", ", text)  # a dash between words is a pause
    text = re.sub(r"(?<=\w)[/\-](?=\w)", " ", text)
    text = text.replace("&", " và ").replace("+", " cộng ")
    text = re.sub(rf"{SP}*,({SP}*[,.;:!?])+", lambda m: m[0].strip(" ,")[-1:] or ",", text)
    text = re.sub(r"(?m)^[ \t,]+|[ \t,]+$", "", text)
    text = re.sub(rf"{SP}+([,.;:!?])", r"\1", text)
    return re.sub(rf"{SP}{{2,}}", " ", text)


def normalize(text: str, lexicon: Lexicon | None = None) -> str:
    """The read-aloud form of ``text`` (NFC in, NFC out; lines kept)."""
    lexicon = lexicon or Lexicon.load()
    text = nfc(text)
    steps: list[Callable[[str], str]] = [
        lambda t: _EMAIL.sub(lambda m: address(m[0]), t),
        lambda t: _URL.sub(lambda m: address(m[0]), t),
        lambda t: _document_codes(t, lexicon),
        lambda t: _PHONE.sub(lambda m: phone(m[0]), t),
        lambda t: _DATE.sub(_date, t),
        lambda t: _ISO_DATE.sub(_iso_date, t),
        lambda t: _DAY_MONTH_PAREN.sub(lambda m: f"(ngày {m[1]}/{m[2]})", t),
        lambda t: _DAY_MONTH.sub(_day_month, t),
        lambda t: _MONTH_YEAR.sub(_month_year, t),
        lambda t: _TIME.sub(_time, t),
        lambda t: _ROMAN_CONTEXT.sub(_roman, t),
        lambda t: _ROMAN_HEADING.sub(lambda m: f"{num.cardinal(num.roman_value(m[1]) or 0)}, " if num.roman_value(m[1]) else m[0], t),
        lambda t: _ORDINAL.sub(lambda m: f"{m[1]} {num.ordinal(int(m[2]))}", t),
        lambda t: _RANGE.sub(lambda m: f"{m[1]} đến {m[2]}", t),
        lambda t: _CURRENCY.sub(lambda m: " đô la " if m[0] == "$" else " đồng", t),
        lambda t: _UNIT.sub(lambda m: " " + _UNITS[m[1]], t),
        lambda t: _abbreviations(t, lexicon),
        lambda t: _VERSION.sub(lambda m: f"{m[1]} chấm {m[2]}", t),
        lambda t: _NUMBER.sub(_number, t),
        lambda t: _ACRONYM.sub(lambda m: m[0] if has_vowel(m[0]) else spell(m[0]), t),
        _punctuation,
    ]
    for step in steps:
        text = step(text)
    return nfc(text)
