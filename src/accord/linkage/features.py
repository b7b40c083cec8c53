"""A Person record's properties read once into the flat, comparable columns the linkage model
compares, with the `matching/` normalisation every other domain uses.

Names in any script become their readings (`matching.names`): simplified characters, the
spellings in every romanisation system and order (`name_exact`), the folds under which
spelling variants sound alike (`name_sound`), a sorted-token string for typing errors
(`name_main`) and the consonant skeleton a Chinese transcription of a foreign name keeps
(`name_skel`). A resident ID becomes its 18-digit form (a legacy 15-digit number converted) and,
when valid, fills in a missing birth date and gender. Phones become E.164.

The columns are plain strings and arrays of strings, so the same table feeds DuckDB and Spark.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import OSA, JaroWinkler

from accord.matching import names, transcription
from accord.matching.identifiers import normalise_passport, parse_resident_id
from accord.matching.numbers import normalise_phone

COLUMNS: tuple[str, ...] = (
    "unique_id",
    "agency",
    "hanzi",
    "name_main",
    "name_skel",
    "name_exact",
    "name_sound",
    "dob",
    "gender",
    "rid",
    "passport",
    "phones",
    "nationality",
)

_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})")
_GENDERS = {"male": "m", "m": "m", "男": "m", "female": "f", "f": "f", "女": "f"}


@dataclass(frozen=True)
class _Name:
    hanzi: str | None
    main: str | None
    skel: str | None
    exact: frozenset[str]
    sound: frozenset[str]


@lru_cache(maxsize=200_000)
def _read(text: str, nationality: str | None) -> _Name:
    reading = names.read_name(text, nationality=nationality)
    keys = names.blocking_keys(reading)
    exact = frozenset(k[2:] for k in keys if k.startswith("n:"))
    sound = frozenset(k for k in keys if k[:2] in ("s:", "y:", "k:", "j:", "c:"))
    main = "".join(sorted(reading.forms[0].tokens)) if reading.forms else None
    skel: str | None = None
    if transcription.is_transcribed(text):
        skel = "".join(transcription.han_parts(text)) or None
    elif reading.script == "latin":
        skel = "".join(transcription.latin_parts(text)) or None
    return _Name(reading.hanzi, main or None, skel, exact, sound)


def _first(values: Sequence[str] | None) -> str | None:
    for value in values or ():
        if value and value.strip():
            return value.strip()
    return None


def _date(text: str | None) -> str | None:
    match = _DATE.match(text or "")
    if not match or match.group(2) == "00":
        return None
    return f"{match.group(1)}-{match.group(2)}-{match.group(3)}"


def _nationality(values: Sequence[str] | None) -> str | None:
    value = _first(values)
    return value.upper()[:2] if value else None


def person_features(
    unique_id: str, agency: str, props: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    """The comparison columns of one Person (FtM `properties`). Absent facts are None (arrays
    too: an empty array would count as a disagreement)."""
    nationality = _nationality(props.get("nationality"))
    hanzi = main = skel = None
    exact: set[str] = set()
    sound: set[str] = set()
    for text in props.get("name", ()):
        if not text or not text.strip():
            continue
        name = _read(text.strip(), nationality)
        hanzi = hanzi or name.hanzi
        main = main or name.main
        skel = skel or name.skel
        exact |= name.exact
        sound |= name.sound
    rid_value = None
    rid_valid = False
    dob = _date(_first(props.get("birthDate")))
    gender = _GENDERS.get((_first(props.get("gender")) or "").lower())
    for text in props.get("idNumber", ()):
        rid = parse_resident_id(text)
        if rid is not None:
            rid_value, rid_valid = rid.value, rid.valid
            if rid.valid and rid.birth_date and dob is None:
                dob = rid.birth_date.isoformat()
            if rid.valid and gender is None and rid.value[16].isdigit():
                gender = "m" if int(rid.value[16]) % 2 else "f"
            break
    passport = next(
        (p for p in map(normalise_passport, props.get("passportNumber", ())) if p), None
    )
    phones = sorted({p for p in map(normalise_phone, props.get("phone", ())) if p})
    return {
        "unique_id": unique_id,
        "agency": agency,
        "hanzi": hanzi,
        "name_main": main,
        "name_skel": skel,
        "name_exact": sorted(exact) or None,
        "name_sound": sorted(sound) or None,
        "dob": dob,
        "gender": gender,
        "rid": rid_value,
        "rid_valid": rid_valid,
        "passport": passport or None,
        "phones": phones or None,
        "nationality": nationality,
    }


def as_columns(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """Rows as a column dictionary (what pyarrow and Spark take), `rid_valid` included."""
    columns: dict[str, list[Any]] = {c: [] for c in (*COLUMNS, "rid_valid")}
    for row in rows:
        for name, values in columns.items():
            values.append(row.get(name))
    return columns


# --- the hard rules the clustering keeps, whatever the model scores --------------------------


def _one_typo(a: str, b: str) -> bool:
    """Equal but for one substitution, insertion, deletion or swap of neighbours."""
    return OSA.distance(a, b, score_cutoff=1) <= 1


def _typos(a: str, b: str, most: int) -> bool:
    """At most `most` typing errors apart (substitutions, insertions, deletions, swaps)."""
    return OSA.distance(a, b, score_cutoff=most) <= most


def _dates_explained(a: str, b: str) -> bool:
    # Each of two records may carry its own typo: two edits apart is still one date.
    if _typos(a, b, 2):
        return True
    # Day and month swapped (1985-03-07 typed as 1985-07-03).
    return a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


def conflict(a: Mapping[str, Any], b: Mapping[str, Any]) -> str | None:
    """Why two Person records are clearly different people, or None if nothing says so.

    Two valid resident IDs that no legacy conversion or single typo explains; two passports of
    one nationality more than two typos apart (one in each record); full birth dates that
    neither two typos nor a day/month swap explain;
    different genders; or names with nothing in common in any script or spelling. The linkage
    never puts two such records in one cluster (no chaining through a third record).
    """
    if (
        a["rid"]
        and b["rid"]
        and a["rid_valid"]
        and b["rid_valid"]
        and not _one_typo(a["rid"], b["rid"])
    ):
        return "different resident IDs"
    if (
        a["passport"]
        and b["passport"]
        and a["nationality"] == b["nationality"]
        and not _typos(a["passport"], b["passport"], 2)
    ):
        return "different passports"
    if a["dob"] and b["dob"] and not _dates_explained(a["dob"], b["dob"]):
        return "different birth dates"
    if a["gender"] and b["gender"] and a["gender"] != b["gender"]:
        return "different genders"
    if _names_differ(a, b):
        return "different names"
    return None


def _names_differ(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    if not (a["name_main"] and b["name_main"]):
        return False
    if a["hanzi"] and a["hanzi"] == b["hanzi"]:
        return False
    if set(a["name_exact"] or ()) & set(b["name_exact"] or ()):
        return False
    if set(a["name_sound"] or ()) & set(b["name_sound"] or ()):
        return False
    if (
        a["name_skel"]
        and b["name_skel"]
        and JaroWinkler.similarity(a["name_skel"], b["name_skel"]) >= 0.85
    ):
        return False
    spellings = [(x, y) for x in a["name_exact"] or () for y in b["name_exact"] or ()]
    best = max((JaroWinkler.similarity(x, y) for x, y in spellings), default=0.0)
    return best < 0.8
