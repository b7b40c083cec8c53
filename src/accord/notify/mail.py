"""E-mail notifications over SMTP: plain text with the title, the reference and a link only.

The message's `data` is never read here, so no personal data can leave by mail whatever a caller
put there; titles are written by callers to cite references only.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from accord.core import clock, handling
from accord.notify.config import NotifySettings

LABELS = {
    "zh": {"reference": "编号", "open": "在 Accord 中查看", "footer": "此邮件由 Accord 自动发送。"},
    "en": {
        "reference": "Reference",
        "open": "Open in Accord",
        "footer": "This message was sent automatically by Accord.",
    },
}


class MailError(Exception):
    """The relay refused the message for now or could not be reached: worth another try."""


class PermanentMailError(MailError):
    """The relay refused for good (a 5xx answer, e.g. no such mailbox): retrying cannot help."""


def compose(
    settings: NotifySettings,
    *,
    to: str,
    title: str,
    reference: str | None,
    link: str | None,
    locale: str,
    message_key: str,
    handling_code: str | None = None,
    handling_text: str | None = None,
) -> EmailMessage:
    labels = LABELS.get(locale, LABELS["en"])
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["To"] = to
    cited = not reference or reference in title
    msg["Subject"] = f"[Accord] {title}" if cited else f"[Accord] {reference} {title}"
    msg["Date"] = format_datetime(clock.now())
    msg["Message-ID"] = make_msgid(idstring=message_key)
    # The delivery id lets a mail client or a relay drop a second copy of a retried message.
    msg["X-Accord-Delivery"] = message_key
    lines = [title, ""]
    if handling_code:
        # The handling code travels with what it governs, first thing in the message.
        lines = [handling.banner_text(handling_code, handling_text, locale), "", *lines]
    if reference:
        lines.append(f"{labels['reference']}: {reference}")
    lines.append(f"{labels['open']}: {settings.absolute(link)}")
    lines += ["", "-- ", labels["footer"]]
    msg.set_content("\n".join(lines) + "\n")
    return msg


def send(settings: NotifySettings, message: EmailMessage) -> None:
    """Hand the message to the configured relay; raises MailError if it is not accepted."""
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            refused = smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        error = PermanentMailError if all(c >= 500 for c in codes) else MailError
        raise error(f"the relay refused the recipient ({', '.join(map(str, codes))})") from None
    except smtplib.SMTPResponseException as exc:
        error = PermanentMailError if exc.smtp_code >= 500 else MailError
        # The relay's answer, never our credentials (which are not in it).
        raise error(f"{type(exc).__name__}: {exc.smtp_code}"[:200]) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"{type(exc).__name__}: {exc}"[:200]) from None
    if refused:
        raise MailError("the relay refused the recipient")
