"""Things read character by character: letters of acronyms, phone numbers, web and e-mail addresses."""

from __future__ import annotations

import re
import unicodedata

from tts.numbers import DIGITS, cardinal, digits

# Vietnamese names of the letters, as a reader spells an unknown acronym ("VNPT" → "vê nờ pê tê").
LETTERS = {
    "a": "a", "ă": "á", "â": "ớ", "b": "bê", "c": "xê", "d": "dê", "đ": "đê", "e": "e", "ê": "ê",
    "f": "ép", "g": "giê", "h": "hát", "i": "i", "j": "gi", "k": "ca", "l": "lờ", "m": "mờ",
    "n": "nờ", "o": "o", "ô": "ô", "ơ": "ơ", "p": "pê", "q": "quy", "r": "rờ", "s": "ét", "t": "tê",
    "u": "u", "ư": "ư", "v": "vê", "w": "vê kép", "x": "ích", "y": "i dài", "z": "dét",
}
VOWEL_LETTERS = set("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")


def spell(token: str) -> str:
    """Letters and digits one by one: "VNPT" → "vê nờ pê tê", "3G" → "ba giê"."""
    out = []
    for char in token:
        if char.isdigit():
            out.append(DIGITS[int(char)])
        elif char.lower() in LETTERS:
            out.append(LETTERS[char.lower()])
    return " ".join(out)


def has_vowel(token: str) -> bool:
    return any(unicodedata.normalize("NFD", c)[0] in VOWEL_LETTERS for c in token)


def phone(number: str) -> str:
    """Digit by digit, a short pause between the groups as written: "0912 345 678"."""
    number = number.strip()
    prefix = ""
    if number.startswith("+"):
        prefix, number = "cộng " + digits(number[1:3]) + ", ", number[3:]
    groups = [g for g in re.split(r"[\s.\-()]+", number) if g]
    return prefix + ", ".join(digits(g) for g in groups)


_SYMBOLS = {".": "chấm", "/": "gạch chéo", "-": "gạch ngang", "_": "gạch dưới", "@": "a còng",
            ":": "hai chấm", "?": "hỏi", "=": "bằng", "&": "và"}


def _word(part: str) -> str:
    if part.isdigit():
        return cardinal(int(part)) if len(part) < 5 else digits(part)
    if len(part) <= 4 and not has_vowel(part):
        return spell(part)
    return part


def address(text: str) -> str:
    """A web or e-mail address: "tuyengiao.hanoi.gov.vn" → "tuyengiao chấm hanoi chấm gov chấm vê nờ"."""
    text = re.sub(r"^(?:https?://)?(?:www\.)?", "", text, flags=re.I).rstrip("/")
    pieces = re.split(r"([./\-_@:?=&])", text)
    words = [_SYMBOLS[p] if p in _SYMBOLS else _word(p) for p in pieces if p]
    return " ".join(words)
