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


def send_email_change(settings: Settings, email: str, account_id: str, code: str) -> None:
    """Issue 16 point 4: the account takes this address once the link is followed."""
    link = f"{settings.public_url}/v1/accounts/confirm?uid={account_id}&token={quote(code)}"
    text = (
        "Someone asked to use this address for a Spaceport account.\n\n"
        f"To make it the account's email, open this link (once, within a week):\n\n{link}\n\n"
        "If you did not ask for this, ignore this message: nothing changes."
    )
    html = f'<p>Use this address for your Spaceport account: <a href="{link}">confirm</a></p>'
    send_quietly(
        Mail([email], "Confirm your new email address", text, html),
        settings.smtp_url,
        settings.mail_from,
    )


def send_invitation(
    settings: Settings, email: str, organization: str, access_id: str, code: str | None
) -> None:
    """An invitation by email carries its single-use token (`code`): whoever received this email
    may accept with any account; without it only an account that verified this address may
    (issue 16 point 4). An invitation by account id needs none."""
    base = f"{settings.public_url}/v1/accountorganizations/{access_id}"
    token = f"?token={quote(code)}" if code else ""
    text = (
        f"You have been invited to the organization {organization} on Spaceport.\n\n"
        f"Accept the invitation, signed in to your account: {base}/accept{token}\n"
        f"Or decline it: {base}/reject{token}\n"
        "If you have no account yet, sign up first."
    )
    send_quietly(
        Mail([email], f"Invitation to {organization}", text), settings.smtp_url, settings.mail_from
    )
