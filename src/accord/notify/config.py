"""Settings of the delivery channels (prefix `ACCORD_`): the SMTP relay, the public URL that
absolute links start with, and the webhook timeout."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class NotifySettings(BaseSettings):
    """Read afresh by each worker pass, so an operator's change needs no code reload."""

    model_config = SettingsConfigDict(env_prefix="ACCORD_", extra="ignore")

    smtp_host: str = ""  # empty: the e-mail channel is off and its deliveries are skipped
    smtp_port: int = 25
    smtp_from: str = "accord@localhost"
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    smtp_timeout: float = 15.0
    public_url: str = "http://127.0.0.1:8000"
    webhook_timeout: float = 10.0

    def absolute(self, link: str | None) -> str:
        """`link` made absolute against the public URL (links in the outbox are site paths)."""
        base = self.public_url.rstrip("/")
        if not link:
            return base + "/"
        if link.startswith(("http://", "https://")):
            return link
        return base + (link if link.startswith("/") else "/" + link)
