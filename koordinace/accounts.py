"""User accounts: create, list, disable, unlock, verify passwords (argon2id); API tokens
(issue, revoke, look up). Every change is written to the audit log in the same
transaction, with who did it and through what (``source``: "cli", or "form" for the
accounts page, with the request's address).

Roles (DESIGN.md): ``city``, ``district`` (bound to one district), ``leadership``,
``admin``. Writes are plain functions taking the session as a keyword argument.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, func, select

from models import ApiToken, AuditEvent, District, UserAccount
from models.base import utcnow
from models.reference import district_lookup
from models.vocabulary import compact_key, values

MIN_PASSWORD_LENGTH = 10
TOKEN_BYTES = 32  # random bytes of an API token (256 bits): a fast hash is enough
_hasher = PasswordHasher()  # argon2id with the library's recommended parameters


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; message in Czech and English."""

    def __init__(self, cs: str, en: str):
        super().__init__(en)
        self.cs = cs
        self.en = en

    def __str__(self) -> str:
        return f"{self.cs} / {self.en}"


@dataclass(frozen=True)
class AccountView:
    username: str
    role: str
    district: str | None
    is_active: bool


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"Heslo musí mít alespoň {MIN_PASSWORD_LENGTH} znaků",
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters",
        )
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASH: str | None = None


def dummy_verify(password: str) -> None:
    """Spend the time of a password check (for unknown usernames: no timing hint)."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("koordinace-dummy-password")
    verify_password(_DUMMY_HASH, password)


def _district_id(session: Session, district: str | None) -> int | None:
    if district is None:
        return None
    rows = session.exec(select(District)).all()
    code = district_lookup(rows).get(compact_key(district))
    if code is None:
        raise AccountError(f"Neznámá městská část „{district}“", f"Unknown district '{district}'")
    return next(d.id for d in rows if d.code == code)


def _audit(
    session: Session,
    *,
    actor: str,
    action: str,
    account: UserAccount,
    before,
    after,
    entity: str = "user_account",
    entity_id: int | None = None,
    source: str = "cli",
    actor_id: int | None = None,
    remote_addr: str | None = None,
):
    session.add(
        AuditEvent(
            at=utcnow(),
            user_id=actor_id,
            username=actor,
            action=action,
            entity=entity,
            entity_id=account.id if entity_id is None else entity_id,
            district_id=account.district_id,
            source=source,
            remote_addr=remote_addr,
            before=before,
            after=after,
        )
    )


def _public(account: UserAccount) -> dict:
    """What the audit log keeps of an account (never the password hash)."""
    return {
        "username": account.username,
        "role": account.role,
        "district_id": account.district_id,
        "is_active": account.is_active,
    }


def add_user(
    *,
    session: Session,
    username: str,
    role: str,
    password: str,
    district: str | None = None,
    actor: str = "cli",
    source: str = "cli",
    actor_id: int | None = None,
    remote_addr: str | None = None,
) -> UserAccount:
    """Create an account; ``district`` (code, name or slug) is required for role district."""
    username = username.strip()
    if not username:
        raise AccountError("Uživatelské jméno chybí", "The username is missing")
    if role not in values("role"):
        raise AccountError(
            f"Neznámá role „{role}“ (povolené: {', '.join(values('role'))})",
            f"Unknown role '{role}' (allowed: {', '.join(values('role'))})",
        )
    if (role == "district") != (district is not None):
        raise AccountError(
            "Role district potřebuje --district, jiné role ji mít nesmí",
            "Role district needs --district; other roles must not have one",
        )
    if session.exec(select(UserAccount).where(UserAccount.username == username)).first():
        raise AccountError(
            f"Uživatel „{username}“ už existuje", f"User '{username}' already exists"
        )
    account = UserAccount(
        username=username,
        password_hash=hash_password(password),
        role=role,
        district_id=_district_id(session, district),
    )
    session.add(account)
    session.flush()
    _audit(
        session,
        actor=actor,
        action="create",
        account=account,
        before=None,
        after=_public(account),
        source=source,
        actor_id=actor_id,
        remote_addr=remote_addr,
    )
    return account


def disable_user(
    *,
    session: Session,
    username: str,
    actor: str = "cli",
    source: str = "cli",
    actor_id: int | None = None,
    remote_addr: str | None = None,
) -> UserAccount:
    """Disable an account: it can no longer sign in, its session and API tokens stop
    working at once (both are checked against ``is_active`` on every request)."""
    return _set_active(
        session,
        username,
        False,
        actor=actor,
        source=source,
        actor_id=actor_id,
        remote_addr=remote_addr,
    )


def enable_user(
    *,
    session: Session,
    username: str,
    actor: str = "cli",
    source: str = "cli",
    actor_id: int | None = None,
    remote_addr: str | None = None,
) -> UserAccount:
    """Enable a disabled account again (its password and role unchanged; API tokens
    revoked meanwhile stay revoked)."""
    return _set_active(
        session,
        username,
        True,
        actor=actor,
        source=source,
        actor_id=actor_id,
        remote_addr=remote_addr,
    )


def _set_active(session: Session, username: str, active: bool, **who) -> UserAccount:
    account = _account(session, username)
    if account.is_active == active:
        raise AccountError(
            f"Účet „{username}“ už je {'povolený' if active else 'zablokovaný'}",
            f"The account '{username}' is already {'enabled' if active else 'disabled'}",
        )
    before = _public(account)
    account.is_active = active
    session.add(account)
    session.flush()
    _audit(
        session,
        action="enable" if active else "disable",
        account=account,
        before=before,
        after=_public(account),
        **who,
    )
    return account


def unlock_user(
    *,
    session: Session,
    username: str,
    actor: str = "cli",
    source: str = "cli",
    actor_id: int | None = None,
    remote_addr: str | None = None,
) -> UserAccount:
    """Clear the failed sign-ins and the lock of an account (it may sign in at once)."""
    account = _account(session, username)
    if not account.failed_logins and account.locked_until is None:
        raise AccountError(
            f"Účet „{username}“ není zablokovaný po neúspěšných přihlášeních",
            f"The account '{username}' is not locked after failed sign-ins",
        )
    before = _lock_state(account)
    account.failed_logins = 0
    account.locked_until = None
    session.add(account)
    session.flush()
    _audit(
        session,
        actor=actor,
        action="unlock",
        account=account,
        before=before,
        after=_lock_state(account),
        source=source,
        actor_id=actor_id,
        remote_addr=remote_addr,
    )
    return account


def _lock_state(account: UserAccount) -> dict:
    locked = _aware(account.locked_until)
    return {
        "username": account.username,
        "failed_logins": account.failed_logins,
        "locked_until": locked.isoformat() if locked is not None else None,
    }


def generate_password() -> str:
    """A random password for a new account (16 URL-safe characters, 96 bits)."""
    return secrets.token_urlsafe(12)


@dataclass(frozen=True)
class AccountRow:
    """One account as the accounts page lists it (no password hash)."""

    id: int
    username: str
    role: str
    district: str | None
    is_active: bool
    last_login_at: dt.datetime | None
    failed_logins: int
    locked_until: dt.datetime | None
    active_tokens: int


def account_rows(*, session: Session) -> list[AccountRow]:
    """Every account with its district and how many API tokens it has not revoked."""
    tokens = (
        select(ApiToken.user_id, func.count().label("n"))
        .where(ApiToken.revoked_at.is_(None))
        .group_by(ApiToken.user_id)
        .subquery()
    )
    rows = session.exec(
        select(UserAccount, District.name, tokens.c.n)
        .join(District, District.id == UserAccount.district_id, isouter=True)
        .join(tokens, tokens.c.user_id == UserAccount.id, isouter=True)
        .order_by(UserAccount.username)
    ).all()
    return [
        AccountRow(
            id=a.id,
            username=a.username,
            role=a.role,
            district=name,
            is_active=a.is_active,
            last_login_at=_aware(a.last_login_at),
            failed_logins=a.failed_logins,
            locked_until=_aware(a.locked_until),
            active_tokens=int(n or 0),
        )
        for a, name, n in rows
    ]


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """A stored timestamp as an aware UTC datetime (SQLite returns naive UTC)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def list_users(*, session: Session) -> list[AccountView]:
    rows = session.exec(
        select(UserAccount, District.name)
        .join(District, District.id == UserAccount.district_id, isouter=True)
        .order_by(UserAccount.username)
    ).all()
    return [AccountView(a.username, a.role, name, a.is_active) for a, name in rows]


def demo_usernames(session: Session) -> list[tuple[str, str, str | None]]:
    """(username, role, district slug) of the demo accounts: admin, city, leadership and
    ``district-<slug>`` for every pilot district."""
    pilots = session.exec(select(District).where(District.is_pilot).order_by(District.code)).all()
    return [
        ("admin", "admin", None),
        ("city", "city", None),
        ("leadership", "leadership", None),
        *((f"district-{d.slug}", "district", d.slug) for d in pilots),
    ]


def ensure_demo_accounts(*, session: Session, password: str) -> list[str]:
    """Create the demo accounts that do not exist yet; return the usernames created.

    Existing accounts are left alone (their passwords included)."""
    existing = set(session.exec(select(UserAccount.username)).all())
    created = []
    for username, role, district in demo_usernames(session):
        if username in existing:
            continue
        add_user(
            session=session,
            username=username,
            role=role,
            password=password,
            district=district,
            actor="demo",
        )
        created.append(username)
    return created


# ------------------------------------------------------------------ API tokens


def token_hash(token: str) -> str:
    """What the database keeps of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _account(session: Session, username: str) -> UserAccount:
    account = session.exec(select(UserAccount).where(UserAccount.username == username)).first()
    if account is None:
        raise AccountError(f"Uživatel „{username}“ neexistuje", f"No user '{username}'")
    return account


def _token_public(token: ApiToken, account: UserAccount) -> dict:
    """What the audit log keeps of a token (never the token or its hash)."""
    return {
        "username": account.username,
        "name": token.name,
        "prefix": token.prefix,
        "revoked": token.revoked_at is not None,
    }


def issue_token(
    *,
    session: Session,
    username: str,
    name: str | None = None,
    actor: str = "cli",
    source: str = "cli",
    actor_id: int | None = None,
    remote_addr: str | None = None,
) -> str:
    """A new API token for an active account; returns the token itself, the only time it
    is shown (the database keeps its hash and its first 8 characters)."""
    account = _account(session, username)
    if not account.is_active:
        raise AccountError(
            f"Účet „{username}“ je zablokovaný: token nelze vydat",
            f"The account '{username}' is disabled: no token can be issued",
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = ApiToken(
        user_id=account.id,
        name=(name or "").strip() or None,
        token_hash=token_hash(token),
        prefix=token[:8],
    )
    session.add(row)
    session.flush()
    _audit(
        session,
        actor=actor,
        action="issue_token",
        account=account,
        before=None,
        after=_token_public(row, account),
        entity="api_token",
        entity_id=row.id,
        source=source,
        actor_id=actor_id,
        remote_addr=remote_addr,
    )
    return token


def revoke_tokens(
    *,
    session: Session,
    username: str,
    actor: str = "cli",
    source: str = "cli",
    actor_id: int | None = None,
    remote_addr: str | None = None,
) -> int:
    """Revoke every active token of the account; returns how many were revoked."""
    account = _account(session, username)
    tokens = session.exec(
        select(ApiToken)
        .where(ApiToken.user_id == account.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.id)
    ).all()
    now = utcnow()
    for row in tokens:
        before = _token_public(row, account)
        row.revoked_at = now
        session.add(row)
        session.flush()
        _audit(
            session,
            actor=actor,
            action="revoke_token",
            account=account,
            before=before,
            after=_token_public(row, account),
            entity="api_token",
            entity_id=row.id,
            source=source,
            actor_id=actor_id,
            remote_addr=remote_addr,
        )
    return len(tokens)


def user_for_token(*, session: Session, token: str) -> UserAccount | None:
    """The active account a valid (not revoked) token belongs to, else None; notes when
    the token was last used."""
    if not token:
        return None
    row = session.exec(
        select(ApiToken, UserAccount)
        .join(UserAccount, UserAccount.id == ApiToken.user_id)
        .where(
            ApiToken.token_hash == token_hash(token),
            ApiToken.revoked_at.is_(None),
            UserAccount.is_active.is_(True),
        )
    ).first()
    if row is None:
        return None
    api_token, account = row
    api_token.last_used_at = utcnow()
    session.add(api_token)
    session.flush()
    return account
