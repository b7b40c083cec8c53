"""Every message the UI shows must have its Chinese translation."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from accord.web import i18n

SRC = Path(__file__).resolve().parents[2] / "src"
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def extracted_ids() -> set[str]:
    ids = set()
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(SRC),
        METHOD_MAP,
        options_map=options,
        keywords={"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)},
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def test_every_ui_message_has_a_chinese_translation() -> None:
    with (i18n.LOCALE_DIR / "zh" / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        catalog = read_po(fp, locale="zh")
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string) and not m.fuzzy
    }
    missing = sorted(extracted_ids() - translated)
    assert missing == [], "run `make i18n` and translate: " + "; ".join(missing)


def test_gettext_follows_the_current_locale() -> None:
    i18n.set_locale("zh")
    assert i18n.gettext("Agencies") == "机构"
    i18n.set_locale("en")
    assert i18n.gettext("Agencies") == "Agencies"
    i18n.set_locale("xx")
    assert i18n.get_locale() == "zh"


@pytest.mark.parametrize(
    ("cookie", "accept", "expected"),
    [
        ("en", "zh-CN", "en"),
        (None, "en-GB,en;q=0.9", "en"),
        (None, "fr-FR, zh-TW;q=0.8", "zh"),
        (None, None, "zh"),
        ("klingon", "de", "zh"),
    ],
)
def test_negotiation(cookie: str | None, accept: str | None, expected: str) -> None:
    assert i18n.negotiate(cookie, accept, "zh") == expected
