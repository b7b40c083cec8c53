"""Handling codes (Europol's H0–H3): the one definition that pages, printouts, e-mails and
webhooks show with shared information.

H0 use only to prevent and combat crime; H1 not to be used in court without the owner's
permission; H2 not to be passed on without the owner's permission; H3 another restriction,
stated in free text.
"""

from __future__ import annotations

from enum import StrEnum

from accord.core.errors import InvalidInput


class HandlingCode(StrEnum):
    H0 = "H0"
    H1 = "H1"
    H2 = "H2"
    H3 = "H3"


def N_(message: str) -> str:  # noqa: N802  (gettext's conventional marker name)
    """Mark a message for the catalogs; it is translated where it is shown."""
    return message


RULES: dict[HandlingCode, str] = {
    HandlingCode.H0: N_("Use only to prevent and combat crime."),
    HandlingCode.H1: N_("Not to be used in court without the owner's permission."),
    HandlingCode.H2: N_("Not to be passed on without the owner's permission."),
    HandlingCode.H3: N_("Other restriction:"),
}


def check(code: str | None, text: str | None) -> tuple[HandlingCode | None, str | None]:
    """A valid (code, H3 text) pair, or a refusal naming the field."""
    if code is None:
        if text:
            raise InvalidInput("a handling text goes with handling code H3", field="handling_text")
        return None, None
    try:
        parsed = HandlingCode(code.strip().upper())
    except ValueError:
        raise InvalidInput("the handling code is H0, H1, H2 or H3", field="handling_code") from None
    if parsed is HandlingCode.H3:
        if not text or not text.strip():
            raise InvalidInput("H3 states its restriction in text", field="handling_text")
        return parsed, text.strip()[:200]
    if text:
        raise InvalidInput("only H3 carries a text", field="handling_text")
    return parsed, None


def banner_text(code: HandlingCode | str, text: str | None, locale: str) -> str:
    """The banner as one line of plain text (e-mails, exports): `H2 · <rule in the locale>`."""
    from accord.web.i18n import translations

    parsed = HandlingCode(code)
    rule: str = translations(locale).ugettext(RULES[parsed])
    if parsed is HandlingCode.H3 and text:
        rule = f"{rule} {text}"
    return f"{parsed.value} · {rule}"
