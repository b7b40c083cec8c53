"""The weights of every matching feature and the thresholds per alert type, in one table.

Weights are bits of evidence (log2 of how much likelier the observation is for the same person
than for a stranger), after Fellegi and Sunter: agreement on a rare value weighs more than on a
common one, disagreement weighs against. A candidate's evidence is the sum over features; the
score shown to users is `1 - 2 ** (-bits / SCALE)`, so 0 bits is 0.0 and each SCALE bits halve
the distance to 1.0.

Reading the numbers: a resident ID is unique (36 bits settle it alone); a full birth date is one
day in about 22,000 (14.4 bits); a name is worth log2(1 / its share of the population), so 张伟
(about 1 in 10,000) gives 13 bits and a rare name 23 — which is how "name plus birth date is
weighed by how common the name is" comes out of the sum, not out of a special case.
"""

from __future__ import annotations

import math

SCALE = 12.0

WEIGHTS: dict[str, float] = {
    # resident identity card number
    "id.equal": 36.0,
    "id.legacy": 35.0,  # equal after the 15→18 conversion
    "id.check_digit": 24.0,  # equal but for the check digit
    "id.typo": 22.0,  # one wrong digit or two adjacent digits swapped
    "id.different": -24.0,  # two valid numbers no typing error explains
    # passport number
    "passport.equal": 34.0,
    "passport.confusable": 30.0,  # O/0, I/1
    "passport.typo": 18.0,
    "passport.different": -4.0,  # people hold several passports over the years
    # birth date
    "birth.equal": 14.4,
    "birth.year_month": 7.0,  # one side knows only year and month, and they agree
    "birth.year": 4.5,  # one side knows only the year, and it agrees
    "birth.swapped": 9.0,  # day and month exchanged
    "birth.typo": 8.0,  # one digit off
    "birth.year_off": 4.0,  # same day and month, year one off
    "birth.different": -18.0,
    # gender and nationality
    "gender.equal": 1.0,
    "gender.different": -8.0,
    "nationality.equal": 1.0,
    "nationality.different": -4.0,
    # names: the kind's factor times the name's rarity in bits (see name_bits)
    "name.different": -10.0,
    "name.rarity_cap": 25.0,
    # objects
    "plate.equal": 36.0,
    "plate.reading": 33.0,  # equal if a pinyin province is read one of two ways
    "vin.equal": 36.0,
    "vin.typo": 22.0,
    "vin.different": -20.0,
    "document.equal": 33.0,
    "document.typo": 20.0,
    "document.different": -10.0,
    "document.country": 1.5,
    "document.country_different": -6.0,
    "drone.equal": 36.0,
    "drone.typo": 20.0,
}

# How much a name agreement of each kind keeps of the name's rarity.
NAME_KIND_FACTOR: dict[str, float] = {
    "same": 1.0,
    "transliteration": 0.95,
    "romanisation": 0.9,
    "homophone": 0.8,
    "fuzzy": 0.7,  # times the comparison's own score
    "transliterated": 0.7,
    "partial": 0.5,
}


def name_bits(kind: str, score: float, frequency: float) -> float:
    """The evidence of a name agreement of `kind`: the name's rarity in bits, kept by kind."""
    if kind == "different" or score <= 0.0:
        return WEIGHTS["name.different"]
    rarity = min(WEIGHTS["name.rarity_cap"], math.log2(1.0 / max(frequency, 1e-12)))
    factor = NAME_KIND_FACTOR.get(kind, 0.5)
    if kind == "fuzzy":
        factor *= score
    return factor * rarity


def score_of(bits: float) -> float:
    """The user-facing score in [0, 1)."""
    if bits <= 0.0:
        return 0.0
    return float(1.0 - 2.0 ** (-bits / SCALE))


# Bands, in bits, per alert type: `hit` at or above the first, `possible` at or above the
# second. Missing persons are answered `possible` more readily (a missed vulnerable person costs
# more than a second look); an arrest asks for the surest hit.
THRESHOLDS: dict[str, tuple[float, float]] = {
    "wanted_arrest": (33.0, 10.0),
    "wanted_locate": (33.0, 10.0),
    "missing_person": (32.0, 9.5),
    "discreet_check": (33.0, 10.0),
    "stolen_vehicle": (30.0, 15.0),
    "stolen_document": (30.0, 15.0),
    "drone": (30.0, 15.0),
}
