"""Labelled alerts and probes for the screening benchmark (issue 6 §7).

    python bench/gen_screening.py --alerts N --probes M --seed S --out DIR [--match-share 0.5]

writes three files of one JSON object a line: `DIR/alerts.jsonl` and `DIR/probes.jsonl` in the
interchange format of issue 6 §4 (what `accord alerts import` and `accord screen batch` read),
and `DIR/labels.jsonl`, one `{"ref", "alert_ref", "kind", "match"}` per probe:

- `match: true` — the probe is the person or object of `alert_ref`, typed as one variant `kind`
  (`TRUE_KINDS`: an ID with a typo, a name in pinyin, Cantonese, Wade-Giles, kanji ...);
- `match: false` — the probe is somebody or something else (`FALSE_KINDS`). For `namesake`,
  `stranger_same_dob` and `homophone_stranger`, `alert_ref` names the alert it was built to be
  confused with; for `stranger`, `vehicle_stranger` and `document_stranger` it is null. No
  non-matching probe is any alert's subject: every identifying key (name with each compatible
  birth date, ID body, passport, plate, VIN, document number) is checked against all alerts.

Alert `i` is a pure function of `(seed, i)` and probe `j` of `(seed, j)`: output is identical for
a seed, and probes regenerate the alerts they need instead of holding them, so memory stays at a
few bytes per alert (index lists by trait and a Bloom filter of keys) and a million alerts take
well under two minutes. Issuing agencies are read from the demo's agency data. Nothing is
imported from `accord.matching`: the data must not share the engine's idea of a name.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import accumulate
from pathlib import Path
from random import Random
from typing import Any, Generic, TypeVar

import opencc
from pypinyin import Style, pinyin
from stdnum.iso7064 import mod_11_2

# bench/ is not a package: the tables sit beside this script, also when it is loaded by path.
_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))
import screening_data as tables  # noqa: E402

REPO = _HERE.parent
AGENCY_DATA = REPO / "src" / "accord" / "agencies" / "data"

PERSON_TYPES = ("wanted_arrest", "wanted_locate", "missing_person", "discreet_check")
OBJECT_TYPES = ("stolen_vehicle", "stolen_document", "drone")

TRUE_KINDS = (
    "id_exact", "id_legacy15", "id_transposition", "id_wrong_digit", "id_lowercase_x",
    "passport", "hanzi_exact", "traditional", "pinyin_spaced", "pinyin_reversed",
    "pinyin_unspaced", "pinyin_case", "homophone", "cantonese", "wade_giles", "middle_dot",
    "vietnamese_no_diacritics", "korean_hangul", "korean_romanised", "japanese_kanji",
    "japanese_romanised", "sea_latin", "dob_day_month_swapped", "plate_pinyin", "plate_spacing",
    "plate_new_energy", "vin", "document", "drone", "name_only",
)  # fmt: skip
FALSE_KINDS = (
    "namesake", "stranger_same_dob", "homophone_stranger", "stranger", "vehicle_stranger",
    "document_stranger",
)  # fmt: skip

# How often each kind comes up, per cycle of the kind deck (every kind occurs once a cycle at
# least, so a few thousand probes cover them all). Names typed in Latin letters and plain hanzi
# are what officers type most.
TRUE_KIND_WEIGHTS: dict[str, int] = {
    "id_exact": 5, "id_legacy15": 2, "id_transposition": 2, "id_wrong_digit": 2,
    "id_lowercase_x": 1, "passport": 3, "hanzi_exact": 5, "traditional": 2,
    "pinyin_spaced": 4, "pinyin_reversed": 2, "pinyin_unspaced": 2, "pinyin_case": 2,
    "homophone": 3, "cantonese": 2, "wade_giles": 2, "middle_dot": 2,
    "vietnamese_no_diacritics": 2, "korean_hangul": 2, "korean_romanised": 2,
    "japanese_kanji": 2, "japanese_romanised": 2, "sea_latin": 2, "dob_day_month_swapped": 2,
    "plate_pinyin": 2, "plate_spacing": 2, "plate_new_energy": 1, "vin": 2, "document": 2,
    "drone": 1, "name_only": 3,
}  # fmt: skip
FALSE_KIND_WEIGHTS: dict[str, int] = {
    "namesake": 6, "stranger_same_dob": 3, "homophone_stranger": 3, "stranger": 5,
    "vehicle_stranger": 2, "document_stranger": 1,
}  # fmt: skip

# Streams of the per-record random generators: alert i, probe j and deck cycle c never share one.
_ALERT, _PROBE, _DECK = 1, 2, 3

T = TypeVar("T")


class Weighted(Generic[T]):
    """Draws from items with relative weights (a cumulative table and a bisection)."""

    def __init__(self, items: Iterable[tuple[T, float]]) -> None:
        pairs = list(items)
        if not pairs:
            raise ValueError("nothing to draw from")
        self.items = [item for item, _ in pairs]
        self.cum = list(accumulate(weight for _, weight in pairs))

    def __call__(self, rng: Random) -> T:
        at = bisect_right(self.cum, rng.random() * self.cum[-1])
        return self.items[min(at, len(self.items) - 1)]


def _rng(seed: int, stream: int, index: int) -> Random:
    # An integer seed is hashed by Mersenne Twister's init_by_array: the same on every platform.
    return Random((seed << 44) ^ (stream << 40) ^ index)


# --- characters and readings ---------------------------------------------------------------

_S2T = opencc.OpenCC("s2t")
_T2S = opencc.OpenCC("t2s")
_READINGS: dict[str, str] = {}


def reading(char: str) -> str:
    """The toneless pinyin of a character in its commonest reading ("v" for ü)."""
    found = _READINGS.get(char)
    if found is None:
        found = pinyin(char, style=Style.NORMAL, errors="ignore")[0][0] if char else ""
        _READINGS[char] = found
    return found


def _homophone_table() -> dict[str, tuple[str, ...]]:
    pool = (
        tables.GIVEN_CHARS_MALE_OLD
        + tables.GIVEN_CHARS_MALE_NEW
        + tables.GIVEN_CHARS_FEMALE_OLD
        + tables.GIVEN_CHARS_FEMALE_NEW
        + "".join(name for name, _ in tables.TOP_GIVEN_MALE + tables.TOP_GIVEN_FEMALE)
        + tables.HOMOPHONE_EXTRA
    )
    groups: dict[str, list[str]] = {}
    for char in dict.fromkeys(pool):
        groups.setdefault(reading(char), []).append(char)
    # surnames sound alike too (张/章, 徐/许, 王/汪); one read otherwise as a surname (覃 qin,
    # usually tan) is never what a typist picks for the sound, so it takes no part
    surname_groups: dict[str, list[str]] = {}
    for surname, py, _ in tables.SURNAMES:
        if len(surname) == 1 and reading(surname) == py:
            surname_groups.setdefault(py, []).append(surname)
    table: dict[str, tuple[str, ...]] = {}
    for members in [*groups.values(), *surname_groups.values()]:
        for char in members:
            others = tuple(other for other in members if other != char)
            if others:
                table[char] = tuple(dict.fromkeys(table.get(char, ()) + others))
    return table


HOMOPHONES = _homophone_table()
SURNAME = Weighted((s, w) for s, _, w in tables.SURNAMES)
SURNAME_READING = {s: py.split() for s, py, _ in tables.SURNAMES}
TOP_GIVEN = {
    "male": Weighted(tables.TOP_GIVEN_MALE),
    "female": Weighted(tables.TOP_GIVEN_FEMALE),
}
GIVEN_POOLS = {
    ("male", False): tables.GIVEN_CHARS_MALE_OLD,
    ("male", True): tables.GIVEN_CHARS_MALE_NEW,
    ("female", False): tables.GIVEN_CHARS_FEMALE_OLD,
    ("female", True): tables.GIVEN_CHARS_FEMALE_NEW,
}
REGION = Weighted(tables.REGION_CODES)
HK_SURNAME = Weighted(((s, r), w) for s, r, w in tables.HK_SURNAMES)
TW_SURNAME = Weighted(((s, r), w) for s, r, w in tables.TW_SURNAMES)
VN_SURNAME = Weighted(tables.VN_SURNAMES)
KR_SURNAME = Weighted(((h, r), w) for h, r, w in tables.KR_SURNAMES)
JP_SURNAME = Weighted(((k, r, alt), w) for k, r, alt, w in tables.JP_SURNAMES)
PLATE_PROVINCE = Weighted(((c, py), w) for c, py, w in tables.PLATE_PROVINCES)
PLATE_PINYIN = {c: py for c, py, _ in tables.PLATE_PROVINCES}

# Foreign subjects by origin (share of the 15 % foreign person alerts)
FOREIGN = Weighted(
    [
        ("vn", 25.0), ("kr", 14.0), ("jp", 12.0), ("th", 8.0), ("mm", 7.0), ("kh", 5.0),
        ("la", 4.0), ("west", 12.0), ("hk", 8.0), ("tw", 5.0),
    ]
)  # fmt: skip
SEA = {"th", "mm", "kh", "la"}
PERSON_TYPE = Weighted(
    [("wanted_arrest", 35.0), ("wanted_locate", 25.0), ("missing_person", 25.0),
     ("discreet_check", 15.0)]
)  # fmt: skip
# (earliest, latest birth year, share of men) by alert type: missing persons include children
# and the elderly; wanted persons are mostly adult men.
BIRTH = {
    "wanted_arrest": (1955, 2006, 0.85),
    "wanted_locate": (1950, 2006, 0.75),
    "missing_person": (1935, 2020, 0.50),
    "discreet_check": (1960, 2004, 0.80),
    "stranger": (1940, 2010, 0.60),
}
VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
VIN_VALUES = dict(zip("ABCDEFGHJKLMNPRSTUVWXYZ", (1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2,
                                                  3, 4, 5, 6, 7, 8, 9), strict=True))  # fmt: skip
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_YEARS = "ABCDEFGHJKLMNPRSTVWXY123456789"  # model year codes from 1980 (and again from 2010)
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # I and O are never used on plates
DIGITS = "0123456789"
UPPER = "ABCDEFGHJKLMNPRSTUVWXYZ"
DOTS = ("·", "·", "•", "・", "．", "‧")  # middle dots as typed by different input methods


# --- identifiers -----------------------------------------------------------------------------


def id_check(body17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a resident ID (GB 11643)."""
    return str(mod_11_2.calc_check_digit(body17))


def resident_id(rng: Random, dob: date, gender: str, region: str | None = None) -> str:
    """A valid 18-digit resident ID: region, birth date, order code (odd for men), check."""
    odd = rng.choice("13579" if gender == "male" else "02468")
    body = f"{region or REGION(rng)}{dob:%Y%m%d}{rng.randrange(100):02d}{odd}"
    return body + id_check(body)


def legacy_of(id18: str) -> str:
    """The 15-digit first-generation form: no century, no check character."""
    return id18[:6] + id18[8:17]


def from_legacy(id15: str) -> str:
    body = id15[:6] + "19" + id15[6:]
    return body + id_check(body)


def vin_check(vin: str) -> str:
    total = sum(
        (int(c) if c.isdigit() else VIN_VALUES[c]) * w
        for c, w in zip(vin, VIN_WEIGHTS, strict=True)
    )
    return "X" if total % 11 == 10 else str(total % 11)


def make_vin(rng: Random, wmi: str) -> str:
    vds = "".join(rng.choice(VIN_ALPHABET) for _ in range(5))
    year = VIN_YEARS[(rng.randint(2008, 2024) - 1980) % 30]
    tail = rng.choice(UPPER) + "".join(rng.choice(DIGITS) for _ in range(6))
    vin = f"{wmi}{vds}0{year}{tail}"
    return vin[:8] + vin_check(vin) + vin[9:]


def from_shape(rng: Random, shape: str) -> str:
    return "".join(
        rng.choice(DIGITS) if c == "9" else rng.choice(UPPER) if c == "A" else c for c in shape
    )


def make_passport(rng: Random, country: str) -> str:
    return from_shape(rng, rng.choice(tables.PASSPORT_SHAPES[country]))


def make_plate(rng: Random, new_energy: bool) -> str:
    province, _ = PLATE_PROVINCE(rng)
    letter = rng.choice(PLATE_LETTERS)
    if new_energy:  # green plates: D (battery) or F (hybrid) and five digits
        tail = rng.choice("DF") + "".join(rng.choice(DIGITS) for _ in range(5))
    else:
        chars = [rng.choice(DIGITS) for _ in range(5)]
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            chars[rng.randrange(5)] = rng.choice(PLATE_LETTERS)
        tail = "".join(chars)
    return f"{province}{letter}{tail}"


# --- people ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One subject with every written form the generator may type for them."""

    cat: str  # cn hk tw vn kr jp th mm kh la west
    sur: str  # surname in the subject's own script ("" for Burmese names)
    given: str
    latin_sur: str  # the passport's Latin spelling
    latin_given: tuple[str, ...]  # given name in passport Latin, by syllable or word
    dob: date
    gender: str
    nationality: str
    pinyin: tuple[str, ...] = ()  # toneless Mandarin by character (cn, hk, tw)
    sur_len: int = 1  # characters (= pinyin syllables) of the surname
    alt_sur: tuple[str, ...] = ()  # other Latin spellings of the surname seen on passports
    alt_given: tuple[str, ...] = ()
    translit: str = ""  # Western names: the Chinese transliteration, parts joined with ·

    @property
    def hanzi(self) -> str:
        return self.sur + self.given

    @property
    def sino(self) -> bool:
        return self.cat in ("cn", "hk", "tw")


def _birth(rng: Random, kind: str) -> tuple[date, str]:
    first, last, men = BIRTH[kind]
    day = rng.randint(date(first, 1, 1).toordinal(), date(last, 12, 31).toordinal())
    dob = date.fromordinal(day)
    return dob, "male" if rng.random() < men else "female"


def cn_given(rng: Random, gender: str, year: int) -> str:
    if rng.random() < 0.12:  # the commonest whole given names: where namesakes come from
        return TOP_GIVEN[gender](rng)
    pool = GIVEN_POOLS[(gender, year >= 1980)]
    if rng.random() < (0.35 if year < 1980 else 0.15):
        return rng.choice(pool)
    first = rng.choice(pool)
    if gender == "female" and rng.random() < 0.04:
        return first + first  # 婷婷, 丽丽
    return first + rng.choice(pool)


def make_cn(rng: Random, dob: date, gender: str, surname: str | None = None) -> Person:
    sur = surname or SURNAME(rng)
    given = cn_given(rng, gender, dob.year)
    return cn_person(sur, given, dob, gender)


def cn_person(sur: str, given: str, dob: date, gender: str) -> Person:
    sur_py = SURNAME_READING.get(sur) or [reading(c) for c in sur]
    given_py = [reading(c) for c in given]
    return Person(
        cat="cn",
        sur=sur,
        given=given,
        latin_sur="".join(sur_py).upper().replace("V", "YU"),
        latin_given=("".join(given_py).upper().replace("V", "YU"),),
        dob=dob,
        gender=gender,
        nationality="CN",
        pinyin=(*sur_py, *given_py),
        sur_len=len(sur_py),
    )


def make_foreign(rng: Random, cat: str, dob: date, gender: str) -> Person:
    male = gender == "male"
    if cat in ("hk", "tw"):
        sur, sur_latin = (HK_SURNAME if cat == "hk" else TW_SURNAME)(rng)
        chars = tables.HK_GIVEN if cat == "hk" else tables.TW_GIVEN
        picks = [rng.choice(chars) for _ in range(1 if rng.random() < 0.1 else 2)]
        given = "".join(c for c, _ in picks)
        simplified = _T2S.convert(sur + given)
        return Person(
            cat=cat,
            sur=sur,
            given=given,
            latin_sur=sur_latin,
            latin_given=tuple(r for _, r in picks),
            dob=dob,
            gender=gender,
            nationality=cat.upper(),
            pinyin=tuple(reading(c) for c in simplified),
        )
    if cat == "vn":
        sur = VN_SURNAME(rng)
        middle = rng.choice(tables.VN_MIDDLE_MALE if male else tables.VN_MIDDLE_FEMALE)
        first = rng.choice(tables.VN_GIVEN_MALE if male else tables.VN_GIVEN_FEMALE)
        given = f"{middle} {first}"
        return Person(
            cat=cat,
            sur=sur,
            given=given,
            latin_sur=fold(sur).upper(),
            latin_given=tuple(fold(given).upper().split()),
            dob=dob,
            gender=gender,
            nationality="VN",
        )
    if cat == "kr":
        hangul, spellings = KR_SURNAME(rng)
        # a passport carries one spelling; the commonest for three people in four
        spelling = spellings[0] if rng.random() < 0.75 else rng.choice(spellings)
        given_h, given_r = rng.choice(tables.KR_GIVEN_MALE if male else tables.KR_GIVEN_FEMALE)
        return Person(
            cat=cat,
            sur=hangul,
            given=given_h,
            latin_sur=spelling,
            latin_given=given_r,
            dob=dob,
            gender=gender,
            nationality="KR",
            alt_sur=tuple(s for s in spellings if s != spelling),
        )
    if cat == "jp":
        kanji, hepburn, alt = JP_SURNAME(rng)
        g_kanji, g_hepburn, g_alt = rng.choice(
            tables.JP_GIVEN_MALE if male else tables.JP_GIVEN_FEMALE
        )
        return Person(
            cat=cat,
            sur=kanji,
            given=g_kanji,
            latin_sur=hepburn,
            latin_given=(g_hepburn,),
            dob=dob,
            gender=gender,
            nationality="JP",
            alt_sur=alt,
            alt_given=g_alt,
        )
    if cat == "west":
        firsts = tables.WEST_GIVEN_MALE if male else tables.WEST_GIVEN_FEMALE
        names = [rng.choice(firsts)]
        if rng.random() < 0.2:
            second = rng.choice(firsts)
            if second != names[0]:
                names.append(second)
        sur, sur_zh, countries = rng.choice(tables.WEST_SURNAMES)
        return Person(
            cat=cat,
            sur=sur,
            given=" ".join(n for n, _ in names),
            latin_sur=sur,
            latin_given=tuple(n for n, _ in names),
            dob=dob,
            gender=gender,
            nationality=rng.choice(countries),
            translit="·".join([*(zh for _, zh in names), sur_zh]),
        )
    if cat == "mm":
        pool = tables.MM_SYLLABLES_MALE if male else tables.MM_SYLLABLES_FEMALE
        parts = [rng.choice(pool) for _ in range(rng.choice((2, 3, 3)))]
        return Person(
            cat=cat,
            sur="",
            given=" ".join(parts),
            latin_sur="",
            latin_given=tuple(parts),
            dob=dob,
            gender=gender,
            nationality="MM",
        )
    surnames, given_m, given_f = {
        "th": (tables.TH_SURNAMES, tables.TH_GIVEN_MALE, tables.TH_GIVEN_FEMALE),
        "kh": (tables.KH_SURNAMES, tables.KH_GIVEN_MALE, tables.KH_GIVEN_FEMALE),
        "la": (tables.LA_SURNAMES, tables.LA_GIVEN_MALE, tables.LA_GIVEN_FEMALE),
    }[cat]
    sur = rng.choice(surnames)
    given = rng.choice(given_m if male else given_f)
    return Person(
        cat=cat,
        sur=sur,
        given=given,
        latin_sur=sur,
        latin_given=(given,),
        dob=dob,
        gender=gender,
        nationality=cat.upper(),
    )


def make_person(rng: Random, cat: str, dob: date, gender: str) -> Person:
    return make_cn(rng, dob, gender) if cat == "cn" else make_foreign(rng, cat, dob, gender)


def fold(text: str) -> str:
    """Latin letters without diacritics (Đ has no decomposition: it is mapped by hand)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def latin(p: Person) -> str:
    """The name as printed in the passport's Latin line, in the order it is printed."""
    if p.cat == "tw":
        return f"{p.latin_sur} {'-'.join(p.latin_given)}"
    if p.cat == "kr":
        return f"{p.latin_sur} {''.join(p.latin_given)}"
    if p.cat in ("th", "la", "west"):
        return f"{' '.join(p.latin_given)} {p.latin_sur}"
    if p.cat == "mm":
        return " ".join(p.latin_given)
    return f"{p.latin_sur} {' '.join(p.latin_given)}"


def native(p: Person) -> str:
    """The name in the subject's own script (Latin for Thai, Khmer, Lao, Burmese, Western)."""
    if p.cat == "vn":
        return f"{p.sur} {p.given}"
    if p.cat in SEA or p.cat == "west":
        return latin(p)
    return p.hanzi


def name_keys(p: Person) -> set[str]:
    """What makes two written names the same name, script by script, for the stranger check."""
    keys = {"l" + "".join(sorted(c for c in fold(latin(p)).lower() if c.isalpha()))}
    if p.pinyin:
        keys.add("l" + "".join(sorted("".join(p.pinyin))))
    if p.cat in ("cn", "hk", "tw", "kr", "jp"):
        keys.add("h" + "".join(sorted(_T2S.convert(p.hanzi))))
    if p.translit:
        keys.add("h" + "".join(sorted(p.translit.replace("·", ""))))
    return keys


def dob_forms(dob: date) -> list[str]:
    """Birth-date strings an alert could carry for this date, incl. a day/month mix-up."""
    forms = [dob.isoformat(), dob.isoformat()[:7], str(dob.year)]
    if dob.day <= 12 and dob.day != dob.month:
        forms.append(date(dob.year, dob.day, dob.month).isoformat())
    return forms


# --- agencies --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agencies:
    chinese: Weighted[str]
    capitals: dict[str, str]  # country -> agency code

    @classmethod
    def load(cls, folder: Path = AGENCY_DATA) -> Agencies:
        """Provincial and city bureaus of the Yangtze River Delta and Beijing-Tianjin-Hebei, and
        the foreign capital police, as the demo loads them."""
        chinese: list[tuple[str, float]] = []
        capitals: dict[str, str] = {}
        for path in sorted(folder.glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                agency = json.loads(line)
                if not agency.get("active", True):
                    continue
                code, level = agency["code"], agency["level"]
                if level == "foreign_capital":
                    capitals[agency["country"]] = code
                elif level in ("province", "city") and code[:2] in (
                    "11", "12", "13", "31", "32", "33", "34",
                ):  # fmt: skip
                    # the municipalities are one bureau each, provinces have one per city
                    chinese.append((code, 4.0 if level == "province" else 1.0))
        if not chinese:
            raise SystemExit(f"no Chinese bureaus found in {folder}")
        return cls(chinese=Weighted(chinese), capitals=capitals)


# --- alerts ----------------------------------------------------------------------------------


@dataclass
class Alert:
    index: int
    ref: str
    line: dict[str, Any]
    person: Person | None = None
    alias: Person | None = None  # a former Chinese name
    id18: str | None = None  # the subject's true resident ID, whatever form was stored
    tags: set[str] = field(default_factory=set)


def make_alert(seed: int, agencies: Agencies, index: int) -> Alert:
    """Alert number `index` (0-based) for a seed: always the same."""
    rng = _rng(seed, _ALERT, index)
    ref = f"A-{index + 1:07d}"
    roll = rng.random()
    if roll < 0.80:
        return _person_alert(rng, agencies, index, ref)
    if roll < 0.92:
        return _vehicle_alert(rng, agencies, index, ref)
    if roll < 0.97:
        return _document_alert(rng, agencies, index, ref)
    return _drone_alert(rng, agencies, index, ref)


def _issuer(rng: Random, agencies: Agencies, country: str | None) -> str:
    capital = agencies.capitals.get(country or "")
    if capital and rng.random() < 0.5:
        return capital
    if country == "CN" and agencies.capitals and rng.random() < 0.03:
        # Chinese fugitives abroad: the ASEAN, Japanese and Korean police also issue alerts
        return rng.choice(sorted(agencies.capitals.values()))
    return agencies.chinese(rng)


def _person_alert(rng: Random, agencies: Agencies, index: int, ref: str) -> Alert:
    atype = PERSON_TYPE(rng)
    dob, gender = _birth(rng, atype)
    cat = "cn" if rng.random() < 0.85 else FOREIGN(rng)
    p = make_person(rng, cat, dob, gender)
    alert = Alert(index=index, ref=ref, line={}, person=p, tags={"person", cat})
    aliases: list[str] = []
    if cat == "cn":
        name = p.hanzi
        if rng.random() < 0.08:  # a former name (曾用名): same surname, another given name
            alias = make_cn(rng, dob, gender, surname=p.sur)
            if alias.hanzi != name:
                alert.alias = alias
                aliases.append(alias.hanzi)
        if rng.random() < 0.03:
            aliases.append(latin(p))
        alert.tags.update(("hanzi", "homophonable"))
    elif cat in ("hk", "tw"):
        name = p.hanzi
        if rng.random() < 0.4:
            aliases.append(latin(p))
        alert.tags.add("hanzi")
    elif cat == "vn":
        name = native(p) if rng.random() < 0.8 else native(p).upper()
        if rng.random() < 0.1:
            aliases.append(fold(name).upper())
        alert.tags.add("vn_diacritics")
    elif cat in ("kr", "jp"):
        in_native = rng.random() < 0.55
        if in_native:
            name = p.hanzi if cat == "kr" or rng.random() < 0.7 else f"{p.sur} {p.given}"
        else:
            name = latin(p)
        if rng.random() < 0.2:
            aliases.append(latin(p) if in_native else p.hanzi)
        alert.tags.add(f"{cat}_{'native' if in_native else 'latin'}")
    elif cat == "west":
        in_latin = rng.random() < 0.7
        name = latin(p) if in_latin else p.translit
        if rng.random() < 0.2:
            aliases.append(p.translit if in_latin else latin(p))
    else:
        name = latin(p)
        alert.tags.add("sea")

    line: dict[str, Any] = {"ref": ref, "type": atype, "name": name}
    if aliases:
        line["aliases"] = aliases
    # Every person alert has a birth date, some only a month or a year: an alert with none would
    # leave a stranger of the same name undecidable.
    roll = rng.random()
    if roll < 0.05:
        line["birth_date"] = dob.isoformat()[:7]
    elif roll < 0.08:
        line["birth_date"] = str(dob.year)
    else:
        line["birth_date"] = dob.isoformat()
        alert.tags.add("full_dob")
        if dob.day <= 12 and dob.day != dob.month:
            alert.tags.add("swappable")
    if rng.random() < 0.9:
        line["gender"] = gender
    # kanji alone read as Chinese: a Japanese alert always states the nationality
    if cat == "jp" or rng.random() < (0.7 if cat == "cn" else 0.95):
        line["nationality"] = p.nationality
    if cat == "cn" and "full_dob" in alert.tags and rng.random() < 0.65:
        id18 = resident_id(rng, dob, gender)
        alert.id18 = id18
        roll = rng.random()
        if roll < 0.012:  # stored as written on a faulty record: the issue says flag, not refuse
            wrong = rng.choice([c for c in "0123456789X" if c != id18[17]])
            line["id_number"] = id18[:17] + wrong
            alert.tags.add("id")
        elif dob.year <= 1980 and roll < 0.2:
            line["id_number"] = legacy_of(id18)
            alert.tags.update(("id", "id_legacy_ok"))
        else:
            line["id_number"] = id18
            alert.tags.update(("id", "id_valid"))
            if dob.year < 2000:  # 15-digit numbers only ever existed for the 1900s
                alert.tags.add("id_legacy_ok")
            if id18.endswith("X"):
                alert.tags.add("id_x")
    if rng.random() < (0.05 if cat == "cn" else 0.75):
        line["passport_number"] = make_passport(rng, p.nationality)
        alert.tags.add("passport")
    line["issuing_agency"] = _issuer(rng, agencies, p.nationality)
    alert.line = line
    return alert


def _vehicle_alert(rng: Random, agencies: Agencies, index: int, ref: str) -> Alert:
    make, wmis, _models = rng.choice(tables.VEHICLE_MAKES)
    new_energy = make in ("比亚迪", "特斯拉") or rng.random() < 0.12
    line: dict[str, Any] = {"ref": ref, "type": "stolen_vehicle"}
    alert = Alert(index=index, ref=ref, line=line, tags={"vehicle"})
    has_plate = rng.random() < 0.9
    if has_plate:
        line["plate"] = make_plate(rng, new_energy)
        alert.tags.add("plate_ne" if new_energy else "plate")
    if not has_plate or rng.random() < 0.7:
        line["vin"] = make_vin(rng, rng.choice(wmis))
        alert.tags.add("vin")
    if rng.random() < 0.9:
        line["make"] = make
    if rng.random() < 0.8:
        line["colour"] = rng.choice(tables.COLOURS)
    line["issuing_agency"] = agencies.chinese(rng)
    return alert


def make_document(rng: Random) -> tuple[str, str, str]:
    """(document_type, document_number, issuing_country) of a random travel or ID document."""
    roll = rng.random()
    if roll < 0.35:
        return "passport", make_passport(rng, "CN"), "CN"
    if roll < 0.55:
        country = rng.choice(sorted(c for c in tables.PASSPORT_SHAPES if c != "CN"))
        return "passport", make_passport(rng, country), country
    if roll < 0.85:
        dob, gender = _birth(rng, "stranger")
        return "resident_id_card", resident_id(rng, dob, gender), "CN"
    # 往来港澳通行证 (exit-entry permit for Hong Kong and Macao): C, a letter, seven digits
    return "exit_entry_permit", from_shape(rng, "CA9999999"), "CN"


def _document_alert(rng: Random, agencies: Agencies, index: int, ref: str) -> Alert:
    doc_type, number, country = make_document(rng)
    line: dict[str, Any] = {
        "ref": ref,
        "type": "stolen_document",
        "document_type": doc_type,
        "document_number": number,
        "issuing_country": country,
        "issuing_agency": _issuer(rng, agencies, country if country != "CN" else None),
    }
    return Alert(index=index, ref=ref, line=line, tags={"document"})


def make_drone_serial(rng: Random, model: str) -> str:
    if model.startswith("DJI"):  # DJI serials: 1581F and nine more
        return "1581F" + "".join(rng.choice(VIN_ALPHABET) for _ in range(9))
    return "7SN" + "".join(rng.choice(VIN_ALPHABET) for _ in range(11))


def _drone_alert(rng: Random, agencies: Agencies, index: int, ref: str) -> Alert:
    line: dict[str, Any] = {"ref": ref, "type": "drone"}
    model = rng.choice(tables.DRONE_MODELS)
    has_serial = rng.random() < 0.85
    if has_serial:
        line["drone_serial"] = make_drone_serial(rng, model)
    if not has_serial or rng.random() < 0.6:
        # CAAC real-name registration (民用无人机实名登记) as printed on the airframe's label
        line["registration_number"] = "UAS" + "".join(rng.choice(DIGITS) for _ in range(8))
    if rng.random() < 0.9:
        line["model"] = model
    line["issuing_agency"] = agencies.chinese(rng)
    return Alert(index=index, ref=ref, line=line, tags={"drone"})


def alert_keys(alert: Alert) -> list[str]:
    """Identifying keys of an alert, as the stranger check looks them up."""
    line = alert.line
    keys: list[str] = []
    people = [p for p in (alert.person, alert.alias) if p is not None]
    for p in people:
        for name_key in name_keys(p):
            keys.append(f"n|{name_key}|{line['birth_date']}")
    if alert.id18:
        keys.append("i|" + alert.id18[:17])
    if "passport_number" in line:
        keys.append("p|" + line["passport_number"])
    for field_name, prefix in (("plate", "v|"), ("vin", "vin|"), ("drone_serial", "s|")):
        if field_name in line:
            keys.append(prefix + line[field_name])
    if "registration_number" in line:
        keys.append("s|" + line["registration_number"])
    if "document_number" in line:
        number = line["document_number"]
        if line["document_type"] == "resident_id_card":
            keys.append("i|" + number[:17])
        keys.extend(("d|" + number, "p|" + number))
    return keys


class KeyFilter:
    """A Bloom filter of every alert's identifying keys. It never misses a key it was given, so
    a stranger it does not contain is certainly no alert's subject; a false positive only makes
    the generator draw another stranger. Sixteen bits a key: a million alerts take ~16 MB."""

    def __init__(self, expected_keys: int) -> None:
        bits = 1 << max(20, (expected_keys * 16).bit_length())
        self.mask = bits - 1
        self.bits = bytearray(bits // 8)

    def _positions(self, key: str) -> tuple[int, int, int]:
        h = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=16).digest(), "little")
        return h & self.mask, (h >> 42) & self.mask, (h >> 84) & self.mask

    def add(self, key: str) -> None:
        for at in self._positions(key):
            self.bits[at >> 3] |= 1 << (at & 7)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        return all(self.bits[at >> 3] & (1 << (at & 7)) for at in self._positions(key))

    def knows_person(self, p: Person, dob: date) -> bool:
        """Whether some alert may carry this name with a birth date compatible with `dob`."""
        return any(f"n|{key}|{form}" in self for key in name_keys(p) for form in dob_forms(dob))


# --- typed forms of a name -------------------------------------------------------------------


def _case(rng: Random, text: str) -> str:
    roll = rng.random()
    return text.upper() if roll < 0.6 else text.title() if roll < 0.9 else text.lower()


def _pinyin_parts(rng: Random, p: Person) -> tuple[str, list[str]]:
    """Surname and given-name syllables as a person types them; ü as V, YU or U."""
    u = rng.choice(("v", "yu", "yu", "u"))
    syllables = [s.replace("v", u) for s in p.pinyin]
    return "".join(syllables[: p.sur_len]), syllables[p.sur_len :]


def pinyin_form(rng: Random, p: Person, kind: str) -> str:
    sur, given = _pinyin_parts(rng, p)
    joined = "".join(given)
    split = rng.random() < 0.3 and len(given) > 1
    given_text = " ".join(given) if split else joined
    if kind == "pinyin_reversed":
        return _case(rng, f"{given_text} {sur}")
    if kind == "pinyin_unspaced":
        text = sur + joined
        return rng.choice((text.upper(), text.lower(), text.title()))
    if kind == "pinyin_case":
        return rng.choice(
            (
                f"{sur} {given_text}".lower(),
                f"{sur.upper()} {given_text.lower()}",
                f"{sur.lower()} {given_text.title()}",
                f"{sur.title()} {given_text.upper()}",
            )
        )
    return _case(rng, f"{sur} {given_text}")


def homophone_of(rng: Random, p: Person) -> str | None:
    """The name with characters swapped for others read the same: typed by ear."""
    chars = list(p.hanzi)
    movable = [i for i, c in enumerate(chars) if c in HOMOPHONES and (i >= p.sur_len or i == 0)]
    if p.sur_len > 1:  # compound surnames stay: their spellings are fixed
        movable = [i for i in movable if i >= p.sur_len]
    if not movable:
        return None
    picked = [i for i in movable if rng.random() < (0.25 if i < p.sur_len else 0.6)]
    for i in picked or [rng.choice([i for i in movable if i >= p.sur_len] or movable)]:
        chars[i] = rng.choice(HOMOPHONES[chars[i]])
    typed = "".join(chars)
    return typed if typed != p.hanzi else None


def cantonese_form(rng: Random, p: Person) -> str:
    given = list(p.latin_given)
    return rng.choice(
        (
            f"{p.latin_sur} {' '.join(given)}",
            f"{p.latin_sur}, {' '.join(given)}",
            f"{p.latin_sur} {' '.join(given).title()}",
            f"{p.latin_sur} {'-'.join(given).capitalize()}",
            f"{' '.join(given)} {p.latin_sur}",
        )
    )


def wade_giles_form(rng: Random, p: Person) -> str:
    given = "-".join(p.latin_given)
    return rng.choice(
        (
            f"{p.latin_sur} {given}",
            f"{p.latin_sur}, {given}",
            f"{p.latin_sur.title()} {given.capitalize()}",
            f"{given} {p.latin_sur}",
            f"{p.latin_sur} {given.replace('-', ' ')}",
        )
    )


def korean_latin_form(rng: Random, p: Person) -> str:
    given = rng.choice(("".join(p.latin_given), " ".join(p.latin_given), "-".join(p.latin_given)))
    roll = rng.random()
    if roll < 0.55:
        return f"{p.latin_sur} {given}"
    if roll < 0.8:
        return f"{given} {p.latin_sur}"
    return f"{p.latin_sur.title()} {given.title() if '-' not in given else given.capitalize()}"


def japanese_latin_form(rng: Random, p: Person) -> str:
    sur = rng.choice(p.alt_sur) if p.alt_sur and rng.random() < 0.25 else p.latin_sur
    given = p.latin_given[0]
    if p.alt_given and rng.random() < 0.25:
        given = rng.choice(p.alt_given)
    roll = rng.random()
    text = f"{sur} {given}" if roll < 0.6 else f"{given} {sur}"
    return text.title() if rng.random() < 0.25 else text


def sea_form(rng: Random, p: Person) -> str:
    text = latin(p)
    if p.latin_sur and rng.random() < 0.35:  # family name moved to the other end
        text = " ".join(text.split()[::-1])
    return _case(rng, text)


def vietnamese_plain_form(rng: Random, p: Person) -> str:
    text = fold(native(p))
    if rng.random() < 0.1:  # Western order: given name first
        parts = text.split()
        text = " ".join([*parts[1:], parts[0]])
    return _case(rng, text)


def middle_dot_form(rng: Random, alert: Alert, p: Person) -> str:
    if alert.line["name"] == p.translit:  # the alert has the transliteration: type Latin
        return rng.choice((latin(p), latin(p).title(), f"{p.latin_sur} {' '.join(p.latin_given)}"))
    return p.translit.replace("·", rng.choice(DOTS))


def typed_name(rng: Random, alert: Alert, p: Person) -> str:
    """The name as an officer copies it from papers: the alert's form, or pinyin for Chinese."""
    if p.cat == "cn" and rng.random() < 0.3:
        return pinyin_form(rng, p, "pinyin_spaced")
    return str(alert.line["name"])


# --- probes ----------------------------------------------------------------------------------


@dataclass
class Context:
    seed: int
    agencies: Agencies
    filter: KeyFilter
    by_tag: dict[str, array[int]]

    def alert(self, index: int) -> Alert:
        return make_alert(self.seed, self.agencies, index)

    def pick(self, rng: Random, tag: str) -> Alert | None:
        pool = self.by_tag.get(tag)
        if not pool:
            return None
        return self.alert(pool[rng.randrange(len(pool))])


def _person_fields(
    rng: Random,
    probe: dict[str, Any],
    p: Person,
    *,
    name: str | None,
    dob: str | None,
    nationality_share: float | None = None,
) -> dict[str, Any]:
    if name is not None:
        probe["name"] = name
    if dob is not None:
        probe["birth_date"] = dob
    if rng.random() < 0.5:
        probe["gender"] = p.gender
    share = nationality_share if nationality_share is not None else (0.15 if p.sino else 0.6)
    if rng.random() < share:
        probe["nationality"] = p.nationality
    return probe


def _swap_one_digit(rng: Random, body: str) -> str:
    at = rng.randrange(len(body))
    return body[:at] + rng.choice([d for d in DIGITS if d != body[at]]) + body[at + 1 :]


def _transpose(rng: Random, body: str) -> str | None:
    spots = [i for i in range(len(body) - 1) if body[i] != body[i + 1]]
    if not spots:
        return None
    i = rng.choice(spots)
    return body[:i] + body[i + 1] + body[i] + body[i + 2 :]


def _retype(rng: Random, number: str) -> str:
    roll = rng.random()
    if roll < 0.75:
        return number
    if roll < 0.9:
        return number.lower()
    return f"{number[:4]} {number[4:]}"


def true_probe(
    ctx: Context, rng: Random, kind: str, ref: str
) -> tuple[dict[str, Any], Alert] | None:
    """A probe that is the subject of some alert, typed as `kind`; None if no alert fits."""
    for _ in range(64):
        alert = ctx.pick(rng, KIND_TAG[kind])
        if alert is None:
            return None
        probe = _true_probe_of(rng, kind, ref, alert)
        if probe is not None:
            return probe, alert
    return None


KIND_TAG = {
    "id_exact": "id", "id_legacy15": "id_legacy_ok", "id_transposition": "id_valid",
    "id_wrong_digit": "id_valid", "id_lowercase_x": "id_x", "passport": "passport",
    "hanzi_exact": "hanzi", "traditional": "hanzi", "pinyin_spaced": "cn",
    "pinyin_reversed": "cn", "pinyin_unspaced": "cn", "pinyin_case": "cn",
    "homophone": "homophonable", "cantonese": "hk", "wade_giles": "tw", "middle_dot": "west",
    "vietnamese_no_diacritics": "vn_diacritics", "korean_hangul": "kr_latin",
    "korean_romanised": "kr_native", "japanese_kanji": "jp_latin",
    "japanese_romanised": "jp_native", "sea_latin": "sea", "dob_day_month_swapped": "swappable",
    "plate_pinyin": "plate", "plate_spacing": "plate", "plate_new_energy": "plate_ne",
    "vin": "vin", "document": "document", "drone": "drone", "name_only": "person",
    "namesake": "person", "stranger_same_dob": "full_dob", "homophone_stranger": "homophonable",
}  # fmt: skip


def _true_probe_of(rng: Random, kind: str, ref: str, alert: Alert) -> dict[str, Any] | None:
    line, p = alert.line, alert.person
    probe: dict[str, Any] = {"ref": ref}
    if p is None:
        return _object_probe(rng, kind, probe, line)
    dob = p.dob.isoformat()
    name: str | None
    if kind.startswith("id_"):
        stored, id18 = str(line["id_number"]), alert.id18
        assert id18 is not None
        if kind == "id_exact":
            typed = stored
        elif kind == "id_legacy15":
            typed = id18 if len(stored) == 15 else legacy_of(id18)
        elif kind == "id_transposition":
            swapped = _transpose(rng, id18[:17])
            if swapped is None:
                return None
            typed = swapped + id18[17]
        elif kind == "id_wrong_digit":
            typed = _swap_one_digit(rng, id18[:17]) + id18[17]
        else:
            typed = id18[:17] + "x"
        with_name = rng.random() < 0.6
        name = typed_name(rng, alert, p) if with_name else None
        _person_fields(rng, probe, p, name=name, dob=dob if rng.random() < 0.6 else None)
        probe["id_number"] = typed
        return probe
    if kind == "passport":
        name = typed_name(rng, alert, p) if rng.random() < 0.7 else None
        _person_fields(
            rng, probe, p, name=name, dob=dob if rng.random() < 0.7 else None, nationality_share=0.7
        )
        probe["passport_number"] = _retype(rng, str(line["passport_number"]))
        return probe
    if kind == "hanzi_exact":
        name = p.hanzi
    elif kind == "traditional":
        name = _S2T.convert(p.hanzi) if p.cat == "cn" else _T2S.convert(p.hanzi)
        if name == p.hanzi:
            return None
    elif kind.startswith("pinyin_"):
        name = pinyin_form(rng, p, kind)
    elif kind == "homophone":
        name = homophone_of(rng, p)
    elif kind == "cantonese":
        name = cantonese_form(rng, p)
    elif kind == "wade_giles":
        name = wade_giles_form(rng, p)
    elif kind == "middle_dot":
        name = middle_dot_form(rng, alert, p)
    elif kind == "vietnamese_no_diacritics":
        name = vietnamese_plain_form(rng, p)
    elif kind == "korean_hangul":
        name = rng.choice((p.hanzi, p.hanzi, f"{p.sur} {p.given}"))
    elif kind == "japanese_kanji":  # Japanese keyboards put an ideographic space between names
        name = rng.choice((p.hanzi, p.hanzi, f"{p.sur} {p.given}", f"{p.sur}\u3000{p.given}"))
    elif kind == "korean_romanised":
        name = korean_latin_form(rng, p)
    elif kind == "japanese_romanised":
        name = japanese_latin_form(rng, p)
    elif kind == "sea_latin":
        name = sea_form(rng, p)
    elif kind == "dob_day_month_swapped":
        name = typed_name(rng, alert, p)
        dob = date(p.dob.year, p.dob.day, p.dob.month).isoformat()
    elif kind == "name_only":
        _person_fields(rng, probe, p, name=typed_name(rng, alert, p), dob=None)
        return probe
    else:
        raise ValueError(f"unknown kind {kind}")
    if name is None:
        return None
    share = 0.8 if kind in ("japanese_kanji", "korean_hangul") else None
    return _person_fields(rng, probe, p, name=name, dob=dob, nationality_share=share)


def _object_probe(
    rng: Random, kind: str, probe: dict[str, Any], line: dict[str, Any]
) -> dict[str, Any] | None:
    if kind in ("plate_pinyin", "plate_spacing", "plate_new_energy"):
        plate = str(line["plate"])
        province, rest = plate[0], plate[1:]
        if kind == "plate_pinyin":
            py = PLATE_PINYIN[province]
            typed = rng.choice((f"{py} {rest}", f"{py}{rest}", f"{py}-{rest}", f"{py} {rest}"))
            probe["plate"] = typed.lower() if rng.random() < 0.15 else typed
        elif kind == "plate_spacing":
            probe["plate"] = rng.choice(
                (
                    f"{province}{rest[0]} {rest[1:]}",
                    f"{province}{rest[0]}·{rest[1:]}",
                    f"{province} {rest}",
                    f"{province}{rest[0]}-{rest[1:]}",
                    f"{province}{rest.lower()}",
                    f"{province} {rest[0]} {rest[1:]}",
                )
            )
        else:
            probe["plate"] = rng.choice(
                (plate, f"{province}{rest[0]} {rest[1:]}", f"{province}{rest[0]}·{rest[1:]}")
            )
        return probe
    if kind == "vin":
        vin = str(line["vin"])
        probe["vin"] = vin.lower() if rng.random() < 0.2 else vin
        return probe
    if kind == "document":
        probe["document_number"] = _retype(rng, str(line["document_number"]))
        return probe
    if kind == "drone":
        serial = line.get("drone_serial") or line["registration_number"]
        probe["drone_serial"] = serial.lower() if rng.random() < 0.15 else serial
        return probe
    return None


def _other_birth(rng: Random, p: Person) -> date:
    """A birth date in another year than `p`'s, as a namesake has."""
    while True:
        dob, _ = _birth(rng, "stranger")
        if dob.year != p.dob.year:
            return dob


def _fresh_id(ctx: Context, rng: Random, dob: date, gender: str, avoid: str | None) -> str:
    """A valid resident ID no alert carries, and not one typo away from `avoid`."""
    while True:
        candidate = resident_id(rng, dob, gender)
        if "i|" + candidate[:17] in ctx.filter:
            continue
        if avoid and sum(a != b for a, b in zip(candidate[:17], avoid[:17], strict=True)) < 3:
            continue
        return candidate


def _fresh_passport(ctx: Context, rng: Random, country: str) -> str:
    while True:
        number = make_passport(rng, country)
        if "p|" + number not in ctx.filter:
            return number


def false_probe(
    ctx: Context, rng: Random, kind: str, ref: str
) -> tuple[dict[str, Any], Alert | None] | None:
    """A probe that is nobody's alert, built as `kind`; None if no alert can serve as source."""
    probe: dict[str, Any] = {"ref": ref}
    if kind == "vehicle_stranger":
        while True:
            plate = make_plate(rng, rng.random() < 0.15)
            _, wmis, _ = rng.choice(tables.VEHICLE_MAKES)
            vin = make_vin(rng, rng.choice(wmis))
            if "v|" + plate not in ctx.filter and "vin|" + vin not in ctx.filter:
                break
        roll = rng.random()
        if roll < 0.8:
            probe["plate"] = plate
        if roll > 0.5:
            probe["vin"] = vin
        return probe, None
    if kind == "document_stranger":
        while True:
            _, number, _ = make_document(rng)
            keys = ("d|" + number, "p|" + number, "i|" + number[:17])
            if not any(key in ctx.filter for key in keys):
                probe["document_number"] = number
                return probe, None
    if kind == "stranger":
        while True:
            dob, gender = _birth(rng, "stranger")
            cat = "cn" if rng.random() < 0.85 else FOREIGN(rng)
            p = make_person(rng, cat, dob, gender)
            if not ctx.filter.knows_person(p, dob):
                break
        return _stranger_fields(ctx, rng, probe, p, None, id_share=0.3), None
    for _ in range(64):
        source = ctx.pick(rng, KIND_TAG[kind])
        if source is None:
            return None
        built = _false_person(ctx, rng, kind, probe, source)
        if built is not None:
            return built, source
    return None


def _false_person(
    ctx: Context, rng: Random, kind: str, probe: dict[str, Any], source: Alert
) -> dict[str, Any] | None:
    s = source.person
    assert s is not None
    if kind == "namesake":  # the same name, another person: other birth year, other ID
        for _ in range(16):
            dob = _other_birth(rng, s)
            twin = replace(s, dob=dob)
            if not ctx.filter.knows_person(twin, dob):
                _person_fields(rng, probe, twin, name=str(source.line["name"]), dob=str(dob))
                return _stranger_ids(ctx, rng, probe, twin, source, id_share=0.5)
        return None
    if kind == "stranger_same_dob":  # another name born the same day
        for _ in range(16):
            other = make_person(rng, s.cat, s.dob, "male" if rng.random() < 0.6 else "female")
            if name_keys(other) & name_keys(s) or ctx.filter.knows_person(other, s.dob):
                continue
            return _stranger_fields(ctx, rng, probe, other, source, id_share=0.4)
        return None
    # homophone_stranger: a name that sounds like the alert's, born another year
    for _ in range(16):
        typed = homophone_of(rng, s)
        if typed is None:
            return None
        dob = _other_birth(rng, s)
        sound_alike = cn_person(typed[: s.sur_len], typed[s.sur_len :], dob, s.gender)
        if not ctx.filter.knows_person(sound_alike, dob):
            return _person_fields(rng, probe, sound_alike, name=typed, dob=dob.isoformat())
    return None


def _stranger_fields(
    ctx: Context,
    rng: Random,
    probe: dict[str, Any],
    p: Person,
    source: Alert | None,
    *,
    id_share: float,
) -> dict[str, Any]:
    if p.cat == "cn":
        name = pinyin_form(rng, p, "pinyin_spaced") if rng.random() < 0.3 else p.hanzi
    elif p.cat in ("kr", "jp", "hk", "tw") and rng.random() < 0.5:
        name = p.hanzi
    elif p.cat == "vn":
        name = native(p)
    else:
        name = latin(p)
    _person_fields(rng, probe, p, name=name, dob=p.dob.isoformat())
    return _stranger_ids(ctx, rng, probe, p, source, id_share=id_share)


def _stranger_ids(
    ctx: Context,
    rng: Random,
    probe: dict[str, Any],
    p: Person,
    source: Alert | None,
    *,
    id_share: float,
) -> dict[str, Any]:
    if rng.random() >= id_share:
        return probe
    if p.cat == "cn":
        avoid = source.id18 if source is not None else None
        probe["id_number"] = _fresh_id(ctx, rng, p.dob, p.gender, avoid)
    else:
        probe["passport_number"] = _fresh_passport(ctx, rng, p.nationality)
    return probe


# --- the run ---------------------------------------------------------------------------------


def _deck(weights: dict[str, int], rng: Random) -> list[str]:
    cards = [kind for kind, weight in weights.items() for _ in range(weight)]
    rng.shuffle(cards)
    return cards


class KindSchedule:
    """Kinds in shuffled decks: each deck holds every kind (by weight), so all kinds occur
    once per deck and the order is still random."""

    def __init__(self, seed: int, weights: dict[str, int], salt: int) -> None:
        self.seed, self.weights, self.salt = seed, weights, salt
        self.size = sum(weights.values())
        self.cycle = -1
        self.cards: list[str] = []

    def __getitem__(self, n: int) -> list[str]:
        """The n-th kind and, after it, the rest of its deck as fallbacks."""
        cycle, at = divmod(n, self.size)
        if cycle != self.cycle:
            self.cycle = cycle
            self.cards = _deck(self.weights, _rng(self.seed, _DECK, cycle * 2 + self.salt))
        return self.cards[at:] + self.cards[:at]


@dataclass
class Summary:
    alerts: int = 0
    probes: int = 0
    matches: int = 0
    alert_types: dict[str, int] = field(default_factory=dict)
    subjects: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    probes_without_id: int = 0
    seconds: float = 0.0


def _dump(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def generate(
    *,
    alerts: int,
    probes: int,
    seed: int,
    out: Path,
    match_share: float = 0.5,
    agencies: Agencies | None = None,
) -> Summary:
    """Write alerts.jsonl, probes.jsonl and labels.jsonl into `out` (replacing them whole)."""
    if alerts < 1:
        raise ValueError("alerts: at least one alert is needed")
    if probes < 0:
        raise ValueError("probes: must not be negative")
    if not 0.0 <= match_share <= 1.0:
        raise ValueError("match_share: must lie between 0 and 1")
    agencies = agencies or Agencies.load()
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    summary = Summary(alerts=alerts, probes=probes)
    key_filter = KeyFilter(expected_keys=alerts * 6)
    by_tag: dict[str, array[int]] = {}
    paths = {name: out / f"{name}.jsonl" for name in ("alerts", "probes", "labels")}
    temps = {name: path.with_suffix(".jsonl.tmp") for name, path in paths.items()}
    try:
        with temps["alerts"].open("w", encoding="utf-8") as sink:
            for index in range(alerts):
                alert = make_alert(seed, agencies, index)
                sink.write(_dump(alert.line))
                for key in alert_keys(alert):
                    key_filter.add(key)
                for tag in alert.tags:
                    by_tag.setdefault(tag, array("I")).append(index)
                atype = str(alert.line["type"])
                summary.alert_types[atype] = summary.alert_types.get(atype, 0) + 1
                subject = alert.person.cat if alert.person else atype
                summary.subjects[subject] = summary.subjects.get(subject, 0) + 1
        ctx = Context(seed=seed, agencies=agencies, filter=key_filter, by_tag=by_tag)
        true_kinds = KindSchedule(seed, TRUE_KIND_WEIGHTS, 0)
        false_kinds = KindSchedule(seed, FALSE_KIND_WEIGHTS, 1)
        with (
            temps["probes"].open("w", encoding="utf-8") as probe_sink,
            temps["labels"].open("w", encoding="utf-8") as label_sink,
        ):
            for j in range(probes):
                probe, label = _probe(ctx, j, match_share, true_kinds, false_kinds)
                probe_sink.write(_dump(probe))
                label_sink.write(_dump(label))
                summary.kinds[label["kind"]] = summary.kinds.get(label["kind"], 0) + 1
                summary.matches += bool(label["match"])
                if "id_number" not in probe and "passport_number" not in probe:
                    summary.probes_without_id += 1
        for name, temp in temps.items():
            os.replace(temp, paths[name])
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


def _probe(
    ctx: Context,
    j: int,
    match_share: float,
    true_kinds: KindSchedule,
    false_kinds: KindSchedule,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Probe j: true when the running share of true probes steps up, so the share is exact."""
    rng = _rng(ctx.seed, _PROBE, j)
    ref = f"P-{j + 1:07d}"
    true_before = int(j * match_share)
    if int((j + 1) * match_share) > true_before:
        for kind in true_kinds[true_before]:
            made = true_probe(ctx, rng, kind, ref)
            if made is not None:
                probe, alert = made
                return probe, {"ref": ref, "alert_ref": alert.ref, "kind": kind, "match": True}
    # a false probe, or a true one no alert could serve (a tiny alert set)
    for kind in false_kinds[j - true_before]:
        built = false_probe(ctx, rng, kind, ref)
        if built is not None:
            probe, source = built
            source_ref = source.ref if source is not None else None
            return probe, {"ref": ref, "alert_ref": source_ref, "kind": kind, "match": False}
    raise AssertionError("the stranger kinds need no source alert")  # pragma: no cover


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--alerts", type=int, required=True, help="number of alerts")
    parser.add_argument("--probes", type=int, required=True, help="number of probes")
    parser.add_argument("--seed", type=int, required=True, help="generator seed")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument(
        "--match-share", type=float, default=0.5, help="share of probes that match an alert"
    )
    args = parser.parse_args(argv)
    # refuse bad input before anything is written
    if args.alerts < 1:
        parser.error("--alerts must be at least 1")
    if args.probes < 0:
        parser.error("--probes must not be negative")
    if not 0.0 <= args.match_share <= 1.0:
        parser.error("--match-share must lie between 0 and 1")
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"--out {args.out} exists and is not a folder")
    summary = generate(
        alerts=args.alerts,
        probes=args.probes,
        seed=args.seed,
        out=args.out,
        match_share=args.match_share,
    )
    print(json.dumps(summary.__dict__, ensure_ascii=False, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
