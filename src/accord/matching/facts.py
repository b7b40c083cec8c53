"""What is known about a person or an object, on either side of a comparison.

An alert's subject and an officer's probe are both read into `Facts`: names as typed (name
first, then aliases), a birth date that may be partial, gender, nationality and the identifiers.
Reading never refuses: a value that cannot be parsed is kept as typed and compared as text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from accord.matching import identifiers
from accord.matching.names import NameReading


@dataclass(frozen=True, order=True)
class PartialDate:
    """A birth date known to the year, the month or the day ("1985", "1985-03", "1985-03-07")."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str | None) -> PartialDate | None:
        """`YYYY-MM-DD`, `YYYY-MM` or `YYYY` (also with / or . or 年月日); None if unreadable."""
        if not text:
            return None
        cleaned = unicodedata.normalize("NFKC", str(text)).strip()
        m = re.fullmatch(
            r"(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?年?", cleaned
        ) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", cleaned)
        if not m:
            return None
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(3) else None
        try:
            if month is not None:
                date(year, month, day or 1)
        except ValueError:
            return None
        if not 1850 <= year <= 2100:
            return None
        return cls(year, month, day)

    @property
    def complete(self) -> bool:
        return self.month is not None and self.day is not None

    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
            if self.day is not None:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def swapped(self) -> PartialDate | None:
        """Day and month exchanged, if that is a different valid date."""
        if self.month is None or self.day is None or self.month == self.day:
            return None
        try:
            date(self.year, self.day, self.month)
        except ValueError:
            return None
        return PartialDate(self.year, self.day, self.month)


_ALPHA3 = {
    "CHN": "CN", "HKG": "HK", "MAC": "MO", "TWN": "TW", "VNM": "VN", "KOR": "KR", "PRK": "KP",
    "JPN": "JP", "THA": "TH", "KHM": "KH", "LAO": "LA", "MMR": "MM", "MYS": "MY", "SGP": "SG",
    "IDN": "ID", "PHL": "PH", "BRN": "BN", "USA": "US", "GBR": "GB", "RUS": "RU", "MNG": "MN",
    "KAZ": "KZ", "KGZ": "KG", "TJK": "TJ", "PAK": "PK", "IND": "IN", "NPL": "NP", "AFG": "AF",
    "FRA": "FR", "DEU": "DE", "ITA": "IT", "ESP": "ES", "CAN": "CA", "AUS": "AU", "NZL": "NZ",
    "UZB": "UZ", "TKM": "TM", "BGD": "BD", "LKA": "LK", "NGA": "NG", "BRA": "BR", "TUR": "TR",
}  # fmt: skip


def country_code(text: str | None) -> str | None:
    """ISO 3166 alpha-2 (alpha-3 accepted for the countries the zones deal with), upper case."""
    if not text:
        return None
    cleaned = unicodedata.normalize("NFKC", text).strip().upper()
    if re.fullmatch(r"[A-Z]{2}", cleaned):
        return cleaned
    return _ALPHA3.get(cleaned)


def _gender(text: str | None) -> str | None:
    if not text:
        return None
    cleaned = str(text).strip().lower()
    if cleaned in {"male", "m", "男"}:
        return "male"
    if cleaned in {"female", "f", "女"}:
        return "female"
    return None


def _texts(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    return tuple(str(v) for v in value if v is not None and str(v).strip())


@dataclass(frozen=True)
class Document:
    number: str
    document_type: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Facts:
    """Everything a comparison may use; every field optional."""

    names: tuple[str, ...] = ()
    birth: PartialDate | None = None
    gender: str | None = None
    nationality: str | None = None
    resident_ids: tuple[str, ...] = ()
    passports: tuple[str, ...] = ()
    plates: tuple[str, ...] = ()
    vins: tuple[str, ...] = ()
    documents: tuple[Document, ...] = ()
    drones: tuple[str, ...] = ()
    # The names already read (`names.read_name`), in the order of `names`, when the caller kept
    # them (an alert stores its readings): scoring then reads no name twice.
    readings: tuple[NameReading, ...] = field(default=(), compare=False)

    @classmethod
    def from_mapping(cls, data: dict[str, Any], readings: tuple[NameReading, ...] = ()) -> Facts:
        """Read the interchange fields (issue 6 §4) of an alert subject or a probe."""
        names = _texts(data.get("name")) + _texts(data.get("aliases"))
        documents = tuple(
            Document(
                number=n,
                document_type=(str(data["document_type"]) if data.get("document_type") else None),
                country=country_code(data.get("issuing_country")),
            )
            for n in _texts(data.get("document_number"))
        )
        drones = _texts(data.get("drone_serial")) + _texts(data.get("registration_number"))
        return cls(
            names=names,
            birth=PartialDate.parse(data.get("birth_date")),
            gender=_gender(data.get("gender")),
            nationality=country_code(data.get("nationality")),
            resident_ids=_texts(data.get("id_number")),
            passports=_texts(data.get("passport_number")),
            plates=_texts(data.get("plate")),
            vins=_texts(data.get("vin")),
            documents=documents,
            drones=drones,
            readings=readings if len(readings) == len(names) else (),
        )

    def birth_from_ids(self) -> PartialDate | None:
        """The birth date, or the one a valid resident ID carries when none was given."""
        if self.birth is not None:
            return self.birth
        for text in self.resident_ids:
            parsed = identifiers.parse_resident_id(text)
            if parsed is not None and parsed.valid and parsed.birth_date is not None:
                b = parsed.birth_date
                return PartialDate(b.year, b.month, b.day)
        return None

    @property
    def is_empty(self) -> bool:
        return not (
            self.names
            or self.resident_ids
            or self.passports
            or self.plates
            or self.vins
            or self.documents
            or self.drones
        )
