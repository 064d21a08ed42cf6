"""Accounts: argon2 hashes, roles bound to districts, audit of every change; the CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from koordinace.accounts import AccountError, add_user, disable_user, list_users, verify_password
from models import AuditEvent, District, UserAccount
from models.db import session_scope
from tests.helpers import run_cli


def test_accounts_are_hashed_bound_and_audited(db_url):
    with session_scope(db_url) as s:
        add_user(session=s, username="city", role="city", password="correct horse 1")
        add_user(
            session=s,
            username="district-praha-14",
            role="district",
            password="battery staple",
            district="praha-14",
        )
    with session_scope(db_url) as s:
        city = s.scalars(select(UserAccount).where(UserAccount.username == "city")).one()
        coordinator = s.scalars(
            select(UserAccount).where(UserAccount.username == "district-praha-14")
        ).one()
        district = s.get(District, coordinator.district_id)
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert city.password_hash.startswith("$argon2id$") and "correct" not in city.password_hash
    assert verify_password(city.password_hash, "correct horse 1")
    assert not verify_password(city.password_hash, "correct horse 2")
    assert not verify_password("not a hash", "correct horse 1")
    assert district.name == "Praha 14"
    assert [(e.action, e.entity, e.after["username"]) for e in events] == [
        ("create", "user_account", "city"),
        ("create", "user_account", "district-praha-14"),
    ]
    assert all("password_hash" not in (e.after or {}) for e in events)

    with session_scope(db_url) as s:
        disable_user(session=s, username="city")
        listed = {a.username: a for a in list_users(session=s)}
    assert listed["city"].is_active is False
    assert listed["district-praha-14"].district == "Praha 14"
    with session_scope(db_url) as s:
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (last.action, last.before["is_active"], last.after["is_active"]) == (
        "disable",
        True,
        False,
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "mayor"}, "Unknown role 'mayor'"),
        ({"role": "district"}, "Role district needs --district"),
        ({"role": "city", "district": "praha-1"}, "other roles must not have one"),
        ({"role": "district", "district": "Praha 99"}, "Unknown district 'Praha 99'"),
        ({"role": "city", "password": "short"}, "at least 10 characters"),
        ({"role": "city", "username": "  "}, "The username is missing"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_written(db_url, kwargs, message):
    args = {"username": "x", "password": "long enough pw", **kwargs}
    with pytest.raises(AccountError, match=message), session_scope(db_url) as s:
        add_user(session=s, **args)
    with session_scope(db_url) as s:
        assert s.scalars(select(UserAccount)).all() == []
        assert s.scalars(select(AuditEvent)).all() == []


def test_users_cli(db_url):
    env = {"DATABASE_URL": db_url}
    run_cli(
        "users", "add", "district-lipence", "--role", "district", "--district", "Lipence",
        "--password-stdin", env=env, input="a long password\n",
    )  # fmt: skip
    again = run_cli(
        "users", "add", "district-lipence", "--role", "district", "--district", "Lipence",
        "--password-stdin", env=env, input="a long password\n", check=False,
    )  # fmt: skip
    assert again.returncode == 1 and "already exists" in again.stderr
    assert "Traceback" not in again.stderr
    listed = run_cli("users", "list", env=env).stderr
    assert "district-lipence" in listed and "Praha-Lipence" in listed
    run_cli("users", "disable", "district-lipence", env=env)
    assert "│ ne" in run_cli("users", "list", env=env).stderr
    missing = run_cli("users", "disable", "nobody", env=env, check=False)
    assert missing.returncode == 1 and "No user 'nobody'" in missing.stderr


def test_cli_disable_enable_and_unlock(db_url):
    import datetime as dt

    from sqlalchemy import update

    env = {"DATABASE_URL": db_url}
    run_cli(
        "users",
        "add",
        "jana",
        "--role",
        "city",
        "--password-stdin",
        env=env,
        input="dlouhe heslo 1\n",
    )
    run_cli("users", "disable", "jana", env=env)
    again = run_cli("users", "disable", "jana", env=env, check=False)
    assert again.returncode == 1 and "už je zablokovaný" in again.stderr
    run_cli("users", "enable", "jana", env=env)
    with session_scope(db_url) as s:
        s.execute(
            update(UserAccount)
            .where(UserAccount.username == "jana")
            .values(failed_logins=5, locked_until=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=9))
        )
    run_cli("users", "unlock", "jana", env=env)
    not_locked = run_cli("users", "unlock", "jana", env=env, check=False)
    assert not_locked.returncode == 1
    with session_scope(db_url) as s:
        jana = s.scalars(select(UserAccount).where(UserAccount.username == "jana")).one()
        actions = s.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity == "user_account")
            .order_by(AuditEvent.id)
        ).all()
    assert jana.is_active and jana.failed_logins == 0 and jana.locked_until is None
    assert actions[-4:] == ["create", "disable", "enable", "unlock"]
