"""Sending email through the SMTP server of SPACEPORT_SMTP_URL (smtp://, smtps://, with
optional user:password@). Callers send after their transaction commits, never inside it."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import unquote, urlsplit

log = logging.getLogger("spaceport.mail")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Mail:
    to: list[str]
    subject: str
    text: str
    html: str | None = None
    from_name: str | None = None
    reply_to: str | None = None
    attachments: list[Attachment] = field(default_factory=list)


class MailNotConfigured(RuntimeError):
    pass


def build_message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr((mail.from_name, sender)) if mail.from_name else sender
    message["To"] = ", ".join(mail.to)
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    if mail.reply_to:
        message["Reply-To"] = mail.reply_to
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def send(mail: Mail, smtp_url: str | None, sender: str, timeout: float = 30) -> None:
    """Hand `mail` to the SMTP server; raises on refusal so a caller can retry."""
    if not smtp_url:
        raise MailNotConfigured("SPACEPORT_SMTP_URL is not set")
    url = urlsplit(smtp_url)
    host, secure = url.hostname or "127.0.0.1", url.scheme == "smtps"
    port = url.port or (465 if secure else 25)
    smtp_class = smtplib.SMTP_SSL if secure else smtplib.SMTP
    with smtp_class(host, port, timeout=timeout) as smtp:
        if url.scheme == "smtp+starttls":
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(build_message(mail, sender))


def send_quietly(mail: Mail, smtp_url: str | None, sender: str) -> None:
    """For account notifications: a failure is logged, never shown to the caller (COMPAT §3.4
    answers 204 whatever happens)."""
    try:
        send(mail, smtp_url, sender)
    except (OSError, smtplib.SMTPException, MailNotConfigured) as exc:
        log.warning("could not send mail to %s: %s", mail.to, exc)
