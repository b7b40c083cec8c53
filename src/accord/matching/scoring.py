"""Scoring a candidate against a probe: small features, one weights table, bands per type.

Each feature is a function of the two sides' facts that returns `Feature(name, bits,
explanation)` or None when one side lacks the fact (an absent fact is no evidence either way).
The candidate's evidence is the sum of the features' bits (`weights.WEIGHTS`), its score
`weights.score_of(bits)`, and its band `hit`, `possible` or `no_hit` by the alert type's
thresholds and two rules that no sum overrides:

- a name alone (no birth date, identifier or document agreeing) is at most `possible`;
- `hit` needs an identifier that agrees, or a name and a full birth date that agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from accord.matching import identifiers, names, transcription
from accord.matching.facts import Document, Facts, PartialDate
from accord.matching.weights import THRESHOLDS, WEIGHTS, name_bits, score_of

T = TypeVar("T")

HIT = "hit"
POSSIBLE = "possible"
NO_HIT = "no_hit"
BAND_ORDER = {HIT: 2, POSSIBLE: 1, NO_HIT: 0}


@dataclass(frozen=True)
class Feature:
    name: str
    bits: float
    explanation: str

    @property
    def agrees(self) -> bool:
        return self.bits > 0


@dataclass(frozen=True)
class Assessment:
    bits: float
    score: float
    band: str
    features: tuple[Feature, ...]

    @property
    def explanation(self) -> list[str]:
        """The features' explanations, strongest evidence first."""
        return [f.explanation for f in sorted(self.features, key=lambda f: -abs(f.bits))]


def _feature(name: str, explanation: str, bits: float | None = None) -> Feature:
    return Feature(name, WEIGHTS[name] if bits is None else bits, explanation)


def _one_edit(a: str, b: str) -> bool:
    """One substitution, insertion, deletion or adjacent swap apart (and not equal)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        i = diffs[0]
        return len(diffs) == 2 and diffs[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


# --- person features ----------------------------------------------------------------------


def _best(
    judge: Callable[[T, T], Feature | None], probes: Iterable[T], stored: Iterable[T]
) -> Feature | None:
    """The strongest of `judge` over every pair of the probe's and the stored values."""
    kept = list(stored)
    found = [f for p in probes for s in kept if (f := judge(p, s)) is not None]
    return max(found, key=lambda f: f.bits, default=None)


def _resident_id_pair(p: str, s: str) -> Feature | None:
    c = identifiers.compare_resident_ids(p, s)
    if c.explanation == "not a resident ID number":
        return None
    if c.score >= 1.0:
        return _feature("id.legacy" if "15→18" in c.explanation else "id.equal", c.explanation)
    if c.score >= 0.95:
        return _feature("id.check_digit", c.explanation)
    if c.score > 0:
        return _feature("id.typo", c.explanation)
    return _feature("id.different", "ID numbers differ")


def resident_id(probe: Facts, stored: Facts) -> Feature | None:
    return _best(_resident_id_pair, probe.resident_ids, stored.resident_ids)


def _plain(text: str) -> str:
    return identifiers.normalise_passport(text)


def _passport_pair(p: str, s: str) -> Feature | None:
    c = identifiers.compare_passports(p, s)
    if c.score >= 1.0:
        return _feature("passport.equal", c.explanation)
    if c.score > 0:
        return _feature("passport.confusable", c.explanation)
    if _one_edit(_plain(p), _plain(s)):
        return _feature("passport.typo", "passport number one character apart")
    return _feature("passport.different", "passport numbers differ")


def passport(probe: Facts, stored: Facts) -> Feature | None:
    return _best(_passport_pair, probe.passports, stored.passports)


def _digits(d: PartialDate) -> str:
    return f"{d.year:04d}{d.month or 0:02d}{d.day or 0:02d}"


def birth_date(probe: Facts, stored: Facts) -> Feature | None:
    p, s = probe.birth_from_ids(), stored.birth_from_ids()
    if p is None or s is None:
        return None
    if p.complete and s.complete:
        if p == s:
            return _feature("birth.equal", f"birth date equal ({s.iso()})")
        if p.swapped() == s:
            return _feature(
                "birth.swapped", f"birth date day/month swapped ({p.iso()} ~ {s.iso()})"
            )
        if (p.month, p.day) == (s.month, s.day) and abs(p.year - s.year) == 1:
            return _feature("birth.year_off", f"birth year one off ({p.iso()} ~ {s.iso()})")
        if _one_edit(_digits(p), _digits(s)):
            return _feature("birth.typo", f"birth date one digit off ({p.iso()} ~ {s.iso()})")
        return _feature("birth.different", f"birth dates differ ({p.iso()} / {s.iso()})")
    if p.year != s.year:
        return _feature("birth.different", f"birth years differ ({p.iso()} / {s.iso()})")
    if p.month is not None and s.month is not None:
        if p.month != s.month:
            return _feature("birth.different", f"birth months differ ({p.iso()} / {s.iso()})")
        return _feature("birth.year_month", f"birth year and month agree ({s.iso()})")
    return _feature("birth.year", f"birth year agrees ({s.iso()})")


def gender(probe: Facts, stored: Facts) -> Feature | None:
    if probe.gender is None or stored.gender is None:
        return None
    if probe.gender == stored.gender:
        return _feature("gender.equal", f"gender {stored.gender}")
    return _feature("gender.different", f"gender differs ({probe.gender} / {stored.gender})")


def nationality(probe: Facts, stored: Facts) -> Feature | None:
    if probe.nationality is None or stored.nationality is None:
        return None
    if probe.nationality == stored.nationality:
        return _feature("nationality.equal", f"nationality {stored.nationality}")
    return _feature(
        "nationality.different",
        f"nationality differs ({probe.nationality} / {stored.nationality})",
    )


def name(probe: Facts, stored: Facts) -> Feature | None:
    """The best agreement between any of the probe's names and any of the stored names
    (aliases included), weighed by how common the stored name is."""
    if not probe.names or not stored.names:
        return None
    best: Feature | None = None
    stored_readings = stored.readings or tuple(
        names.read_name(t, nationality=stored.nationality) for t in stored.names
    )
    for s_text, s_reading in zip(stored.names, stored_readings, strict=True):
        frequency = names.name_frequency(s_reading)
        for p_text in probe.names:
            p_reading = names.read_name(p_text, nationality=probe.nationality)
            m = names.compare_names(p_reading, s_reading)
            bits = name_bits(m.kind, m.score, frequency)
            label, explanation = f"name.{m.kind}", m.explanation
            if m.kind == "partial" and (p_reading.hanzi or s_reading.hanzi):
                # A Chinese given name with a character more or less is another given name
                # (王光 is not 王光林), unlike a Western middle name left out.
                bits = WEIGHTS["name.different"]
                explanation += ": another Chinese given name"
            if m.kind == "different":
                transcribed = _transcribed(p_text, s_text, frequency)
                if transcribed is not None:
                    label, bits, explanation = transcribed
            if best is None or bits > best.bits:
                best = Feature(label, bits, explanation)
    return best


def _transcribed(a: str, b: str, frequency: float) -> tuple[str, float, str] | None:
    """A foreign name in characters (约翰·史密斯) against a Latin one (JOHN SMITH)."""
    han, latin = (a, b) if transcription.is_transcribed(a) else (b, a)
    if not transcription.is_transcribed(han) or transcription.is_transcribed(latin):
        return None
    if not latin.isascii() and not names.fold_latin(latin).isascii():
        return None
    similarity = transcription.similarity(han, latin)
    if similarity < transcription.THRESHOLD:
        return None
    bits = name_bits("transliterated", similarity, frequency)
    return (
        "name.transliterated",
        bits,
        f"{han} is a transcription of {latin.upper()} ({similarity:.2f})",
    )


# --- object features ----------------------------------------------------------------------


def _plate_pair(p: str, s: str) -> Feature | None:
    c = identifiers.compare_plates(p, s)
    if c.score >= 1.0:
        return _feature("plate.equal", c.explanation)
    if c.score > 0:
        return _feature("plate.reading", c.explanation)
    return None  # a different plate says little: plates are changed on stolen cars


def plate(probe: Facts, stored: Facts) -> Feature | None:
    return _best(_plate_pair, probe.plates, stored.plates)


def _vin_pair(p: str, s: str) -> Feature | None:
    c = identifiers.compare_vins(p, s)
    if c.score >= 1.0:
        return _feature("vin.equal", c.explanation)
    if c.score > 0:
        return _feature("vin.typo", c.explanation)
    if identifiers.normalise_vin(p) and identifiers.normalise_vin(s):
        return _feature("vin.different", "VINs differ")
    return None


def vin(probe: Facts, stored: Facts) -> Feature | None:
    return _best(_vin_pair, probe.vins, stored.vins)


def _document_pair(p: Document, s: Document) -> Feature | None:
    a, b = _plain(p.number), _plain(s.number)
    if not a or not b:
        return None
    if a == b:
        bits, text = WEIGHTS["document.equal"], "document number equal"
    elif _one_edit(a, b):
        bits, text = WEIGHTS["document.typo"], "document number one character apart"
    else:
        return None
    if p.country and s.country:
        if p.country == s.country:
            bits += WEIGHTS["document.country"]
            text += f", issued by {s.country}"
        else:
            bits += WEIGHTS["document.country_different"]
            text += f", but issued by {p.country} / {s.country}"
    return Feature("document.equal" if a == b else "document.typo", bits, text)


def document(probe: Facts, stored: Facts) -> Feature | None:
    return _best(_document_pair, probe.documents, stored.documents)


def _drone_pair(p: str, s: str) -> Feature | None:
    a, b = _plain(p), _plain(s)
    if a and a == b:
        return _feature("drone.equal", "drone serial / registration number equal")
    if a and b and _one_edit(a, b):
        return _feature("drone.typo", "drone serial / registration one character apart")
    return None


def drone(probe: Facts, stored: Facts) -> Feature | None:
    return _best(_drone_pair, probe.drones, stored.drones)


FEATURES: tuple[Callable[[Facts, Facts], Feature | None], ...] = (
    resident_id,
    passport,
    name,
    birth_date,
    gender,
    nationality,
    plate,
    vin,
    document,
    drone,
)

# Features whose agreement identifies on its own.
IDENTIFYING = frozenset(
    {
        "id.equal",
        "id.legacy",
        "id.check_digit",
        "id.typo",
        "passport.equal",
        "passport.confusable",
        "passport.typo",
        "plate.equal",
        "plate.reading",
        "vin.equal",
        "vin.typo",
        "document.equal",
        "document.typo",
        "drone.equal",
        "drone.typo",
    }
)
_FULL_BIRTH = frozenset({"birth.equal", "birth.swapped", "birth.typo"})


def band(alert_type: str, bits: float, features: Iterable[Feature]) -> str:
    hit_at, possible_at = THRESHOLDS[alert_type]
    if bits < possible_at:
        return NO_HIT
    agreeing = {f.name for f in features if f.agrees}
    identified = bool(agreeing & IDENTIFYING)
    named = any(n.startswith("name.") for n in agreeing)
    if bits >= hit_at and (identified or (named and agreeing & _FULL_BIRTH)):
        return HIT
    return POSSIBLE


# No name agreement is worth more than this (the rarity cap at factor 1.0).
NAME_MAX_BITS = WEIGHTS["name.rarity_cap"]


def assess(probe: Facts, stored: Facts, alert_type: str) -> Assessment:
    """Score `stored` (an alert's subject) against `probe`.

    The name, the dearest feature to compute, comes last, and only if it can still matter: when
    the other features leave the candidate below `possible` even with the best possible name
    (a namesake whose birth date differs), the answer is `no_hit` without comparing names.
    """
    features = [f for feature in FEATURES if feature is not name and (f := feature(probe, stored))]
    bits = sum(f.bits for f in features)
    if bits + NAME_MAX_BITS >= THRESHOLDS[alert_type][1]:
        named = name(probe, stored)
        if named is not None:
            features.append(named)
            bits += named.bits
    return Assessment(
        bits=bits,
        score=score_of(bits),
        band=band(alert_type, bits, features),
        features=tuple(features),
    )
