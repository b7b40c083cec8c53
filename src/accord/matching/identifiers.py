"""Identifiers as officers type them, made comparable: resident ID numbers, passports, vehicle
plates and VINs.

Each comparison is a small function returning a score in [0, 1] and an explanation a user can
read (STYLE #8). Two resident IDs that are both valid and differ beyond what one typing error
explains are different people: no conversion or typo rule ever links them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from stdnum.iso7064 import mod_11_2


@dataclass(frozen=True)
class Comparison:
    score: float
    explanation: str


NO_MATCH = Comparison(0.0, "different")


def _clean(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII), upper case, no blanks or separators."""
    folded = unicodedata.normalize("NFKC", text).upper()
    return re.sub(r"[\s\-_.·/]", "", folded)


# --- resident identity card numbers (GB 11643) ----------------------------------------------


@dataclass(frozen=True)
class ResidentId:
    """A resident ID in its 18-character form, with what was noticed on the way there."""

    value: str
    valid: bool  # the check digit agrees with the first 17 digits
    legacy: bool  # typed as the 15-digit number of the first-generation cards
    birth_date: date | None

    @property
    def body(self) -> str:
        return self.value[:17]


def check_digit(body17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits ('X' for 10)."""
    return str(mod_11_2.calc_check_digit(body17))


def _birth(value: str) -> date | None:
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def parse_resident_id(text: str) -> ResidentId | None:
    """The canonical 18-character ID, or None if `text` cannot be one.

    A 15-digit legacy number becomes 18 digits (century 19 inserted, check digit computed); a
    wrong check digit is kept and flagged, not refused: the record is still worth comparing.
    """
    cleaned = _clean(text)
    if re.fullmatch(r"\d{15}", cleaned):
        body = cleaned[:6] + "19" + cleaned[6:]
        value = body + check_digit(body)
        return ResidentId(value=value, valid=True, legacy=True, birth_date=_birth(value))
    if re.fullmatch(r"\d{17}[\dX]", cleaned):
        valid = check_digit(cleaned[:17]) == cleaned[17]
        return ResidentId(value=cleaned, valid=valid, legacy=False, birth_date=_birth(cleaned))
    return None


def resident_id_corrections(rid: ResidentId) -> set[str]:
    """The valid IDs one typing error away from an invalid one: a wrong digit or two adjacent
    characters swapped. MOD 11-2 catches every such error, so a number whose check digit fails
    is at most one of these (about 30 candidates), and an exact look-up of each finds the
    intended number without a fuzzy index."""
    if rid.valid:
        return set()
    value = rid.value
    found: set[str] = set()
    for i in range(18):
        alphabet = "0123456789X" if i == 17 else "0123456789"
        for c in alphabet:
            if c != value[i]:
                candidate = value[:i] + c + value[i + 1 :]
                if check_digit(candidate[:17]) == candidate[17] and _birth(candidate):
                    found.add(candidate)
    for i in range(17):
        swapped = value[:i] + value[i + 1] + value[i] + value[i + 2 :]
        if (
            swapped != value
            and re.fullmatch(r"\d{17}[\dX]", swapped)
            and check_digit(swapped[:17]) == swapped[17]
            and _birth(swapped)
        ):
            found.add(swapped)
    return found


def compare_resident_ids(a: str, b: str) -> Comparison:
    """How far two typed resident IDs are the same number.

    Equal (also after the 15→18 conversion): 1.0. A check digit that alone differs: 0.95.
    Two adjacent digits swapped: 0.9. One wrong digit: 0.85, but only when at most one of the
    two is valid — two valid numbers differing in a digit are two people.
    """
    left, right = parse_resident_id(a), parse_resident_id(b)
    if left is None or right is None:
        return Comparison(0.0, "not a resident ID number")
    if left.value == right.value:
        if left.legacy != right.legacy:
            return Comparison(1.0, "ID equal after 15→18 conversion")
        return Comparison(1.0, "ID equal")
    if left.body == right.body:
        return Comparison(0.95, "ID equal but for the check digit")
    diffs = [i for i in range(17) if left.body[i] != right.body[i]]
    if left.valid and right.valid:
        return Comparison(0.0, "two different valid ID numbers")
    if len(diffs) == 2 and diffs[1] == diffs[0] + 1:
        i = diffs[0]
        if left.body[i] == right.body[i + 1] and left.body[i + 1] == right.body[i]:
            return Comparison(0.9, f"ID equal with digits {i + 1} and {i + 2} swapped")
    if len(diffs) == 1:
        return Comparison(0.85, f"ID differs in digit {diffs[0] + 1} only")
    return Comparison(0.0, "different ID numbers")


# --- passports ----------------------------------------------------------------------------------


def normalise_passport(text: str) -> str:
    """Upper-case letters and digits only: 'e 1234-5678' and 'E12345678' are the same number."""
    return re.sub(r"[^0-9A-Z]", "", _clean(text))


def compare_passports(a: str, b: str) -> Comparison:
    left, right = normalise_passport(a), normalise_passport(b)
    if not left or not right:
        return Comparison(0.0, "no passport number")
    if left == right:
        return Comparison(1.0, "passport number equal")
    # O and 0, I and 1 are the letters most often misread from a document.
    confusable = str.maketrans({"O": "0", "I": "1", "Q": "0"})
    if left.translate(confusable) == right.translate(confusable):
        return Comparison(0.9, "passport number equal but for O/0 or I/1")
    return NO_MATCH


# --- vehicle plates -------------------------------------------------------------------------------

# The provinces' plate characters and their pinyin. Some pinyin serve two provinces (yu: 渝 豫;
# jin: 津 晋; ji: 冀 吉; gan: 赣 甘; gui: 桂 贵): a plate typed in pinyin then has two readings.
PROVINCE_PINYIN: tuple[tuple[str, str], ...] = (
    ("京", "JING"),
    ("津", "JIN"),
    ("沪", "HU"),
    ("渝", "YU"),
    ("冀", "JI"),
    ("豫", "YU"),
    ("云", "YUN"),
    ("辽", "LIAO"),
    ("黑", "HEI"),
    ("湘", "XIANG"),
    ("皖", "WAN"),
    ("鲁", "LU"),
    ("新", "XIN"),
    ("苏", "SU"),
    ("浙", "ZHE"),
    ("赣", "GAN"),
    ("鄂", "E"),
    ("桂", "GUI"),
    ("甘", "GAN"),
    ("晋", "JIN"),
    ("蒙", "MENG"),
    ("陕", "SHAN"),
    ("吉", "JI"),
    ("闽", "MIN"),
    ("贵", "GUI"),
    ("粤", "YUE"),
    ("青", "QING"),
    ("藏", "ZANG"),
    ("川", "CHUAN"),
    ("宁", "NING"),
    ("琼", "QIONG"),
)
_BY_PINYIN: dict[str, set[str]] = {}
for _char, _pinyin in PROVINCE_PINYIN:
    _BY_PINYIN.setdefault(_pinyin, set()).add(_char)

# Plates never use I or O. Ordinary: the issuing letter and five characters. New-energy: six,
# with D or F (electric / hybrid) first for small cars or last for large ones.
_SERIAL = "[A-HJ-NP-Z0-9]"
_PLATE = re.compile(
    rf"^(?P<province>[\u4e00-\u9fff])[A-HJ-NP-Z]"
    rf"(?:{_SERIAL}{{5}}|[DF]{_SERIAL}\d{{4}}|\d{{5}}[DF])$"
)


def plate_readings(text: str) -> set[str]:
    """Every canonical plate `text` can be: '沪A·12345', 'hu a12345' and 'HUA12345' all give
    {'沪A12345'}; 'YUA12345' gives both 渝 and 豫. Ordinary plates have 5 characters after the
    letter, new-energy plates 6. An unreadable plate gives the empty set."""
    cleaned = _clean(text)
    if _PLATE.match(cleaned):
        return {cleaned}
    readings = set()
    for pinyin, chars in _BY_PINYIN.items():
        if cleaned.startswith(pinyin):
            rest = cleaned[len(pinyin) :]
            readings |= {c + rest for c in chars if _PLATE.match(c + rest)}
    return readings


def compare_plates(a: str, b: str) -> Comparison:
    left, right = plate_readings(a), plate_readings(b)
    if not left or not right:
        return Comparison(0.0, "not a plate number")
    if left & right:
        if len(left | right) > 1:
            return Comparison(0.9, "plate equal if its pinyin province is read the same way")
        return Comparison(1.0, "plate equal")
    return NO_MATCH


# --- vehicle identification numbers (ISO 3779, GB 16735) ------------------------------------------

_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def normalise_vin(text: str) -> str | None:
    """The 17-character VIN, or None: I, O and Q never occur in a VIN."""
    cleaned = _clean(text)
    if not re.fullmatch(r"[A-HJ-NPR-Z0-9]{17}", cleaned):
        return None
    return cleaned


def vin_check_digit_ok(vin: str) -> bool:
    """Whether the 9th character is the check digit of the other 16 (remainder 10 is 'X')."""
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    expected = "X" if total % 11 == 10 else str(total % 11)
    return vin[8] == expected


def compare_vins(a: str, b: str) -> Comparison:
    left, right = normalise_vin(a), normalise_vin(b)
    if left is None or right is None:
        return Comparison(0.0, "not a VIN")
    if left == right:
        return Comparison(1.0, "VIN equal")
    diffs = [i for i in range(17) if left[i] != right[i]]
    if len(diffs) == 1 and not (vin_check_digit_ok(left) and vin_check_digit_ok(right)):
        return Comparison(0.85, f"VIN differs in character {diffs[0] + 1} only")
    return NO_MATCH
