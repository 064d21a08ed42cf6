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
    status, html = _get(server.url + "/")
    assert status == 200
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
