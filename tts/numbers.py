"""Vietnamese number words: cardinals, decimals, digits, Roman numerals (northern usage)."""

from __future__ import annotations

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
# Groups of three digits; after "tỷ" the names repeat ("nghìn tỷ", "triệu tỷ").
SCALES = ["", "nghìn", "triệu", "tỷ"]
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def _triple(n: int, full: bool) -> list[str]:
    """0..999; ``full`` when a higher group precedes, so 5 reads "không trăm linh năm"."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 5 and tens > 0:
        words.append("lăm")
    elif units == 4 and tens > 1:
        words.append("tư")
    elif units:
        words.append(DIGITS[units])
    return words


def cardinal(n: int) -> str:
    """19650 → "mười chín nghìn sáu trăm năm mươi"; 2023 → "hai nghìn không trăm hai mươi ba"."""
    if n < 0:
        return "âm " + cardinal(-n)
    if n == 0:
        return DIGITS[0]
    if n >= 1000**3:  # "nghìn tỷ", "triệu tỷ": read the part above a billion, then the rest
        high, low = divmod(n, 1000**3)
        rest = _groups(low, full=True) if low else ""  # "một tỷ không trăm linh năm"
        return " ".join(w for w in (cardinal(high), "tỷ", rest) if w)
    return _groups(n, full=False)


def _groups(n: int, full: bool) -> str:
    groups = []
    while n:
        n, g = divmod(n, 1000)
        groups.append(g)
    words: list[str] = []
    for scale in range(len(groups) - 1, -1, -1):
        g = groups[scale]
        if not g:
            continue
        words += _triple(g, full=full or bool(words))
        if SCALES[scale]:
            words.append(SCALES[scale])
    return " ".join(words)


def digits(text: str) -> str:
    """Read each digit: "0912" → "không chín một hai" (phone numbers, codes)."""
    return " ".join(DIGITS[int(c)] for c in text if c.isdigit())


def decimal(integer: str, fraction: str) -> str:
    """95,5 → "chín mươi lăm phẩy năm"; a fraction with a leading zero is read digit by digit."""
    head = cardinal(int(integer))
    if fraction.startswith("0") or len(fraction) > 2:
        tail = digits(fraction)
    else:
        tail = cardinal(int(fraction))
    return f"{head} phẩy {tail}"


def ordinal(n: int) -> str:
    """After "thứ": 1 → "nhất", 4 → "tư", otherwise the cardinal."""
    return {1: "nhất", 4: "tư"}.get(n, cardinal(n))


def month(n: int) -> str:
    """Month names: "tháng tư" (not "tháng bốn")."""
    return "tư" if n == 4 else cardinal(n)


def roman_value(token: str) -> int | None:
    """The value of a well-formed Roman numeral ("XIII" → 13), or None ("IIII", "VX", "ABC")."""
    if not token or any(c not in ROMAN for c in token):
        return None
    total = 0
    for i, c in enumerate(token):
        value = ROMAN[c]
        total += -value if i + 1 < len(token) and ROMAN[token[i + 1]] > value else value
    return total if 0 < total < 4000 and to_roman(total) == token else None


def to_roman(n: int) -> str:
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out.append(sym * count)
    return "".join(out)
