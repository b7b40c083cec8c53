"""Blocking keys: the few index entries through which a check finds its candidates.

A stored subject and a probe each produce a set of short keys; the probe's candidates are the
subjects sharing at least one key. The keys are chosen so that every variant a match may take
still shares one (names in any script and order, a typo'd or legacy resident ID, a plate typed
in pinyin), while a key shared by unrelated people stays rare: a name key is specific to the
name's spelling, a birth-date key also needs a name initial. In the index each key is stored as
a 64-bit hash.
"""

from __future__ import annotations

import hashlib

from accord.matching import identifiers, names, transcription
from accord.matching.facts import Facts, PartialDate

# Identifiers shorter than this get no one-character-deleted keys: too many namesakes.
_MIN_NEIGHBOURHOOD = 6


def hash_key(key: str) -> int:
    """A signed 64-bit integer for a key (BLAKE2b): compact in the index, collisions negligible
    (and harmless: every candidate is scored on its facts, not on its keys)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _deletions(kind: str, value: str) -> set[str]:
    """`value` with each one character deleted: two strings one substitution or one adjacent
    swap apart always share one of these."""
    if len(value) < _MIN_NEIGHBOURHOOD:
        return set()
    return {f"{kind}~{value[:i]}{value[i + 1 :]}" for i in range(len(value))}


def resident_id_keys(text: str) -> set[str]:
    parsed = identifiers.parse_resident_id(text)
    if parsed is None:
        return set()
    keys = {f"i:{parsed.value}"}
    # A number whose check digit fails was typed wrong once: its corrections are the keys.
    keys |= {f"i:{v}" for v in identifiers.resident_id_corrections(parsed)}
    return keys


def passport_keys(text: str) -> set[str]:
    value = identifiers.normalise_passport(text)
    if not value:
        return set()
    return {f"p:{value}"} | _deletions("p", value)


def plate_keys(text: str) -> set[str]:
    return {f"l:{r}" for r in identifiers.plate_readings(text)}


def vin_keys(text: str) -> set[str]:
    value = identifiers.normalise_vin(text)
    if value is None:
        return set()
    return {f"v:{value}"} | _deletions("v", value)


def number_keys(kind: str, text: str) -> set[str]:
    """Document numbers and drone serials: letters and digits, upper case, with neighbours."""
    value = identifiers.normalise_passport(text)
    if not value:
        return set()
    return {f"{kind}:{value}"} | _deletions(kind, value)


def _birth_keys(birth: PartialDate | None, initials: set[str], *, probe: bool) -> set[str]:
    """Birth date with a name initial, at the precision the stored side knows it.

    A stored date known to the day gives day keys; one known only to the month or the year
    gives month or year keys; a probe gives all three (and the day with day and month
    exchanged). So a partial stored date still meets a full probe, and when a very common name
    names hundreds of alerts, the one born on that day (or in that month) ranks first. Stored
    full dates give no month or year keys: those would name thousands of alerts each.
    """
    if birth is None:
        return set()
    keys: set[str] = set()
    if probe or birth.month is None:
        keys |= {f"y:{birth.year}:{i}" for i in initials}
    if birth.month is not None and (probe or birth.day is None):
        keys |= {f"m:{birth.year}-{birth.month:02d}:{i}" for i in initials}
    if birth.complete:
        days = [birth]
        swapped = birth.swapped()
        if probe and swapped is not None:
            days.append(swapped)
        keys |= {f"b:{d.iso()}:{i}" for d in days for i in initials}
    return keys


def facts_keys(facts: Facts, *, probe: bool = False) -> set[str]:
    """Every blocking key of `facts`; `probe=True` adds the probe-only variants (a birth date
    with day and month exchanged)."""
    keys: set[str] = set()
    initials: set[str] = set()
    sounds: set[str] = set()
    for text in facts.names:
        reading = names.read_name(text, nationality=facts.nationality)
        keys |= names.blocking_keys(reading)
        initials |= names.initials(reading)
        # Foreign names transcribed into characters meet their Latin form by sound.
        if transcription.is_transcribed(text):
            sounds |= transcription.initials(transcription.han_parts(text))
        elif reading.script == "latin":
            sounds |= transcription.initials(transcription.latin_parts(text))
    birth = facts.birth_from_ids()
    keys |= _birth_keys(birth, initials, probe=probe)
    keys |= _birth_keys(birth, {f"~{s}" for s in sounds}, probe=probe)
    for text in facts.resident_ids:
        keys |= resident_id_keys(text)
    for text in facts.passports:
        keys |= passport_keys(text)
    for text in facts.plates:
        keys |= plate_keys(text)
    for text in facts.vins:
        keys |= vin_keys(text)
    for document in facts.documents:
        keys |= number_keys("d", document.number)
    for text in facts.drones:
        keys |= number_keys("r", text)
    return keys


def hashed_keys(facts: Facts, *, probe: bool = False) -> set[int]:
    return {hash_key(k) for k in facts_keys(facts, probe=probe)}
