"""The app served by gunicorn, as `koordinace serve` runs it."""

import json
import urllib.error
import urllib.request

import pytest

from tests.helpers import Server


@pytest.fixture
def server(db_url):
    with Server(db_url, workers=2) as srv:
        yield srv


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read().decode()


def test_healthz_answers_when_the_database_does(server):
    status, body = _get(server.url + "/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"


def test_page_is_served_with_local_assets_only(server):
    status, html = _get(server.url + "/")  # signing in first: the login page
    assert status == 200 and 'id="login-form"' in html
    assert "vendor/bootstrap.min.css" in html
    # Offline: nothing is loaded from another host.
    for marker in ("cdn.", "unpkg.com", "fonts.googleapis", "cdnjs"):
        assert marker not in html


def test_healthz_fails_when_the_database_is_gone(tmp_path):
    missing = tmp_path / "nope" / "dir-is-a-file"
    (tmp_path / "nope").write_text("not a directory")
    with (
        Server(f"sqlite:///{missing}", workers=1) as srv,
        pytest.raises(urllib.error.HTTPError) as exc,
    ):
        _get(srv.url + "/healthz")
    exc.value.close()
    assert exc.value.code == 503


def test_serve_creates_no_accounts_and_secure_cookies_are_a_setting(db_url):
    from sqlalchemy import func, select

    from models import UserAccount
    from models.db import session_scope
    from tests.helpers import add_demo_accounts

    with Server(db_url, workers=1):
        pass
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(UserAccount)) == 0
    add_demo_accounts(db_url)
    with Server(db_url, workers=1, extra_env={"KOORDINACE_SECURE_COOKIES": "1"}) as srv:
        cookie = _login_cookie(srv.url)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def _login_cookie(base: str) -> str:
    """Sign in as the city coordinator over HTTP; the session cookie's Set-Cookie header."""
    import http.cookiejar
    import re
    import urllib.parse

    from tests.helpers import DEMO_PASSWORD

    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    with opener.open(base + "/login", timeout=10) as r:
        token = re.search(r'name="csrf_token" value="([^"]+)"', r.read().decode()).group(1)
    # The session cookie is Secure: the client would not send it back over http, so
    # hand it over explicitly, as a browser behind the HTTPS proxy would.
    session = "; ".join(f"{c.name}={c.value}" for c in jar)
    data = urllib.parse.urlencode(
        {"username": "city", "password": DEMO_PASSWORD, "csrf_token": token}
    ).encode()
    request = urllib.request.Request(base + "/login", data=data, headers={"Cookie": session})
    with pytest.raises(urllib.error.HTTPError) as redirected:
        opener.open(request, timeout=10)
    redirected.value.close()
    assert redirected.value.code == 302
    return next(
        h for h in redirected.value.headers.get_all("Set-Cookie") if "koordinace_session" in h
    )


def test_serve_refuses_a_database_behind_the_code(tmp_path):
    from models.db import dispose, upgrade
    from tests.helpers import run_cli

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "fc63990cfe48")  # before the API tokens table
    dispose(url)
    refused = run_cli("serve", "--port", "1", env={"DATABASE_URL": url}, check=False)
    assert refused.returncode == 1
    assert "koordinace db upgrade" in refused.stderr and "fc63990cfe48" in refused.stderr
