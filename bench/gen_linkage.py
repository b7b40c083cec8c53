"""Agency record files with known truth for cross-agency person linkage and crime-series discovery
(issues 8 and 9).

    python bench/gen_linkage.py --persons N [--agencies 310000,320000,...] --seed S --out DIR

writes, in the exchange convention of docs/records-exchange.md (FollowTheMoney entities, one JSON
object a line, one file per agency):

- `DIR/<code>.jsonl` for each agency: Person, Event (a case), UnknownLink, Payment, BankAccount,
  Vehicle and Address entities. Entity ids are agency-local (`p-000123`, `case-000045`) and the
  same id means different things in different files;
- `DIR/truth.jsonl`: `{"record": "<code>:<id>", "person": "<true person id>"}` per Person record;
- `DIR/cases.jsonl`: `{"case": "<code>:<id>", "ring": "<ring id>" | null}` per Event;
- `DIR/summary.json`: counts of what was written.

N is the number of Person records over all agencies. A true person appears in one to four agencies,
each agency spelling the name its own way (simplified or traditional Han, pinyin in either order,
Wade-Giles, Hong Kong romanisation, Vietnamese with or without diacritics, Hangul or Latin, Latin or
Chinese transcription) and keeping its own share of the identifiers (resident IDs exact, in the
15-digit legacy form, with a typo or a transposition; passports; phones typed every which way).
Households put relatives with one surname, address and phone in the data, common names put many
namesakes in it. Fraud rings of 3-8 suspects commit cases in 2-4 agencies, joined by reused phones
and receiving bank accounts or, for about 3 % of the rings, only by one suspect spelt differently
in two agencies. Public hotlines and courier numbers are mentioned by unrelated cases everywhere.

Lone cases (one suspect, one victim) pair Person records of different households inside an agency;
a true person is the suspect of at most one lone case, so two cases share a suspect only inside a
ring. Output is a function of the seed; it streams to the files, holding only the resident IDs,
passports and plates handed out (they must stay unique; phone and card numbers are unique by
construction), so a million records take about three minutes and 170 MB. Name material
and identifier helpers come from bench/gen_screening.py; nothing is imported from
`accord.matching`: the data must not share the engine's idea of a name.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from random import Random
from typing import Any, TextIO

from stdnum import numdb

# bench/ is not a package: the screening generator and its tables sit beside this script.
_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))
import gen_screening as gs  # noqa: E402
import screening_data as tables  # noqa: E402

DEFAULT_AGENCIES = ("310000", "320000", "330000", "340000")

# How many agencies hold a record of one true person (households and ring victims; ring members
# follow their ring): most people are known to one agency, many to two, some to three or four.
AGENCY_COUNT = gs.Weighted([(1, 60.0), (2, 26.0), (3, 10.0), (4, 4.0)])
HOUSEHOLD_SIZE = gs.Weighted([(1, 68.0), (2, 18.0), (3, 9.0), (4, 5.0)])
FOREIGN = gs.Weighted(
    [("vn", 26.0), ("kr", 16.0), ("west", 16.0), ("hk", 12.0), ("tw", 12.0), ("jp", 8.0),
     ("th", 4.0), ("mm", 3.0), ("kh", 2.0), ("la", 1.0)]
)  # fmt: skip
FOREIGN_SHARE = 0.12
# One unit in RING_EVERY is a fraud ring (unit 0 included): about 6-7 % of Person records then
# sit in ring cases, as members or their victims. One ring in SUSPECT_ONLY_EVERY is joined across
# agencies by nothing but a suspect spelt two ways.
RING_EVERY = 60
SUSPECT_ONLY_EVERY = 32
RING_MODE = gs.Weighted([("phones_and_accounts", 46.0), ("phones", 26.0), ("accounts", 28.0)])
HUB_SHARE = 0.2  # cases that mention a public hotline or courier number

# Public service numbers that victims and fraudsters name in every province: impersonated bank and
# carrier hotlines, the anti-fraud centre, courier companies. They must not link cases.
HUBS: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("96110", ("96110",), 8.0),  # anti-fraud warning centre (反诈预警劝阻专线)
    ("95588", ("95588",), 4.0),  # ICBC
    ("95533", ("95533",), 3.0),  # China Construction Bank
    ("95566", ("95566",), 2.5),  # Bank of China
    ("95599", ("95599",), 2.0),  # Agricultural Bank of China
    ("95555", ("95555",), 2.0),  # China Merchants Bank
    ("95559", ("95559",), 1.0),  # Bank of Communications
    ("10086", ("10086",), 3.0),  # China Mobile
    ("10010", ("10010",), 1.5),  # China Unicom
    ("10000", ("10000",), 1.0),  # China Telecom
    ("95188", ("95188",), 2.0),  # Alipay
    ("95338", ("95338",), 1.5),  # SF Express
    ("95311", ("95311",), 1.5),  # ZTO Express
    ("95554", ("95554",), 1.0),  # YTO Express
    ("11183", ("11183",), 1.0),  # EMS
    ("4008111111", ("4008111111", "400-811-1111", "+86 400 811 1111"), 1.5),  # SF Express
    ("4008208820", ("4008208820", "400-820-8820", "+86 400 820 8820"), 0.8),  # a customer line
)
HUB = gs.Weighted(((number, forms), weight) for number, forms, weight in HUBS)

MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "147", "150", "151",
    "152", "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178",
    "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "198", "199",
)  # fmt: skip
# (bank, card BIN, card length): debit cards of the big banks, 16 to 19 digits with a Luhn digit
BANKS: tuple[tuple[str, str, int], ...] = (
    ("中国工商银行", "622202", 19), ("中国建设银行", "621700", 19), ("中国农业银行", "622848", 19),
    ("中国银行", "621661", 19), ("招商银行", "622588", 16), ("交通银行", "622262", 19),
    ("中国邮政储蓄银行", "621799", 19), ("浦发银行", "622521", 16), ("兴业银行", "622909", 18),
    ("中信银行", "622690", 16),
)  # fmt: skip
STREETS = (
    "人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "胜利路", "长江路", "黄河路",
    "文化路", "学府路", "青年路", "光明路", "友谊路", "花园路", "东风路", "迎宾大道", "滨江大道",
    "世纪大道", "延安路", "环城北路", "体育场路", "江南大道", "金桥路", "幸福路", "工业园路",
    "朝阳路", "复兴路", "太平路", "天目山路", "凤凰路", "梅园路", "桃园路", "双塔街", "大观路",
)  # fmt: skip
# (case name, weight, whether money moved to a receiving account, vehicle share, scene share)
LONE_KINDS: tuple[tuple[str, float, bool, float, float], ...] = (
    ("冒充客服退款诈骗案", 12.0, True, 0.0, 0.1),
    ("冒充公检法诈骗案", 8.0, True, 0.0, 0.1),
    ("刷单返利诈骗案", 12.0, True, 0.0, 0.05),
    ("虚假投资理财诈骗案", 8.0, True, 0.0, 0.05),
    ("网络贷款诈骗案", 6.0, True, 0.0, 0.05),
    ("网络交友诈骗案", 5.0, True, 0.0, 0.05),
    ("盗窃案", 14.0, False, 0.15, 0.9),
    ("入室盗窃案", 7.0, False, 0.1, 1.0),
    ("抢夺案", 5.0, False, 0.3, 1.0),
    ("故意伤害案", 6.0, False, 0.05, 1.0),
    ("交通肇事逃逸案", 4.0, False, 1.0, 1.0),
    ("诈骗案", 6.0, True, 0.05, 0.3),
    ("非法经营案", 3.0, False, 0.2, 0.8),
    ("寻衅滋事案", 4.0, False, 0.1, 1.0),
)
LONE_KIND = gs.Weighted(((name, fraud, v, s), w) for name, w, fraud, v, s in LONE_KINDS)
RING_KINDS = gs.Weighted(
    [("冒充客服退款诈骗案", 4.0), ("冒充公检法诈骗案", 3.0), ("刷单返利诈骗案", 4.0),
     ("虚假投资理财诈骗案", 3.0), ("网络贷款诈骗案", 2.0), ("网络交友诈骗案", 2.0)]
)  # fmt: skip
PAYMENT_PURPOSES = (
    "退款手续费", "保证金", "解冻费", "刷单垫付", "投资款", "贷款保证金", "安全账户转账", "充值",
)  # fmt: skip
HANDLING_TEXTS = (
    "仅限本案侦查使用", "不得向当事人透露", "未经提供单位同意不得转递", "仅供核查身份使用",
)  # fmt: skip
CASE_START, CASE_END = date(2021, 1, 1), date(2026, 6, 30)
KEYBOARD_NEIGHBOURS = {
    "a": "sqz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "q": "wa", "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc",
    "y": "tu", "z": "xs",
}  # fmt: skip


# --- identifiers -------------------------------------------------------------------------------

# Resident IDs are drawn so that the weighted digit sum of the 17-digit body under these weights
# is 0 mod 11. All weights are non-zero mod 11 and neighbours differ mod 11, so two IDs drawn
# this way never differ in one digit or by one adjacent swap: a typo of one person's ID is never
# another person's ID. The real check digit (ISO 7064 MOD 11-2) is computed as usual on top.
_ID_WEIGHTS = tuple((i % 10) + 1 for i in range(17))
_SEQ_PAIRS: dict[int, tuple[str, ...]] = {
    r: tuple(
        f"{a}{b}"
        for a in range(10)
        for b in range(10)
        if (a * _ID_WEIGHTS[14] + b * _ID_WEIGHTS[15]) % 11 == r
    )
    for r in range(11)
}


def luhn_digit(body: str) -> str:
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str(-total % 10)


class Permutation:
    """A keyed bijection of 0..10**8-1 (a four-round decimal Feistel network): counter k gives a
    subscriber or card number no other k gives, without remembering the numbers handed out."""

    def __init__(self, seed: int, salt: int) -> None:
        rng = Random(seed * 1000 + salt)
        self.keys = [rng.randrange(10**4) for _ in range(4)]

    def __call__(self, k: int) -> int:
        left, right = divmod(k % 10**8, 10**4)
        for key in self.keys:
            left, right = right, (left + (right * 7919 + key) * (right + key + 13)) % 10**4
        return left * 10**4 + right


@cache  # a few hundred codes, looked up for every address
def _county(code: str) -> str:
    """The county or district name of a region code, as it is called now."""
    info = {k: v for _, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    name = info.get("county", "").split(",")[-1]
    return name.split("]")[-1]


@cache
def _province(code: str) -> str:
    info = {k: v for _, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    return info.get("province", "")


# --- the people --------------------------------------------------------------------------------


@dataclass(eq=False)
class TruePerson:
    """One real person, with every fact any agency may have recorded about them."""

    tid: str
    p: gs.Person
    id18: str | None = None
    passport: str | None = None
    phones: list[tuple[str, str]] = field(default_factory=list)  # (country code, national)
    address: str | None = None
    suspect_used: bool = False  # suspect of a lone case already: never of a second one
    records: int = 0
    own_phones: int = 0  # phones[:own_phones] are the person's; any further one is a relative's


@dataclass(eq=False)
class Appearance:
    """A Person record waiting in its agency for the lone case it will be involved in."""

    eid: str
    person: TruePerson
    unit: int


@dataclass
class AgencyFile:
    code: str
    path: Path
    sink: TextIO
    regions: tuple[str, ...]
    counters: Counter[str] = field(default_factory=Counter)
    schemas: Counter[str] = field(default_factory=Counter)
    persons: int = 0

    def new_id(self, prefix: str) -> str:
        self.counters[prefix] += 1
        return f"{prefix}-{self.counters[prefix]:06d}"


def _dump(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


class Generator:
    """Writes the agency files unit by unit: a household of one to four relatives or a ring."""

    def __init__(self, *, seed: int, codes: Sequence[str], out: Path, persons: int) -> None:
        self.seed = seed
        self.rng = Random(seed)
        self.target = persons
        self.codes = list(codes)
        self.out = out
        self.files: dict[str, AgencyFile] = {}
        for code in self.codes:
            path = out / f"{code}.jsonl"
            regions = tuple(r for r, _ in tables.REGION_CODES if r[:2] == code[:2])
            self.files[code] = AgencyFile(
                code=code,
                path=path,
                sink=path.with_suffix(".jsonl.tmp").open("w", encoding="utf-8"),
                regions=regions or tuple(r for r, _ in tables.REGION_CODES),
            )
        self.truth = (out / "truth.jsonl.tmp").open("w", encoding="utf-8")
        self.cases = (out / "cases.jsonl.tmp").open("w", encoding="utf-8")
        self.records = 0
        self.persons = 0
        self.known = 0  # true persons with at least one record
        self.unit = 0
        self.pending: dict[str, list[Appearance]] = {code: [] for code in self.codes}
        self.ids: set[int] = set()  # 17-digit bodies of every resident ID handed out
        self.passports: set[str] = set()
        self.plates: set[str] = set()
        self.phone_perm = Permutation(seed, 1)
        self.card_perm = Permutation(seed, 2)
        self.phone_counter = 0
        self.card_counter = 0
        self.recent: deque[gs.Person] = deque(maxlen=256)  # for planted namesakes
        self.stats: dict[str, Counter[str]] = {
            k: Counter()
            for k in ("name_forms", "id_forms", "birth_date_forms", "passport_forms", "planted")
        }
        self.hub_mentions: Counter[str] = Counter()
        self.hub_agencies: dict[str, set[str]] = {}
        self.agency_counts: Counter[int] = Counter()
        self.rings = 0
        self.ring_modes: Counter[str] = Counter()
        self.ring_cases = 0
        self.ring_records = 0
        self.lone_cases = 0
        self.households = 0

    # -- identifiers ----------------------------------------------------------------------------

    def resident_id(self, region: str, dob: date, gender: str) -> str:
        rng = self.rng
        head = f"{region}{dob:%Y%m%d}"
        partial = sum(w * int(c) for w, c in zip(_ID_WEIGHTS, head, strict=False))
        for _ in range(200):
            third = int(rng.choice("13579" if gender == "male" else "02468"))
            need = -(partial + third * _ID_WEIGHTS[16]) % 11
            body = f"{head}{rng.choice(_SEQ_PAIRS[need])}{third}"
            if int(body) not in self.ids:
                self.ids.add(int(body))
                return body + gs.id_check(body)
        raise RuntimeError(f"no free resident ID left for {region} {dob}")  # pragma: no cover

    def passport(self, country: str) -> str:
        while True:
            number = gs.make_passport(self.rng, country)
            if number not in self.passports:
                self.passports.add(number)
                return number

    def mobile(self, country: str = "86") -> tuple[str, str]:
        """A mobile number nobody else holds (unless handed on deliberately)."""
        self.phone_counter += 1
        sub = f"{self.phone_perm(self.phone_counter):08d}"
        if country == "84":
            return "84", self.rng.choice("3789") + sub
        if country == "82":
            return "82", "10" + sub
        return "86", self.rng.choice(MOBILE_PREFIXES) + sub

    def card(self) -> tuple[str, str]:
        """(bank name, card number) of a card nobody else holds."""
        self.card_counter += 1
        bank, bin6, length = self.rng.choice(BANKS)
        pad = "".join(self.rng.choice(gs.DIGITS) for _ in range(length - 15))
        body = f"{bin6}{pad}{self.card_perm(self.card_counter):08d}"
        return bank, body + luhn_digit(body)

    def plate(self) -> str:
        while True:
            plate = gs.make_plate(self.rng, self.rng.random() < 0.12)
            if plate not in self.plates:
                self.plates.add(plate)
                return plate

    def address(self, region: str) -> str:
        rng = self.rng
        city = ""
        if region[2:4] != "01" or region[:2] not in ("11", "12", "31", "50"):
            city_name = _county(region[:4] + "00")
            if city_name and city_name not in ("市辖区", "县"):
                city = city_name
        street = f"{rng.choice(STREETS)}{rng.randint(1, 2999)}号"
        if rng.random() < 0.6:
            street += f"{rng.randint(1, 30)}幢{rng.randint(1, 30)}{rng.randint(1, 4):02d}室"
        return f"{_province(region)}{city}{_county(region)}{street}"

    # -- true persons ---------------------------------------------------------------------------

    def _birth(self, first: int, last: int) -> date:
        start, end = date(first, 1, 1).toordinal(), date(last, 12, 31).toordinal()
        return date.fromordinal(self.rng.randint(start, end))

    def new_person(
        self,
        *,
        region: str,
        dob: date | None = None,
        gender: str | None = None,
        surname: str | None = None,
        cat: str | None = None,
        born: tuple[int, int] = (1945, 2006),
        men: float = 0.55,
        plant: bool = False,
    ) -> TruePerson:
        rng = self.rng
        self.persons += 1
        tid = f"tp-{self.persons:07d}"
        gender = gender or ("male" if rng.random() < men else "female")
        dob = dob or self._birth(*born)
        if cat is None:
            cat = "cn" if surname or rng.random() >= FOREIGN_SHARE else FOREIGN(rng)
        p: gs.Person
        if cat == "cn":
            p = self._chinese(dob, gender, surname, plant=plant)
            self.recent.append(p)
        else:
            p = gs.make_foreign(rng, cat, dob, gender)
        person = TruePerson(tid=tid, p=p)
        if cat == "cn":
            if rng.random() < 0.92:
                person.id18 = self.resident_id(region, p.dob, p.gender)
            if rng.random() < 0.08:
                person.passport = self.passport("CN")
        else:
            person.passport = self.passport(p.nationality)
        roll = rng.random()
        count = 0 if roll < 0.18 else 1 if roll < 0.80 else 2
        for _ in range(count):
            country = "86"
            if cat in ("vn", "kr") and rng.random() < 0.4:
                country = "84" if cat == "vn" else "82"
            person.phones.append(self.mobile(country))
        person.own_phones = len(person.phones)
        return person

    def _chinese(self, dob: date, gender: str, surname: str | None, *, plant: bool) -> gs.Person:
        """A Chinese name; when `plant`, sometimes a namesake of a recent person on purpose."""
        rng = self.rng
        roll = rng.random() if plant and self.recent else 1.0
        if roll < 0.025:
            # a namesake: somebody else's full name, born the same year
            other = rng.choice(self.recent)
            self.stats["planted"]["namesake_same_year"] += 1
            twin_dob = date(other.dob.year, dob.month, min(dob.day, 28))
            return gs.cn_person(other.sur, other.given, twin_dob, other.gender)
        if roll < 0.045:
            # somebody else's surname and birth date under another given name
            other = rng.choice(self.recent)
            self.stats["planted"]["same_surname_and_birth_date"] += 1
            given = gs.cn_given(rng, gender, other.dob.year)
            return gs.cn_person(other.sur, given, other.dob, gender)
        sur = surname or gs.SURNAME(rng)
        if rng.random() < 0.10:  # the commonest whole given names: 伟, 芳, 娜 ...
            given = gs.TOP_GIVEN[gender](rng)
        else:
            given = gs.cn_given(rng, gender, dob.year)
        return gs.cn_person(sur, given, dob, gender)

    def home_region(self, code: str) -> str:
        """Where a person's resident ID was issued: mostly the agency's province."""
        if self.rng.random() < 0.7:
            return self.rng.choice(self.files[code].regions)
        return gs.REGION(self.rng)

    def pick_agencies(self, home: str, count: int) -> list[str]:
        others = [c for c in self.codes if c != home]
        self.rng.shuffle(others)
        return [home, *others[: count - 1]]

    # -- written forms --------------------------------------------------------------------------

    def spell(self, p: gs.Person, avoid: str | None = None) -> tuple[str, str]:
        """(form, name) as one agency types the name; `avoid` is a form family not to use."""
        rng = self.rng
        for _ in range(8):
            form, text = self._spell(p)
            family = "latin" if form not in ("hanzi", "traditional", "simplified", "hangul",
                                              "kanji", "transcription") else "native"  # fmt: skip
            if family != avoid:
                return form, text
        if p.pinyin and avoid == "native":
            return "pinyin_spaced", gs.pinyin_form(rng, p, "pinyin_spaced")
        return form, text

    def _spell(self, p: gs.Person) -> tuple[str, str]:
        rng = self.rng
        roll = rng.random()
        if p.cat == "cn":
            if roll < 0.50:
                return "hanzi", p.hanzi
            if roll < 0.56:
                trad = gs._S2T.convert(p.hanzi)
                return ("traditional", trad) if trad != p.hanzi else ("hanzi", p.hanzi)
            if roll < 0.70:
                return "pinyin_spaced", gs.pinyin_form(rng, p, "pinyin_spaced")
            if roll < 0.80:
                return "pinyin_reversed", gs.pinyin_form(rng, p, "pinyin_reversed")
            if roll < 0.90:
                return "pinyin_unspaced", gs.pinyin_form(rng, p, "pinyin_unspaced")
            if roll < 0.965:
                return "pinyin_case", gs.pinyin_form(rng, p, "pinyin_case")
            return "pinyin_typo", self.typo(gs.pinyin_form(rng, p, "pinyin_spaced"))
        if p.cat in ("hk", "tw"):
            if roll < 0.45:
                return "traditional", p.hanzi
            if roll < 0.60:
                return "simplified", gs._T2S.convert(p.hanzi)
            if roll < 0.88:
                if p.cat == "hk":
                    return "cantonese", gs.cantonese_form(rng, p)
                return "wade_giles", gs.wade_giles_form(rng, p)
            return "pinyin_spaced", gs.pinyin_form(rng, p, "pinyin_spaced")
        if p.cat == "vn":
            if roll < 0.40:
                return "vietnamese", gs.native(p)
            if roll < 0.50:
                return "vietnamese", gs.native(p).upper()
            return "vietnamese_plain", gs.vietnamese_plain_form(rng, p)
        if p.cat == "kr":
            if roll < 0.45:
                return "hangul", rng.choice((p.hanzi, p.hanzi, f"{p.sur} {p.given}"))
            return "korean_latin", gs.korean_latin_form(rng, p)
        if p.cat == "jp":
            if roll < 0.45:
                return "kanji", rng.choice((p.hanzi, f"{p.sur} {p.given}"))
            return "japanese_latin", gs.japanese_latin_form(rng, p)
        if p.cat == "west":
            if roll < 0.6:
                text = gs.latin(p)
                return "latin", rng.choice((text, text, text.title(), f"{p.latin_sur} {p.given}"))
            return "transcription", p.translit.replace("·", rng.choice(gs.DOTS))
        return "latin", gs.sea_form(rng, p)

    def typo(self, text: str) -> str:
        """One letter mistyped, dropped or doubled."""
        rng = self.rng
        spots = [i for i, c in enumerate(text) if c.isalpha()]
        i = rng.choice(spots)
        c = text[i]
        op = rng.random()
        if op < 0.6:
            new = rng.choice(KEYBOARD_NEIGHBOURS.get(c.lower(), "e"))
            new = new.upper() if c.isupper() else new
            return text[:i] + new + text[i + 1 :]
        if op < 0.8 and len(spots) > 4:
            return text[:i] + text[i + 1 :]
        return text[:i] + c + text[i:]

    def birth_date_form(self, dob: date) -> str | None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.16:
            self.stats["birth_date_forms"]["missing"] += 1
            return None
        if roll < 0.22:
            text = dob.isoformat()
            digits = [i for i, c in enumerate(text) if c.isdigit()]
            for _ in range(20):
                i = rng.choice(digits)
                typed = text[:i] + rng.choice(gs.DIGITS) + text[i + 1 :]
                try:
                    wrong = date.fromisoformat(typed)
                except ValueError:
                    continue
                if wrong != dob and 1900 <= wrong.year <= 2026:
                    self.stats["birth_date_forms"]["digit_typo"] += 1
                    return typed
        elif roll < 0.28 and dob.day <= 12 and dob.day != dob.month:
            self.stats["birth_date_forms"]["day_month_swapped"] += 1
            return date(dob.year, dob.day, dob.month).isoformat()
        self.stats["birth_date_forms"]["exact"] += 1
        return dob.isoformat()

    def id_form(self, id18: str, dob: date) -> str | None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.25:
            form, typed = "missing", None
        elif roll < 0.35:
            # first-generation numbers were only ever issued to people born before 1988 or so
            old = dob.year < 1988
            form, typed = ("legacy15", gs.legacy_of(id18)) if old else ("exact", id18)
        elif roll < 0.40:
            form, typed = "digit_typo", gs._swap_one_digit(rng, id18[:17]) + id18[17]
        elif roll < 0.44 and (swapped := gs._transpose(rng, id18[:17])) is not None:
            form, typed = "transposition", swapped + id18[17]
        else:
            form, typed = "exact", id18.lower() if rng.random() < 0.2 else id18
        self.stats["id_forms"][form] += 1
        return typed

    def passport_form(self, number: str, chinese: bool) -> str | None:
        rng = self.rng
        roll = rng.random()
        if roll < (0.5 if chinese else 0.28):
            form, typed = "missing", None
        elif roll < (0.55 if chinese else 0.35):
            form = "typo"
            at = rng.randrange(1, len(number))
            pool = gs.DIGITS if number[at].isdigit() else gs.UPPER
            typed = (
                number[:at] + rng.choice([c for c in pool if c != number[at]]) + number[at + 1 :]
            )
        else:
            form, typed = "exact", number
        self.stats["passport_forms"][form] += 1
        return typed

    def phone_form(self, phone: tuple[str, str]) -> str:
        rng = self.rng
        cc, national = phone
        if cc != "86":
            if cc == "82":
                return rng.choice(
                    (f"+82 {national[:2]}-{national[2:6]}-{national[6:]}", f"+82{national}",
                     f"+82 {national[:2]} {national[2:6]} {national[6:]}")
                )  # fmt: skip
            return rng.choice(
                (f"+84 {national[:3]} {national[3:6]} {national[6:]}", f"+84{national}")
            )
        a, b, c = national[:3], national[3:7], national[7:]
        return rng.choice(
            (f"+86 {a} {b} {c}", f"+86{national}", f"{a} {b} {c}", national, national,
             f"{a}-{b}-{c}", f"+86-{a}-{b}-{c}", f"+86 {national}")
        )  # fmt: skip

    def account_form(self, number: str) -> str:
        if self.rng.random() < 0.25:
            return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
        return number

    def provenance(self, day: date, share: float) -> dict[str, Any]:
        rng = self.rng
        if rng.random() >= share:
            return {}
        extra: dict[str, Any] = {}
        roll = rng.random()
        code = "H0" if roll < 0.7 else "H1" if roll < 0.85 else "H2" if roll < 0.95 else "H3"
        extra["handling_code"] = code
        if code == "H3":
            extra["handling_text"] = rng.choice(HANDLING_TEXTS)
        if rng.random() < 0.6:
            extra["source_reliability"] = rng.choice("AABBBCX")
            extra["information_accuracy"] = rng.choice((1, 2, 2, 2, 3, 3, 4))
        if rng.random() < 0.7:
            recorded = day + timedelta(days=rng.randint(0, 20))
            extra["recorded_on"] = recorded.isoformat()
            if rng.random() < 0.4:
                extra["review_on"] = (recorded + timedelta(days=365)).isoformat()
            # Case files are kept ten years, so no generated record has expired yet: an expired
            # record leaves the shared data, and the truth would still count it. (The importer's
            # default, five years from recorded_on, would expire the oldest cases.)
            extra["expires_on"] = (recorded + timedelta(days=10 * 365 + 2)).isoformat()
        return extra

    # -- writing --------------------------------------------------------------------------------

    def emit(
        self,
        code: str,
        prefix: str,
        schema: str,
        props: dict[str, list[str]],
        extra: dict[str, Any] | None = None,
    ) -> str:
        agency = self.files[code]
        eid = agency.new_id(prefix)
        line: dict[str, Any] = {"id": eid, "schema": schema, "properties": props}
        if extra:
            line.update(extra)
        agency.sink.write(_dump(line))
        agency.schemas[schema] += 1
        return eid

    def person_record(
        self,
        code: str,
        person: TruePerson,
        *,
        form_avoid: str | None = None,
        bare: bool = False,
        phones: list[tuple[str, str]] | None = None,
        exact_dob: bool = False,
    ) -> tuple[str, str]:
        """Write one agency's Person record of a true person: (entity id, name form family)."""
        rng = self.rng
        p = person.p
        form, name = self.spell(p, avoid=form_avoid)
        self.stats["name_forms"][form] += 1
        props: dict[str, list[str]] = {"name": [name]}
        dob = p.dob.isoformat() if exact_dob else self.birth_date_form(p.dob)
        if dob:
            props["birthDate"] = [dob]
        if person.id18 and not bare and (typed := self.id_form(person.id18, p.dob)):
            props["idNumber"] = [typed]
        if person.passport and not bare:
            passport = self.passport_form(person.passport, p.cat == "cn")
            if passport:
                props["passportNumber"] = [passport]
        if rng.random() < (0.55 if p.cat == "cn" else 0.85):
            props["nationality"] = [p.nationality.lower()]
        typed_phones = [
            self.phone_form(ph) for ph in (person.phones if phones is None else phones)
            if rng.random() < 0.7
        ]  # fmt: skip
        if typed_phones:
            props["phone"] = typed_phones
        if rng.random() < 0.85:
            props["gender"] = [p.gender]
        if person.address and not bare and rng.random() < 0.45:
            props["address"] = [person.address]
        eid = self.emit(code, "p", "Person", props, self.provenance(self.case_date(), 0.3))
        self.files[code].persons += 1
        self.records += 1
        self.known += person.records == 0  # the last household may not all fit in N records
        person.records += 1
        self.truth.write(_dump({"record": f"{code}:{eid}", "person": person.tid}))
        native = form in ("hanzi", "traditional", "simplified", "hangul", "kanji", "transcription")
        return eid, "native" if native else "latin"

    def link(self, code: str, case: str, other: str, role: str) -> None:
        self.emit(
            code, "link", "UnknownLink", {"subject": [case], "object": [other], "role": [role]}
        )

    def account_entity(self, code: str, number: str, bank: str) -> str:
        props = {"accountNumber": [self.account_form(number)]}
        if self.rng.random() < 0.6:
            props["bankName"] = [bank]
        return self.emit(code, "acct", "BankAccount", props)

    def payment(
        self,
        code: str,
        case: str,
        day: date,
        victim: str,
        beneficiary: str,
        receiving: str,
    ) -> None:
        rng = self.rng
        props: dict[str, list[str]] = {
            "payer": [victim],
            "beneficiary": [beneficiary],
            "beneficiaryAccount": [receiving],
            "amount": [f"{round(rng.lognormvariate(8.6, 1.1), 2):.2f}"],
            "currency": ["CNY"],
            "date": [(day - timedelta(days=rng.randint(0, 3))).isoformat()],
        }
        if rng.random() < 0.5:
            bank, number = self.card()
            props["payerAccount"] = [self.account_entity(code, number, bank)]
        if rng.random() < 0.4:
            props["purpose"] = [rng.choice(PAYMENT_PURPOSES)]
        self.link(code, case, self.emit(code, "pay", "Payment", props), "victim payment")

    def case_date(self) -> date:
        return date.fromordinal(self.rng.randint(CASE_START.toordinal(), CASE_END.toordinal()))

    def hub(self, code: str) -> list[str]:
        if self.rng.random() >= HUB_SHARE:
            return []
        number, forms = HUB(self.rng)
        self.hub_mentions[number] += 1
        self.hub_agencies.setdefault(number, set()).add(code)
        return [self.rng.choice(forms)]

    def event(
        self,
        code: str,
        *,
        name: str,
        day: date,
        suspects: list[str],
        victims: list[str],
        phones: list[str],
        ring: str | None,
    ) -> str:
        props: dict[str, list[str]] = {
            "name": [name],
            "date": [day.isoformat()],
            "involved": [*suspects, *victims],
        }
        if suspects:
            props["organizer"] = list(suspects)
        if phones:
            props["phoneMentioned"] = list(dict.fromkeys(phones))
        case = self.emit(code, "case", "Event", props, self.provenance(day, 0.8))
        self.cases.write(_dump({"case": f"{code}:{case}", "ring": ring}))
        return case

    # -- households and lone cases --------------------------------------------------------------

    def household(self) -> None:
        rng = self.rng
        remaining = self.target - self.records
        home = rng.choice(self.codes)
        region = self.home_region(home)
        size = min(HOUSEHOLD_SIZE(rng), remaining)
        members: list[TruePerson] = []
        if size == 1:
            members.append(self.new_person(region=region, plant=True))
        else:
            self.households += 1
            head = self.new_person(region=region, cat="cn", born=(1950, 1984))
            spouse_gender = "female" if head.p.gender == "male" else "male"
            spouse = self.new_person(
                region=region if rng.random() < 0.6 else gs.REGION(rng),
                gender=spouse_gender,
                cat="cn",
                dob=self._birth(head.p.dob.year - 4, min(head.p.dob.year + 4, 1987)),
            )
            members += [head, spouse]
            father = head if head.p.gender == "male" else spouse
            first_child: date | None = None
            for i in range(size - 2):
                low = max(head.p.dob.year, spouse.p.dob.year) + 21
                dob = self._birth(low, min(low + 14, 2008))
                if i == 1 and first_child and rng.random() < 0.15:  # twins
                    dob = first_child
                    self.stats["planted"]["twins"] += 1
                first_child = first_child or dob
                members.append(
                    self.new_person(region=region, surname=father.p.sur, dob=dob, cat="cn")
                )
            address = self.address(region)
            shared = head.phones[0] if head.phones and rng.random() < 0.45 else None
            for member in members:
                member.address = address
                if shared and shared not in member.phones and len(member.phones) < 2:
                    member.phones.append(shared)
                    self.stats["planted"]["shared_family_phone"] += 1
        if size == 1 and rng.random() < 0.4:
            members[0].address = self.address(region)
        for member in members:
            remaining = self.target - self.records
            if remaining <= 0:
                break
            # relatives are mostly known where the family lives
            member_home = home if rng.random() < 0.85 else rng.choice(self.codes)
            count = min(AGENCY_COUNT(rng), len(self.codes), remaining)
            self.agency_counts[count] += 1
            for code in self.pick_agencies(member_home, count):
                eid, _ = self.person_record(code, member)
                self.enqueue(code, Appearance(eid, member, self.unit))

    def enqueue(self, code: str, app: Appearance) -> None:
        """Pair a Person record with a waiting one of another household into a lone case."""
        queue = self.pending[code]
        for i, other in enumerate(queue):
            if other.unit != app.unit and other.person is not app.person:
                if other.person.suspect_used and app.person.suspect_used:
                    continue
                del queue[i]
                self.lone_case(code, other, app)
                return
        queue.append(app)

    def lone_case(self, code: str, first: Appearance, second: Appearance | None) -> None:
        rng = self.rng
        pair = [a for a in (first, second) if a is not None]
        eligible = [a for a in pair if not a.person.suspect_used]
        suspect = rng.choice(eligible) if eligible else None
        victim = next((a for a in pair if a is not suspect), None)
        if suspect is not None:
            suspect.person.suspect_used = True
        kind, fraud, vehicle_share, scene_share = LONE_KIND(rng)
        if suspect is None or victim is None:  # alone: a suspect caught, or a victim's report
            fraud = fraud and suspect is None
        day = self.case_date()
        region = rng.choice(self.files[code].regions)
        # the suspect's own number, never a relative's: two relatives' lone cases must not share
        # a number that only a ring's cases share
        own = suspect.person.phones[: suspect.person.own_phones] if suspect else []
        phones: list[str] = []
        if fraud:
            roll = rng.random()
            if own and roll < 0.35:
                phones.append(self.phone_form(rng.choice(own)))
            elif roll < 0.85:
                phones.append(self.phone_form(self.mobile()))
        elif own and rng.random() < 0.1:
            phones.append(self.phone_form(own[0]))
        phones += self.hub(code)
        case = self.event(
            code,
            name=f"{_county(region)}{kind}",
            day=day,
            suspects=[suspect.eid] if suspect else [],
            victims=[victim.eid] if victim else [],
            phones=phones,
            ring=None,
        )
        self.lone_cases += 1
        if fraud and rng.random() < 0.75:
            bank, number = self.card()
            receiving = self.account_entity(code, number, bank)
            self.link(code, case, receiving, "receiving account")
            if victim and suspect:
                self.payment(code, case, day, victim.eid, suspect.eid, receiving)
        if rng.random() < vehicle_share:
            make, _, models = rng.choice(tables.VEHICLE_MAKES)
            props = {
                "registrationNumber": [self.plate()],
                "model": [f"{make} {rng.choice(models)}"],
            }
            if suspect and rng.random() < 0.5:
                props["owner"] = [suspect.eid]
            self.link(code, case, self.emit(code, "veh", "Vehicle", props), "vehicle used")
        if rng.random() < scene_share:
            scene = self.emit(code, "addr", "Address", {"full": [self.address(region)]})
            self.link(code, case, scene, "scene")

    # -- rings ----------------------------------------------------------------------------------

    def ring(self, mode: str) -> None:
        """A fraud ring: 3-8 suspects, cases in 2-4 agencies, victims paying its accounts."""
        rng = self.rng
        self.rings += 1
        self.ring_modes[mode] += 1
        rid = f"ring-{self.rings:05d}"
        spread = 2 if mode == "suspect_only" else rng.choice((2, 2, 2, 3, 3, 4))
        agencies = rng.sample(self.codes, min(spread, len(self.codes)))
        size = max(rng.randint(3, 8), len(agencies))
        members: list[TruePerson] = []
        for _ in range(size):
            cat = "cn" if rng.random() < 0.92 else rng.choice(("vn", "hk", "tw", "kr"))
            region = self.home_region(rng.choice(agencies))
            members.append(self.new_person(region=region, cat=cat, born=(1968, 2003), men=0.8))
            if not members[-1].phones:
                members[-1].phones.append(self.mobile())
        presence: dict[str, list[int]] = {code: [] for code in agencies}
        for i in range(size):
            presence[agencies[i % len(agencies)]].append(i)
        bridge: int | None = None
        if mode == "suspect_only" and len(agencies) > 1:
            chinese = [i for i in range(size) if members[i].p.cat == "cn"]
            bridge = chinese[0] if chinese else 0
            for code in agencies:
                if bridge not in presence[code]:
                    presence[code].append(bridge)
            bridge_person = members[bridge]
            while len(bridge_person.phones) < 2:
                bridge_person.phones.append(self.mobile())
        elif len(agencies) > 1:
            for i in range(size):
                if rng.random() < 0.2:
                    code = rng.choice([c for c in agencies if i not in presence[c]])
                    presence[code].append(i)
        for i in range(size):
            self.agency_counts[sum(i in present for present in presence.values())] += 1
        cross_phones = mode in ("phones_and_accounts", "phones")
        cross_accounts = mode in ("phones_and_accounts", "accounts")
        global_phones = [members[i].phones[0] for i in range(min(size, 3))]
        global_phones += [self.mobile() for _ in range(rng.randint(1, 2))]
        global_cards = [self.card() for _ in range(rng.randint(1, 4))]
        start = self.case_date()
        bridge_family: str | None = None  # how the first agency spelt the bridge
        for n, code in enumerate(agencies):
            records: dict[int, str] = {}
            for i in presence[code]:
                if i == bridge:
                    # spelt the other way, its own phone, and no ID on the second side: only a
                    # resolved name and birth date join the two agencies' cases
                    eid, family = self.person_record(
                        code,
                        members[i],
                        form_avoid=bridge_family,
                        bare=bridge_family is not None,
                        phones=[members[i].phones[n % 2]],
                        exact_dob=True,
                    )
                    bridge_family = bridge_family or family
                else:
                    eid, _ = self.person_record(code, members[i])
                self.ring_records += 1
                records[i] = eid
            local_phones = [self.mobile() for _ in range(rng.randint(1, 2))]
            local_cards = [self.card() for _ in range(rng.randint(1, 2))]
            phone_pool = global_phones if cross_phones else local_phones
            card_pool = global_cards if cross_accounts else local_cards
            order = list(presence[code])
            rng.shuffle(order)
            cases = max(-(-len(order) // 3), rng.randint(1, 3))  # three suspects a case at most
            for c in range(cases):
                suspects = [order[j] for j in range(c, len(order), cases)] or [rng.choice(order)]
                self._ring_case(
                    code, rid, start, [records[i] for i in suspects], phone_pool, card_pool
                )

    def _ring_case(
        self,
        code: str,
        rid: str,
        start: date,
        suspects: list[str],
        phone_pool: list[tuple[str, str]],
        card_pool: list[tuple[str, str]],
    ) -> None:
        rng = self.rng
        day = start + timedelta(days=rng.randint(0, 240))
        victim = self.new_person(region=self.home_region(code), born=(1945, 2004), plant=True)
        self.agency_counts[1] += 1
        victim_eid, _ = self.person_record(code, victim)
        self.ring_records += 1
        # the pool's first number and card in every case keep the ring's cases connected
        phones = [
            phone_pool[0],
            *rng.sample(phone_pool[1:], k=min(len(phone_pool) - 1, rng.randint(0, 1))),
        ]
        phone_text = [self.phone_form(ph) for ph in phones] + self.hub(code)
        region = rng.choice(self.files[code].regions)
        case = self.event(
            code,
            name=f"{_county(region)}{RING_KINDS(rng)}",
            day=day,
            suspects=suspects,
            victims=[victim_eid],
            phones=phone_text,
            ring=rid,
        )
        self.ring_cases += 1
        cards = [
            card_pool[0],
            *rng.sample(card_pool[1:], k=min(len(card_pool) - 1, rng.randint(0, 1))),
        ]
        receiving: list[str] = []
        for bank, number in cards:
            account = self.account_entity(code, number, bank)
            self.link(code, case, account, "receiving account")
            receiving.append(account)
        self.payment(code, case, day, victim_eid, rng.choice(suspects), receiving[0])
        if rng.random() < 0.15:
            scene = self.emit(code, "addr", "Address", {"full": [self.address(region)]})
            self.link(code, case, scene, "scene")

    # -- the run --------------------------------------------------------------------------------

    def run(self) -> None:
        ring_due = 0
        while self.records < self.target:
            # a ring needs room for its members and victims; near the end only households fit
            if self.unit % RING_EVERY == 0 and self.target - self.records >= 40:
                mode = "suspect_only" if ring_due % SUSPECT_ONLY_EVERY == 1 else RING_MODE(self.rng)
                ring_due += 1
                self.ring(mode)
            else:
                self.household()
            self.unit += 1
        for code in self.codes:
            for app in self.pending[code]:
                self.lone_case(code, app, None)
            self.pending[code] = []

    def close(self, keep: bool) -> None:
        for handle in (*(f.sink for f in self.files.values()), self.truth, self.cases):
            handle.close()
        names = [f.path for f in self.files.values()]
        names += [self.out / "truth.jsonl", self.out / "cases.jsonl"]
        for path in names:
            temp = path.with_suffix(".jsonl.tmp")
            if keep:
                os.replace(temp, path)
            else:
                temp.unlink(missing_ok=True)

    def summary(self, seconds: float) -> dict[str, Any]:
        files = self.files
        written = sum(f.path.stat().st_size for f in files.values())
        written += sum((self.out / n).stat().st_size for n in ("truth.jsonl", "cases.jsonl"))
        cases = self.lone_cases + self.ring_cases
        return {
            "seed": self.seed,
            "agencies": self.codes,
            "persons": self.known,
            "person_records": self.records,
            "records_per_agency": {code: f.persons for code, f in files.items()},
            "entities_per_agency": {
                code: dict(sorted(f.schemas.items())) for code, f in files.items()
            },
            "persons_by_agency_count": {str(k): v for k, v in sorted(self.agency_counts.items())},
            "households": self.households,
            "rings": self.rings,
            "ring_modes": dict(sorted(self.ring_modes.items())),
            "ring_cases": self.ring_cases,
            "ring_person_records": self.ring_records,
            "ring_record_share": round(self.ring_records / max(self.records, 1), 4),
            "lone_cases": self.lone_cases,
            "cases": cases,
            "hub_numbers_used": len(self.hub_mentions),
            "hub_mentions": dict(sorted(self.hub_mentions.items())),
            "hub_agencies": {k: sorted(v) for k, v in sorted(self.hub_agencies.items())},
            **{k: dict(sorted(v.items())) for k, v in self.stats.items()},
            "resident_ids": len(self.ids),
            "passports": len(self.passports),
            "mb_written": round(written / 1e6, 1),
            "seconds": round(seconds, 2),
        }


def known_agencies() -> set[str]:
    codes: set[str] = set()
    for path in sorted(gs.AGENCY_DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                codes.add(json.loads(line)["code"])
    return codes


def generate(
    *, persons: int, seed: int, out: Path, agencies: Sequence[str] = DEFAULT_AGENCIES
) -> dict[str, Any]:
    """Write the agency files, truth.jsonl, cases.jsonl and summary.json into `out`."""
    if persons < 1:
        raise ValueError("persons: at least one Person record is needed")
    if len(set(agencies)) != len(agencies) or len(agencies) < 2:
        raise ValueError("agencies: at least two distinct agency codes are needed")
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    gen = Generator(seed=seed, codes=agencies, out=out, persons=persons)
    done = False
    try:
        gen.run()
        done = True
    finally:
        gen.close(keep=done)
    summary = gen.summary(time.perf_counter() - started)
    (out / "summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--persons", type=int, required=True, help="Person records in total")
    parser.add_argument(
        "--agencies",
        default=",".join(DEFAULT_AGENCIES),
        help="comma-separated agency codes (default: the four Yangtze River Delta provinces)",
    )
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    args = parser.parse_args(argv)
    codes = [c.strip() for c in args.agencies.split(",") if c.strip()]
    if args.persons < 1:
        parser.error("--persons must be at least 1")
    if len(codes) < 2 or len(set(codes)) != len(codes):
        parser.error("--agencies needs at least two distinct codes")
    unknown = sorted(set(codes) - known_agencies())
    if unknown:
        parser.error(f"--agencies: unknown agency codes {', '.join(unknown)}")
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"--out {args.out} exists and is not a folder")
    summary = generate(persons=args.persons, seed=args.seed, out=args.out, agencies=codes)
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
