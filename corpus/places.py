"""Administrative units: is a place a xã, phường or thị trấn; a huyện, quận, thị xã or thành phố?

A citation names the unit as it is ("phường Cự Khối, quận Long Biên"), so the catalog stores each
place's unit type. It is filled at ingest where the name makes it obvious, and left blank (the
citation then names the place bare) where it does not:
- the name says it: "Phường Cửa Nam", "Thị trấn Trâu Quỳ", "Quận Tây Hồ", "TP Vinh";
- the district is one of Hà Nội's (the table below, as they stood in 2024, before the 2025
  two-tier reform removed the district level); and a quận holds only phường.
"""

from __future__ import annotations

from sohoa.vietnamese import nfc

COMMUNE_TYPES = ("xã", "phường", "thị trấn")
DISTRICT_TYPES = ("huyện", "quận", "thị xã", "thành phố")
_ALIASES = {"tp": "thành phố", "tp.": "thành phố", "tx": "thị xã", "tx.": "thị xã", "tt": "thị trấn", "tt.": "thị trấn"}

HANOI = "Hà Nội"
HANOI_DISTRICTS = {
    **dict.fromkeys(("Ba Đình", "Hoàn Kiếm", "Tây Hồ", "Long Biên", "Cầu Giấy", "Đống Đa", "Hai Bà Trưng",
                     "Hoàng Mai", "Thanh Xuân", "Nam Từ Liêm", "Bắc Từ Liêm", "Hà Đông"), "quận"),
    "Sơn Tây": "thị xã",
    **dict.fromkeys(("Ba Vì", "Chương Mỹ", "Đan Phượng", "Đông Anh", "Gia Lâm", "Hoài Đức", "Mê Linh", "Mỹ Đức",
                     "Phú Xuyên", "Phúc Thọ", "Quốc Oai", "Sóc Sơn", "Thạch Thất", "Thanh Oai", "Thanh Trì",
                     "Thường Tín", "Ứng Hòa"), "huyện"),
}
_HANOI_FOLDED = {nfc(name).casefold(): kind for name, kind in HANOI_DISTRICTS.items()}


def place_names(commune: str, commune_kind: str, district: str, district_kind: str, province: str) -> list[str]:
    """The places a document is about, smallest first, each with its unit type where known:
    ["phường Cự Khối", "quận Long Biên", "Hà Nội"]."""
    named = [(commune_kind, commune), (district_kind, district), ("", province)]
    return [f"{kind} {name}".strip() for kind, name in named if name]


def split_unit(name: str, types: tuple[str, ...]) -> tuple[str, str]:
    """("Phường Cửa Nam", COMMUNE_TYPES) → ("phường", "Cửa Nam"); a name without a unit → ("", name)."""
    name = nfc(name).strip()
    lowered = name.casefold()
    for kind in sorted([*types, *(a for a, t in _ALIASES.items() if t in types)], key=len, reverse=True):
        if lowered.startswith(kind + " ") and name[len(kind):].strip():
            return _ALIASES.get(kind, kind), name[len(kind):].strip()
    return "", name


def district_type(district: str, province: str) -> str:
    """The unit type of a district the table knows (Hà Nội's), else ""."""
    if nfc(province).strip().casefold() in (HANOI.casefold(), "thành phố hà nội", "tp hà nội", "hà nội"):
        return _HANOI_FOLDED.get(nfc(district).strip().casefold(), "")
    return ""


def commune_type_within(district_kind: str) -> str:
    """A quận holds only phường; elsewhere a commune may be a xã, phường or thị trấn: unknown."""
    return "phường" if district_kind == "quận" else ""
