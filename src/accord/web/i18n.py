"""Languages of the UI: gettext catalogs (Babel .po files) chosen per request.

The catalogs are read from the .po sources at start-up, so no compiled .mo file has to be built
or committed. The locale of the running request lives in a context variable that the template
functions `_` and `ngettext` read.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES: tuple[str, ...] = ("zh", "en")
LOCALE_NAMES = {"zh": "中文", "en": "English"}
DEFAULT_LOCALE = "zh"
LOCALE_DIR = Path(__file__).resolve().parent / "locales"

_current: ContextVar[str] = ContextVar("accord_locale", default=DEFAULT_LOCALE)


@cache
def translations(locale: str) -> NullTranslations:
    po = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def set_locale(locale: str) -> None:
    _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)


def get_locale() -> str:
    return _current.get()


def gettext(message: str) -> str:
    text: str = translations(get_locale()).ugettext(message)
    return text


def ngettext(singular: str, plural: str, n: int) -> str:
    text: str = translations(get_locale()).ungettext(singular, plural, n)
    return text


def negotiate(cookie: str | None, accept_language: str | None, default: str) -> str:
    """The UI language: the remembered choice, else the browser's first supported one."""
    if cookie in LOCALES:
        return cookie
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        base = tag.split("-")[0]
        if base in LOCALES:
            return base
    return default if default in LOCALES else DEFAULT_LOCALE
