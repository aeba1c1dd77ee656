"""Every query of accounts and their launch codes: an account by email, a code by its hash
(with its account, for the caller of a request), an account's login codes, and the revocation
of its other codes (COMPAT §3.2, COMPAT §3.3)."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, select

from spaceport.accounts.models import AccessToken, Account, WebSession
from spaceport.kit.repository import Repository

# Every authenticated request asks this: built once, with its value bound at each execution
# (issue 13: building the statement cost as much as running it).
TOKEN_WITH_ACCOUNT = (
    select(AccessToken, Account)
    .join(Account, Account.id == AccessToken.account_id)
    .where(AccessToken.id == bindparam("token_id"))
)


class AccountRepository(Repository[Account]):
    model = Account

    def by_email(self, email: str) -> Account | None:
        """The account of an email, already normalized (stored lower case, trimmed)."""
        return self.first(self.statement().where(Account.email == email))

    # -- launch codes --------------------------------------------------------------------------
    def token(self, token_id: str) -> AccessToken | None:
        """The stored code with this id (the SHA-256 of the code)."""
        return self.session.get(AccessToken, token_id)

    def token_with_account(self, token_id: str) -> tuple[AccessToken, Account] | None:
        """The stored code with this id and its account, in one query."""
        found = self.session.execute(TOKEN_WITH_ACCOUNT, {"token_id": token_id}).first()
        return None if found is None else (found[0], found[1])

    def login_tokens(self, account_id: str) -> list[AccessToken]:
        """The account's launch codes, oldest first."""
        return self.all(
            select(AccessToken)
            .where(AccessToken.account_id == account_id, AccessToken.purpose == "login")
            .order_by(AccessToken.created)
        )

    def drop_codes(self, account_id: str, purposes: tuple[str, ...]) -> None:
        """The account's single-use codes of these purposes, spent or not."""
        self.session.execute(
            delete(AccessToken).where(
                AccessToken.account_id == account_id, AccessToken.purpose.in_(purposes)
            )
        )

    def revoke_codes(self, account_id: str, keep: str | None) -> None:
        """Every launch code and pending reset of the account but `keep`, and every session of
        the web app (WEB §W2.3: a password change ends them)."""
        self.session.execute(
            delete(AccessToken).where(
                AccessToken.account_id == account_id,
                AccessToken.purpose.in_(("login", "reset")),
                AccessToken.id != (keep or ""),
            )
        )
        self.session.execute(delete(WebSession).where(WebSession.account_id == account_id))
