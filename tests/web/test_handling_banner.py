"""The handling-code banner that pages showing shared information carry."""

import pytest

from accord.web import i18n
from accord.web.templating import environment


@pytest.mark.parametrize(
    ("code", "text", "zh", "en"),
    [
        ("H0", "", "仅限用于预防和打击犯罪", "Use only to prevent and combat crime."),
        ("H1", "", "不得用于诉讼", "Not to be used in court"),
        ("H2", "", "不得转递", "Not to be passed on"),
        ("H3", "仅限专案组内部使用", "其他限制：", "Other restriction:"),
    ],
)
def test_banner_names_the_code_and_its_rule(code: str, text: str, zh: str, en: str) -> None:
    template = environment().get_template("_handling_banner.html")
    for locale, expected in (("zh", zh), ("en", en)):
        i18n.set_locale(locale)
        html = template.render(handling_code={"code": code, "text": text})
        assert f"<strong>{code}</strong>" in html
        assert expected in html
        assert f"handling-{code.lower()}" in html
        if text:
            assert text in html
