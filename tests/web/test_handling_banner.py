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


def test_plain_text_banner_for_mail_and_exports() -> None:
    from accord.core.handling import banner_text

    assert (
        banner_text("H2", None, "en") == "H2 · Not to be passed on without the owner's permission."
    )
    assert banner_text("H0", None, "zh") == "H0 · 仅限用于预防和打击犯罪。"
    assert banner_text("H3", "专案组内部", "zh") == "H3 · 其他限制： 专案组内部"


@pytest.mark.parametrize(
    ("code", "text", "field"),
    [
        ("H4", None, "handling_code"),
        ("H3", None, "handling_text"),
        ("H3", "  ", "handling_text"),
        ("H1", "extra", "handling_text"),
        (None, "orphan", "handling_text"),
    ],
)
def test_bad_handling_codes_name_the_field(code: str | None, text: str | None, field: str) -> None:
    from accord.core.errors import InvalidInput
    from accord.core.handling import check

    with pytest.raises(InvalidInput) as refused:
        check(code, text)
    assert refused.value.field == field


def test_mail_starts_with_the_handling_code() -> None:
    from accord.notify.config import NotifySettings
    from accord.notify.mail import compose

    message = compose(
        NotifySettings(smtp_from="accord@example.gov.cn", public_url="https://accord.example"),
        to="liaison@example.gov.cn",
        title="Request SH-2026-000123 accepted",
        reference="SH-2026-000123",
        link="/assist/SH-2026-000123",
        locale="en",
        message_key="k1",
        handling_code="H2",
    )
    body = message.get_content()
    assert body.startswith("H2 · Not to be passed on without the owner's permission.\n")
    assert "https://accord.example/assist/SH-2026-000123" in body
