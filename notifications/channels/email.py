"""The SMTP e-mail channel (smtplib): host, port and sender from the settings, a plain-text UTF-8 message."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from notifications.channels.base import ChannelKind, Delivery, PermanentFailure, TransientFailure

_PERMANENT_FROM = 500  # SMTP 5xx replies are permanent, 4xx transient (RFC 5321 4.2.1)


class SmtpChannel:
    """Sends each delivery as one e-mail through an SMTP server (STARTTLS and login when configured)."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self._username, self._password = username, password
        self.starttls, self.timeout = starttls, timeout

    @property
    def kind(self) -> ChannelKind:
        """The e-mail channel."""
        return ChannelKind.EMAIL

    def send(self, delivery: Delivery) -> None:
        """One e-mail to the delivery's address; failures never name the address."""
        message = self._message(delivery)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self._username:
                    smtp.login(self._username, self._password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused:
            raise PermanentFailure("recipient refused by the SMTP server") from None
        except smtplib.SMTPResponseException as refused:
            failure = PermanentFailure if refused.smtp_code >= _PERMANENT_FROM else TransientFailure
            raise failure(f"SMTP {refused.smtp_code}") from None
        except (smtplib.SMTPException, OSError) as down:  # refused, reset, timed out, disconnected
            raise TransientFailure(f"SMTP server unavailable ({type(down).__name__})") from None

    def _message(self, delivery: Delivery) -> EmailMessage:
        address = delivery.address.strip()
        if address.count("@") != 1 or any(c.isspace() or c in ",;<>" for c in address):
            raise PermanentFailure("not a single e-mail address")
        message = EmailMessage()
        try:
            message["From"] = self.sender
            message["To"] = address
            message["Subject"] = delivery.title
            message["Message-ID"] = make_msgid(f"notification-{delivery.id}")
        except ValueError:  # a header with a line break: never sent
            raise PermanentFailure("header refused") from None
        message.set_content(delivery.body, charset="utf-8")
        return message
