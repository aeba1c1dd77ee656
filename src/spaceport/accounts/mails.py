"""The account notifications: password reset and email verification (COMPAT §3.4, COMPAT §3.5)."""

from __future__ import annotations

from urllib.parse import quote

from spaceport.config import Settings
from spaceport.kit.mail import Mail, send_quietly


def send_reset(settings: Settings, email: str, code: str) -> None:
    text = (
        "Someone asked to reset the password of your Spaceport account.\n\n"
        f"Your single-use reset token:\n\n{code}\n\n"
        "Send it as the launch code of POST /v1/accounts/reset-password with your new password.\n"
        "If you did not ask for this, ignore this message."
    )
    send_quietly(Mail([email], "Reset your password", text), settings.smtp_url, settings.mail_from)


def send_verification(settings: Settings, email: str, account_id: str, code: str) -> None:
    link = f"{settings.public_url}/v1/accounts/confirm?uid={account_id}&token={quote(code)}"
    text = f"Please confirm your email address by opening this link:\n\n{link}\n"
    html = f'<p>Please confirm your email address: <a href="{link}">confirm</a></p>'
    send_quietly(
        Mail([email], "Confirm your email address", text, html),
        settings.smtp_url,
        settings.mail_from,
    )


def send_invitation(settings: Settings, email: str, organization: str, access_id: str) -> None:
    accept = f"{settings.public_url}/v1/accountorganizations/{access_id}/accept"
    text = (
        f"You have been invited to the organization {organization} on Spaceport.\n\n"
        f"Accept the invitation: {accept}\n"
        "If you have no account yet, sign up with this email address first."
    )
    send_quietly(
        Mail([email], f"Invitation to {organization}", text), settings.smtp_url, settings.mail_from
    )
