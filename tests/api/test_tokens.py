"""Bearer tokens: issued by the real ``koordinace users token`` command, stored hashed,
revoked, refused for disabled accounts; every change audited without the secret."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from models import ApiToken, AuditEvent, UserAccount
from models.db import session_scope
from tests.api.conftest import bearer
from tests.helpers import run_cli


def _token_rows(url: str):
    with session_scope(url) as session:
        return session.execute(
            select(ApiToken, UserAccount.username)
            .join(UserAccount, UserAccount.id == ApiToken.user_id)
            .order_by(ApiToken.id)
        ).all()


def _audit(url: str) -> list[AuditEvent]:
    with session_scope(url) as session:
        return list(
            session.execute(
                select(AuditEvent).where(AuditEvent.entity == "api_token").order_by(AuditEvent.id)
            ).scalars()
        )


def test_cli_token_works_is_stored_hashed_and_revoke_makes_it_401(client, api_db_url):
    env = {"DATABASE_URL": api_db_url}
    assert client.get("/api/v1/districts").status_code == 401

    issued = run_cli("users", "token", "city", "--name", "reporting", env=env)
    token = issued.stdout.strip()
    assert len(token) >= 43 and "\n" not in token  # 32 random bytes, URL-safe base64
    assert "city" in issued.stderr and token not in issued.stderr

    answer = client.get("/api/v1/districts", headers=bearer(token))
    assert answer.status_code == 200 and answer.json["total"] == 57

    [(row, username)] = _token_rows(api_db_url)
    digest = hashlib.sha256(token.encode()).hexdigest()
    assert (username, row.name, row.prefix) == ("city", "reporting", token[:8])
    assert row.token_hash == digest and token not in row.token_hash
    assert row.last_used_at is not None and row.revoked_at is None  # noted when used

    second = run_cli("users", "token", "city", env=env).stdout.strip()
    assert second != token
    revoked = run_cli("users", "token", "city", "--revoke", env=env)
    assert "2" in revoked.stderr and revoked.stdout == ""
    for old in (token, second):
        refused = client.get("/api/v1/districts", headers=bearer(old))
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")
        assert refused.json["error"]["status"] == 401
    assert all(r.revoked_at is not None for r, _ in _token_rows(api_db_url))

    events = _audit(api_db_url)
    assert [e.action for e in events] == [
        "issue_token",
        "issue_token",
        "revoke_token",
        "revoke_token",
    ]
    assert all(e.source == "cli" and e.username == "cli" for e in events)
    logged = json.dumps([[e.before, e.after] for e in events])
    for secret in (token, second, digest, hashlib.sha256(second.encode()).hexdigest()):
        assert secret not in logged
    assert events[0].after == {
        "username": "city",
        "name": "reporting",
        "prefix": token[:8],
        "revoked": False,
    }
    assert events[2].after["revoked"] is True


def test_disabled_account_token_is_refused(client, api_db_url):
    env = {"DATABASE_URL": api_db_url}
    token = run_cli("users", "token", "district-praha-14", env=env).stdout.strip()
    assert client.get("/api/v1/projects", headers=bearer(token)).status_code == 200
    run_cli("users", "disable", "district-praha-14", env=env)
    refused = client.get("/api/v1/projects", headers=bearer(token))
    assert refused.status_code == 401 and "invalid_token" in refused.headers["WWW-Authenticate"]

    again = run_cli("users", "token", "district-praha-14", env=env, check=False)
    assert again.returncode == 1 and again.stdout == ""
    assert "zablokovaný" in again.stderr and "disabled" in again.stderr


def test_unknown_user_and_bad_headers(client, api_db_url):
    result = run_cli("users", "token", "nobody", env={"DATABASE_URL": api_db_url}, check=False)
    assert result.returncode == 1 and "nobody" in result.stderr and "Traceback" not in result.stderr
    for header in ("Bearer", "Bearer ", "Basic Y2l0eTpjaXR5", "Bearer not-a-token", "token"):
        answer = client.get("/api/v1/projects", headers={"Authorization": header})
        assert answer.status_code == 401, header
        assert answer.is_json and answer.headers["WWW-Authenticate"].startswith("Bearer")
