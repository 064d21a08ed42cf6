"""Who may open what: sign-in required everywhere but /login and /healthz; the role ×
page matrix on the server (URL, page content and the page's callbacks) and in the menu;
CSRF on forms; the origin check on Dash POSTs; throttling and lockout; sign-out."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from models import AuditEvent, UserAccount
from models.db import session_scope
from tests.helpers import DEMO_PASSWORD
from tests.security.conftest import callback_body, csrf_token, login, post_callback

ALL_ROLES = ("admin", "city", "leadership", "district-praha-14")
PAGES = {
    "/": ALL_ROLES,
    "/districts/praha-14": ALL_ROLES,
    "/progress": ("admin", "city", "district-praha-14"),
    "/engagement": ("admin", "city", "district-praha-14"),
    "/tools": ("admin", "city", "district-praha-14"),
    "/data-quality": ("admin", "city", "district-praha-14"),
    "/entry": ("admin", "city", "district-praha-14"),
    "/audit": ("admin", "city"),
}
NAV = {p for p in PAGES if "<" not in p and not p.startswith("/districts/")}


def test_without_signing_in_only_login_and_health_answer(site):
    client = site.client()
    for path in [*PAGES, "/export/projects.csv", "/nonexistent"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == f"/login?next={path}"
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/_dash-dependencies").status_code == 401
    refused = client.post(
        "/_dash-update-component", json={}, headers={"Origin": "http://localhost"}
    )
    assert refused.status_code == 401
    assert client.get("/healthz").status_code == 200
    login_page = client.get("/login")
    assert login_page.status_code == 200 and "Přihlásit se" in login_page.text


@pytest.mark.parametrize("username", ALL_ROLES)
def test_role_page_matrix_on_the_server_and_in_the_menu(site, username):
    client = site.client(username)
    for path, allowed in PAGES.items():
        status = client.get(path).status_code
        assert status == (200 if username in allowed else 403), (username, path, status)
        # The page content comes through Dash's router callback: refused there too.
        dep = site.dependency(client, "_pages_content")
        body = callback_body(
            dep,
            {("_pages_location", "pathname"): path, ("_pages_location", "search"): ""},
            "_pages_location.pathname",
        )
        content = post_callback(client, body)
        assert content.status_code == 200
        assert ('"id":"forbidden"' in content.text.replace(" ", "")) == (username not in allowed)
    hrefs = set(_hrefs(client.get("/_dash-layout").json))
    expected = {p for p in NAV if username in PAGES[p]}
    assert hrefs & NAV == expected
    assert "/export/projects.xlsx" in hrefs  # every role may download the data


def test_a_page_callback_is_refused_to_a_role_that_may_not_see_the_page(site):
    leadership = site.client("leadership")
    dep = site.dependency(leadership, "tools-matrix")
    body = callback_body(dep, {}, dep["inputs"][0]["id"] + "." + dep["inputs"][0]["property"])
    refused = post_callback(leadership, body)
    assert refused.status_code == 403
    assert "role" in refused.json["error"]
    city = site.client("city")
    assert post_callback(city, body).status_code == 200


def test_dash_posts_must_come_from_the_apps_own_origin(site):
    client = site.client("city")
    dep = site.dependency(client, "overview-kpis")
    body = callback_body(dep, {}, dep["inputs"][0]["id"] + "." + dep["inputs"][0]["property"])
    assert post_callback(client, body).status_code == 200
    assert post_callback(client, body, origin="http://evil.example").status_code == 403
    assert post_callback(client, body, origin=None).status_code == 403
    via_referer = client.post(
        "/_dash-update-component", json=body, headers={"Referer": "http://localhost/progress"}
    )
    assert via_referer.status_code == 200


def test_forms_need_the_csrf_token(site):
    client = site.client()
    no_token = client.post("/login", data={"username": "city", "password": DEMO_PASSWORD})
    assert no_token.status_code == 400 and "CSRF" in no_token.text
    forged = client.post(
        "/login", data={"username": "city", "password": DEMO_PASSWORD, "csrf_token": "forged"}
    )
    assert forged.status_code == 400
    signed_in = site.client("city")
    assert signed_in.post("/logout").status_code == 400  # a cross-site sign-out is refused
    assert signed_in.get("/progress").status_code == 200


def test_sign_out_ends_the_session(site):
    client = site.client("city")
    token = csrf_token(client, "/login")
    out = client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 302 and out.headers["Location"] == "/login"
    assert client.get("/progress").status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(site):
    client = site.client()
    response = login(client, "city")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if "koordinace_session" in h)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the Secure flag is a setting, tested under gunicorn


def test_after_sign_in_only_a_local_next_is_followed(site):
    client = site.client()
    for target, expected in [
        ("/tools?kind=survey", "/tools?kind=survey"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ]:
        token = csrf_token(client)
        response = client.post(
            "/login",
            data={
                "username": "city",
                "password": DEMO_PASSWORD,
                "csrf_token": token,
                "next": target,
            },
        )
        assert response.headers["Location"] == expected, target


def test_wrong_passwords_slow_down_then_lock_the_account(site):
    client = site.client()
    messages = []
    for _ in range(3):
        response = login(client, "district-praha-14", "wrong password!")
        messages.append((response.status_code, "Nesprávné" in response.text))
    assert messages == [(200, True)] * 3
    # After three failures the next attempt must wait, even with the right password.
    throttled = login(client, "district-praha-14")
    assert throttled.status_code == 200 and "zkuste to znovu za" in throttled.text
    # Let the waits pass (as time would) and fail twice more: locked for 15 minutes.
    for _ in range(2):
        _expire_lock("district-praha-14")
        assert "Nesprávné" in login(client, "district-praha-14", "wrong password!").text
    locked = login(client, "district-praha-14")
    assert locked.status_code == 200 and "zablokován" in locked.text
    with session_scope() as s:
        account = s.scalars(
            select(UserAccount).where(UserAccount.username == "district-praha-14")
        ).one()
        lock_events = s.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "lock", AuditEvent.username == "district-praha-14"
            )
        ).all()
    assert account.failed_logins == 5 and len(lock_events) == 1
    remaining = _aware(account.locked_until) - dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=14) < remaining <= dt.timedelta(minutes=15)
    # Another account is not affected; when the lock ends the right password works.
    assert login(site.client(), "city").status_code == 302
    _expire_lock("district-praha-14")
    assert login(client, "district-praha-14").status_code == 302
    with session_scope() as s:
        account = s.scalars(
            select(UserAccount).where(UserAccount.username == "district-praha-14")
        ).one()
    assert account.failed_logins == 0 and account.locked_until is None


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(site):
    client = site.client()
    unknown = login(client, "nobody-here", "whatever password")
    wrong = login(client, "city", "whatever password")
    assert unknown.status_code == wrong.status_code == 200
    assert _error(unknown.text) == _error(wrong.text)


def test_a_disabled_account_is_signed_out_at_once(site):
    from koordinace.accounts import disable_user

    client = site.client("district-praha-14")
    assert client.get("/entry").status_code == 200
    with session_scope() as s:
        disable_user(session=s, username="district-praha-14")
    assert client.get("/entry").status_code == 302
    assert "Nesprávné" in login(site.client(), "district-praha-14").text


def _hrefs(node):
    """Every ``href`` in a Dash layout (JSON)."""
    if isinstance(node, dict):
        if isinstance(node.get("href"), str):
            yield node["href"]
        for value in node.values():
            yield from _hrefs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _hrefs(value)


def _error(page: str) -> str:
    return re.search(r'id="login-error">([^<]*)<', page).group(1)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _expire_lock(username: str) -> None:
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with session_scope() as s:
        s.execute(
            update(UserAccount).where(UserAccount.username == username).values(locked_until=past)
        )


def test_every_role_downloads_the_data_leadership_not_the_rejected_rows(site):
    import io

    import openpyxl

    leadership = site.client("leadership")
    xlsx = leadership.get("/export/projects.xlsx")
    assert xlsx.status_code == 200
    assert "attachment" in xlsx.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.max_row == 301  # header + the sample's 300 processes
    csv = leadership.get("/export/activities.csv")
    assert csv.status_code == 200 and csv.text.startswith("district_code,")
    assert leadership.get("/export/rejected.csv").status_code == 403
    assert site.client("district-praha-14").get("/export/rejected.csv").status_code == 200
    assert leadership.get("/export/secrets.csv").status_code == 404
