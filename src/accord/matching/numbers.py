"""Phone and account numbers as agencies type them, reduced to one comparable value.

A phone becomes E.164 (`+8613812345678`): a Chinese number without a prefix is read as +86,
full-width digits, blanks, dashes and brackets are ignored. Short service numbers (95588, 110,
12345) have no E.164 form and are kept as dialled, so a bank's hotline is one value wherever it
is typed. An account number keeps its digits and letters only, upper-cased: Chinese bank cards
are not IBANs, and one card typed with spaces is the same card.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

_NOT_DIALLED = re.compile(r"[^\d+]")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def normalise_phone(text: str | None, *, region: str = "CN") -> str | None:
    """The E.164 form of `text`, the digits of a short service number, or None if it is no
    phone number at all."""
    if not text:
        return None
    plain = unicodedata.normalize("NFKC", text).strip()
    dialled = _NOT_DIALLED.sub("", plain)
    digits = dialled.lstrip("+")
    if not digits.isdigit():
        return None
    if not dialled.startswith("+") and len(digits) <= 8:
        return digits  # a service or short number (95588, 12345), kept as dialled
    if dialled.startswith("00"):
        dialled = "+" + dialled[2:]
    try:
        number = phonenumbers.parse(dialled, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return digits if len(digits) >= 5 else None


def normalise_account(text: str | None) -> str | None:
    """The account number's digits and letters, upper-cased, or None if fewer than 6 remain."""
    if not text:
        return None
    value = _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).upper())
    return value if len(value) >= 6 else None
