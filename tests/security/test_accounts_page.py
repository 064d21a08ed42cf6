"""The accounts page (/accounts), driven by crafted Dash POSTs as a browser would send
them: an administrator adds, disables and unlocks accounts and revokes API tokens, every
change audited with source "form" and the administrator as the user; bad input gets a
specific message and creates nothing; every other role is refused the page, its menu
entry and each of its writing callbacks on the server, and the callbacks refuse them
once more themselves."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from dash import no_update
from sqlalchemy import func, select, update

from models import ApiToken, AuditEvent, District, UserAccount
from models.db import session_scope
from tests.security.conftest import callback_body, login, page_module, post_callback

NEW_PASSWORD = "nove-heslo-2026"
OTHER_ROLES = ("city", "district-praha-14", "leadership")
#: the page's writing callbacks: name -> (input id, input property)
WRITES = {
    "add": ("accounts-add", "n_clicks"),
    "disable": ("accounts-disable", "submit_n_clicks"),
    "enable": ("accounts-enable", "n_clicks"),
    "unlock": ("accounts-unlock", "n_clicks"),
    "revoke": ("accounts-revoke", "submit_n_clicks"),
}


def _text(response) -> str:
    return json.dumps(response.json, ensure_ascii=False)


def _dependency(site, client, name: str) -> dict:
    ident, prop = WRITES[name]
    found = [
        d
        for d in site.dependencies(client)
        if any(i["id"] == ident and i["property"] == prop for i in d["inputs"])
    ]
    assert len(found) == 1, [d["output"] for d in found]
    return found[0]


def _add(site, client, **typed):
    form = {
        "username": "district-nova",
        "role": "district",
        "district": "Praha 14",
        "password": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "generate": False,
        **typed,
    }
    values = {("accounts-add", "n_clicks"): 1, ("accounts-changed", "data"): 0}
    values.update({(f"accounts-{name}", "value"): value for name, value in form.items()})
    body = callback_body(_dependency(site, client, "add"), values, "accounts-add.n_clicks")
    return post_callback(client, body)


def _act(site, client, name: str, username: str):
    ident, prop = WRITES[name]
    values = {
        (ident, prop): 1,
        ("accounts-grid", "selectedRows"): [{"username": username}],
        ("accounts-changed", "data"): 0,
    }
    body = callback_body(_dependency(site, client, name), values, f"{ident}.{prop}")
    return post_callback(client, body)


def _account(username: str) -> UserAccount | None:
    with session_scope() as s:
        return s.scalars(select(UserAccount).where(UserAccount.username == username)).first()


def _last_event() -> AuditEvent:
    with session_scope() as s:
        return s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()


def _state() -> dict:
    """Everything the page could change: accounts, tokens and the audit log."""
    with session_scope() as s:
        accounts = s.execute(
            select(
                UserAccount.username,
                UserAccount.role,
                UserAccount.district_id,
                UserAccount.is_active,
                UserAccount.failed_logins,
                UserAccount.locked_until,
            ).order_by(UserAccount.username)
        ).all()
        tokens = s.execute(select(ApiToken.id, ApiToken.revoked_at).order_by(ApiToken.id)).all()
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    return {"accounts": [tuple(a) for a in accounts], "tokens": tokens, "events": events}


def _lock(username: str) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=15)
    with session_scope() as s:
        s.execute(
            update(UserAccount)
            .where(UserAccount.username == username)
            .values(failed_logins=5, locked_until=later)
        )


def _target() -> str:
    """An account with something to change: active, locked, with an API token."""
    from koordinace.accounts import add_user, issue_token

    with session_scope() as s:
        add_user(session=s, username="target", role="city", password=NEW_PASSWORD)
        issue_token(session=s, username="target", name="test")
    _lock("target")
    return "target"


def _find(node, ident: str):
    """The props of the component with ``ident`` in a callback answer (JSON)."""
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == ident:
            return node["props"]
        for value in node.values():
            found = _find(value, ident)
            if found is not None:
                return found
    elif isinstance(node, list):
        for value in node:
            found = _find(value, ident)
            if found is not None:
                return found
    return None


# ------------------------------------------------------------------ the administrator


def test_admin_adds_a_district_account_who_can_then_sign_in(site):
    admin = site.client("admin")
    response = _add(site, admin)
    assert response.status_code == 200, response.text
    assert "accounts-success" in _text(response)
    assert "Účet „district-nova“ vytvořen (koordinátor MČ, Praha 14)" in _text(response)
    data = response.json["response"]
    assert {data[f"accounts-{f}"]["value"] for f in ("username", "password", "password2")} == {""}

    assert login(site.client(), "district-nova", NEW_PASSWORD).status_code == 302
    newcomer = site.client("district-nova", NEW_PASSWORD)
    assert newcomer.get("/entry").status_code == 200
    assert newcomer.get("/accounts").status_code == 403

    created = _account("district-nova")
    with session_scope() as s:
        praha14 = s.scalars(select(District).where(District.slug == "praha-14")).one()
        event = s.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "create", AuditEvent.entity_id == created.id
            )
        ).one()
    assert (created.role, created.district_id, created.is_active) == ("district", praha14.id, True)
    assert (event.entity, event.source, event.username, event.user_id) == (
        "user_account",
        "form",
        "admin",
        _account("admin").id,
    )
    assert event.remote_addr == "127.0.0.1"
    assert event.after["username"] == "district-nova" and "password_hash" not in event.after


def test_a_generated_password_is_shown_once_and_works(site):
    admin = site.client("admin")
    response = _add(
        site,
        admin,
        username="mesto-nove",
        role="city",
        district="",
        password="",
        password2="",
        generate=True,
    )
    assert response.status_code == 200, response.text
    shown = _find(response.json["response"], "accounts-new")["children"]
    assert len(shown) >= 16
    assert login(site.client(), "mesto-nove", shown).status_code == 302
    assert _account("mesto-nove").district_id is None
    assert shown not in json.dumps(_last_event().after)  # the audit log never keeps it


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"password": "kratke", "password2": "kratke"}, "Heslo musí mít alespoň 10 znaků"),
        ({"password2": "jine-heslo-2026"}, "Hesla se neshodují"),
        ({"district": ""}, "Koordinátor MČ potřebuje městskou část"),
        ({"username": "city", "role": "city", "district": ""}, "Uživatel „city“ už existuje"),
        ({"username": "  "}, "Uživatelské jméno chybí"),
        ({"district": "Praha 99"}, "Neznámá městská část „Praha 99“"),
        ({"role": "mayor"}, "Neznámá role „mayor“"),
    ],
)
def test_bad_input_gets_a_specific_message_and_creates_nothing(site, typed, message):
    admin = site.client("admin")
    before = _state()
    response = _add(site, admin, **typed)
    assert response.status_code == 200, response.text
    assert "Účet nebyl vytvořen" in _text(response) and message in _text(response)
    assert "accounts-success" not in _text(response)
    assert "accounts-changed" not in response.json["response"]  # the list is not reloaded
    assert _state() == before


def test_messages_follow_the_language(site):
    admin = site.client("admin")
    admin.set_cookie("lang", "en")
    response = _add(site, admin, password2="jine-heslo-2026")
    assert "The passwords do not match" in _text(response)
    response = _add(site, admin, username="city", role="city", district="")
    assert "User 'city' already exists" in _text(response)


def test_admin_disables_an_account_and_its_session_is_refused_at_once(site):
    coordinator = site.client("district-praha-14")
    assert coordinator.get("/entry").status_code == 200
    admin = site.client("admin")
    response = _act(site, admin, "disable", "district-praha-14")
    assert response.status_code == 200, response.text
    assert "je zablokovaný" in _text(response) and "accounts-success" in _text(response)
    assert coordinator.get("/entry").status_code == 302  # signed out: back to /login
    assert login(site.client(), "district-praha-14").status_code == 200  # refused form
    event = _last_event()
    assert (event.action, event.source, event.username) == ("disable", "form", "admin")
    assert (event.before["is_active"], event.after["is_active"]) == (True, False)
    again = _act(site, admin, "disable", "district-praha-14")
    assert "už je zablokovaný" in _text(again)
    # A disable can be undone: the account signs in again with its old password.
    enabled = _act(site, admin, "enable", "district-praha-14")
    assert "je znovu povolený" in _text(enabled)
    event = _last_event()
    assert (event.action, event.before["is_active"], event.after["is_active"]) == (
        "enable",
        False,
        True,
    )
    assert login(site.client(), "district-praha-14").status_code == 302


def test_admin_cannot_disable_their_own_account(site):
    admin = site.client("admin")
    before = _state()
    response = _act(site, admin, "disable", "admin")
    assert "Svůj vlastní účet zablokovat nemůžete" in _text(response)
    assert _state() == before
    assert admin.get("/accounts").status_code == 200


def test_admin_unlocks_a_locked_account(site):
    _lock("city")
    refused = login(site.client(), "city")
    assert refused.status_code == 200 and "zablokován" in refused.text
    admin = site.client("admin")
    response = _act(site, admin, "unlock", "city")
    assert response.status_code == 200, response.text
    assert "je odemčený" in _text(response)
    unlocked = _account("city")
    assert (unlocked.failed_logins, unlocked.locked_until) == (0, None)
    event = _last_event()
    assert (event.action, event.source, event.username) == ("unlock", "form", "admin")
    assert event.before["failed_logins"] == 5 and event.after["failed_logins"] == 0
    assert login(site.client(), "city").status_code == 302
    nothing = _act(site, admin, "unlock", "leadership")
    assert "není zablokovaný" in _text(nothing)


def test_admin_revokes_an_accounts_api_tokens(site):
    target = _target()
    admin = site.client("admin")
    response = _act(site, admin, "revoke", target)
    assert response.status_code == 200, response.text
    assert "Zneplatněné API tokeny účtu „target“: 1" in _text(response)
    with session_scope() as s:
        assert s.scalars(select(ApiToken).where(ApiToken.revoked_at.is_(None))).all() == []
    event = _last_event()
    assert (event.action, event.entity, event.source, event.username) == (
        "revoke_token",
        "api_token",
        "form",
        "admin",
    )
    none_left = _act(site, admin, "revoke", target)
    assert "nemá žádné platné API tokeny" in _text(none_left)


def test_the_list_shows_every_account_in_czech(site):
    _target()
    admin = site.client("admin")
    grid = next(d for d in site.dependencies(admin) if d["output"] == "accounts-grid.rowData")
    body = callback_body(grid, {("accounts-changed", "data"): 0}, "accounts-changed.data")
    rows = {
        r["username"]: r
        for r in post_callback(admin, body).json["response"]["accounts-grid"]["rowData"]
    }
    assert {"admin", "city", "leadership", "district-praha-14", "target"} <= set(rows)
    assert rows["district-praha-14"]["role"] == "koordinátor MČ"
    assert rows["district-praha-14"]["district"] == "Praha 14"
    assert rows["admin"]["active"] == "ano"
    assert rows["target"]["tokens"] == 1
    assert rows["target"]["failed"].startswith("5 · zamčeno do ")
    assert rows["target"]["last_login"] == "nikdy"
    assert rows["admin"]["last_login"] != "nikdy"  # signed in just now (Prague time)


# ------------------------------------------------------------------ every other role


@pytest.mark.parametrize("username", OTHER_ROLES)
def test_other_roles_are_refused_the_page_and_each_writing_callback(site, username):
    target = _target()
    client = site.client(username)
    assert client.get("/accounts").status_code == 403
    before = _state()
    answers = {
        "add": _add(site, client, username="vetrelec", role="admin", district=""),
        **{name: _act(site, client, name, target) for name in ("disable", "unlock", "revoke")},
    }
    for name, response in answers.items():
        assert response.status_code == 403, (name, response.text)
        assert "role" in response.json["error"]
    assert _state() == before
    assert _account("vetrelec") is None


def test_only_admin_opens_the_page_and_sees_it_in_the_menu(site):
    for username in ("admin", *OTHER_ROLES):
        client = site.client(username)
        allowed = username == "admin"
        assert client.get("/accounts").status_code == (200 if allowed else 403), username
        layout = json.dumps(client.get("/_dash-layout").json, ensure_ascii=False)
        assert ('"/accounts"' in layout) == allowed, username
        assert ('"Účty"' in layout) == allowed, username


def test_the_writing_callbacks_check_the_role_themselves(site, dash_app):
    """Defence in depth: called past the guard (as plain functions, signed in as city),
    each writing callback refuses and changes nothing."""
    from flask_login import login_user

    from dashboard.auth import user_from_account

    page = page_module("accounts")
    target = _target()
    city = _account("city")
    before = _state()
    with dash_app.server.test_request_context("/_dash-update-component", method="POST"):
        login_user(user_from_account(city))
        answers = [
            page.add_account(1, "vetrelec", "admin", "", NEW_PASSWORD, NEW_PASSWORD, False, 0),
            page.disable_account(1, [{"username": target}], 0),
            page.unlock_account(1, [{"username": target}], 0),
            page.revoke_account_tokens(1, [{"username": target}], 0),
        ]
        rows = page.load_accounts(0)
    for answer in answers:
        assert "Účty smí spravovat jen správce" in str(answer[0])
        assert all(value is no_update for value in answer[1:])
    assert rows == []
    assert _state() == before
