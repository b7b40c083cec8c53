"""Whom an audit event concerns, by a key normalised so every spelling finds the same rows.

The normalisers are lenient on purpose: an officer who checks a mistyped resident ID must still
leave a trace under what was typed, so only an empty key (or one too long to store) is refused.
What they do fix is every difference of spelling that users make for one real identifier:
full-width characters, spaces and dashes, lower case, a 15-digit legacy resident ID (which is
turned into its 18-digit form), a mobile number with or without +86.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from accord.core.errors import InvalidInput
from accord.matching import identifiers

KEY_MAX = 128  # audit_subjects.key is String(128)


class InvalidSubject(InvalidInput):
    code = "invalid_subject"
    title = "Invalid subject"


@dataclass(frozen=True, order=True)
class Subject:
    """Whom or what an event concerns: `kind` (resident_id, passport, plate, phone, account,
    entity, user, agency) and a key normalised so that every spelling finds the same rows.

    Build one with the function of its kind (`resident_id("110101 19900307 123x")`) or with
    `Subject.of(kind, text)`; the constructor itself stores the key as given.
    """

    kind: str
    key: str

    @classmethod
    def of(cls, kind: str, text: object) -> Subject:
        """The subject of `kind` whose key is `text` normalised; unknown kinds are refused."""
        normaliser = KEY_NORMALISERS.get(kind)
        if normaliser is None:
            raise InvalidSubject(
                f"unknown subject kind {kind!r}; use one of {', '.join(sorted(KEY_NORMALISERS))}",
                field="subject",
            )
        key = normaliser(str(text))
        if not key:
            raise InvalidSubject(f"a {kind} subject needs a key", field="subject")
        if len(key) > KEY_MAX:
            raise InvalidSubject(f"a subject key is at most {KEY_MAX} characters", field="subject")
        return cls(kind, key)

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


# --- key normalisers (text -> key) ----------------------------------------------------------

_ID_SEPARATORS = re.compile(r"[\s\-‐-―−]+")


def resident_id_key(text: str) -> str:
    """Resident ID: the canonical 18-character form (`accord.matching.identifiers`), so the
    15-digit legacy number and every spelling of one person's number find the same rows; text
    that is no resident ID is kept as typed, without blanks or dashes, upper case."""
    parsed = identifiers.parse_resident_id(text)
    if parsed is not None:
        return parsed.value
    return _ID_SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()


def passport_key(text: str) -> str:
    """Passport number: NFKC, upper case, no white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


# Spaces, dots, dashes and the middle dots that plates are printed and typed with.
_PLATE_NOISE = re.compile(r"[\s.\-‐-―−·•・‧∙]+")


def plate_key(text: str) -> str:
    """Vehicle plate: NFKC, upper case, no spaces, dots, dashes or middle dot; the leading
    province character (沪, 苏...) is kept, as it is part of the number."""
    return _PLATE_NOISE.sub("", unicodedata.normalize("NFKC", text)).upper()


_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def phone_key(text: str) -> str:
    """Phone number in E.164 (`+` and digits). Written for a Chinese deployment: an 11-digit
    mobile or a number with the domestic trunk prefix 0 gets +86; 00 is the international
    prefix; `86` followed by a mobile number is read as +86."""
    raw = unicodedata.normalize("NFKC", text).strip()
    digits = re.sub(r"\D", "", raw)
    if not digits:
        return ""
    if raw.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if _CN_MOBILE.match(digits):
        return "+86" + digits
    if digits.startswith("86") and _CN_MOBILE.match(digits[2:]):
        return "+" + digits
    if digits.startswith("0"):
        return "+86" + digits[1:]
    return "+" + digits


def account_key(text: str) -> str:
    """Bank account or card number (or IBAN): NFKC, letters and digits only, upper case."""
    return re.sub(r"[^0-9A-Za-z]", "", unicodedata.normalize("NFKC", text)).upper()


def entity_key(text: str) -> str:
    """An entity id: a UUID in its canonical form, anything else with blanks trimmed."""
    cleaned = text.strip()
    try:
        return str(uuid.UUID(cleaned))
    except ValueError:
        return cleaned


def user_key(text: str) -> str:
    """A username, trimmed."""
    return text.strip()


def agency_key(text: str) -> str:
    """An agency code, trimmed and upper case (codes are upper case: `310000`, `VN-HAN`)."""
    return unicodedata.normalize("NFKC", text).strip().upper()


KEY_NORMALISERS: dict[str, Callable[[str], str]] = {
    "resident_id": resident_id_key,
    "passport": passport_key,
    "plate": plate_key,
    "phone": phone_key,
    "account": account_key,
    "entity": entity_key,
    "user": user_key,
    "agency": agency_key,
}
KINDS = tuple(KEY_NORMALISERS)


# --- subjects by kind -------------------------------------------------------------------------


def resident_id(text: str) -> Subject:
    return Subject.of("resident_id", text)


def passport(text: str) -> Subject:
    return Subject.of("passport", text)


def plate(text: str) -> Subject:
    return Subject.of("plate", text)


def phone(text: str) -> Subject:
    return Subject.of("phone", text)


def account(number: str) -> Subject:
    return Subject.of("account", number)


def entity(id: object) -> Subject:
    return Subject.of("entity", id)


def user(username: str) -> Subject:
    return Subject.of("user", username)


def agency(code: str) -> Subject:
    return Subject.of("agency", code)


def parse_subject(text: str) -> Subject:
    """`KIND:KEY` (as typed on the command line or in a URL) to a normalised subject."""
    kind, sep, key = text.partition(":")
    kind = kind.strip().lower()
    if not sep:
        raise InvalidSubject(
            f"a subject is KIND:KEY, e.g. resident_id:110101199003071234; got {text!r}",
            field="subject",
        )
    return Subject.of(kind, key)
