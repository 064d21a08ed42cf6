"""Security tests drive the real Flask/Dash app through its HTTP interface (sign-in form,
Dash callback POSTs) on the sample database, on both backends."""

from __future__ import annotations

import json
import re
import sys

import pytest

from tests.helpers import DEMO_PASSWORD, add_demo_accounts

ORIGIN = "http://localhost"


@pytest.fixture(scope="session")
def dash_app():
    from dashboard.app import create_app

    return create_app()


@pytest.fixture
def site(sample_db, dash_app):
    """The app on a fresh sample database with the demo accounts."""
    add_demo_accounts(sample_db)
    return Site(dash_app, sample_db)


class Site:
    def __init__(self, app, url: str):
        self.app = app
        self.url = url
        self._deps = None

    def client(self, username: str | None = None, password: str = DEMO_PASSWORD):
        client = self.app.server.test_client()
        if username is not None:
            response = login(client, username, password)
            assert response.status_code == 302, response.text
        return client

    def dependencies(self, client) -> list[dict]:
        if self._deps is None:
            self._deps = client.get("/_dash-dependencies").json
        return self._deps

    def dependency(self, client, *needles: str) -> dict:
        found = [d for d in self.dependencies(client) if all(n in d["output"] for n in needles)]
        assert len(found) == 1, [d["output"] for d in found]
        return found[0]


def csrf_token(client, path: str = "/login") -> str:
    page = client.get(path).text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(client, username: str, password: str = DEMO_PASSWORD):
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
    )


def page_module(name: str):
    return sys.modules[f"pages.{name}"]


def _concrete(spec: dict, values: dict, form_fields: dict):
    """One input/state/output entry of a callback request. Pattern ids (``{"type":
    ..., "form": F, "field": ["ALL"]}``) expand to one entry per field of form F in
    ``form_fields`` (field -> value)."""
    ident, prop = spec["id"], spec["property"]
    if not ident.startswith("{"):
        entry = {"id": ident, "property": prop}
        if (ident, prop) in values:
            entry["value"] = values[(ident, prop)]
        return entry
    pattern = json.loads(ident)
    items = []
    for name, value in form_fields.items():
        concrete = {**pattern, "field": name}
        item = {"id": concrete, "property": prop}
        item["value"] = concrete if prop == "id" else value
        items.append(item)
    return items


def callback_body(dep: dict, values: dict, changed: str, form_fields: dict | None = None):
    """A Dash callback request as the browser would send it."""
    form_fields = form_fields or {}
    outputs = []
    for part in dep["output"].strip(".").split("..."):
        ident, prop = part.rsplit(".", 1)
        entry = _concrete({"id": ident, "property": prop}, {}, form_fields)
        if isinstance(entry, list):
            entry = [{k: v for k, v in e.items() if k != "value"} for e in entry]
        outputs.append(entry)
    return {
        "output": dep["output"],
        "outputs": outputs if dep["output"].startswith("..") else outputs[0],
        "inputs": [_concrete(i, values, form_fields) for i in dep["inputs"]],
        "state": [_concrete(s, values, form_fields) for s in dep["state"]],
        "changedPropIds": [changed],
    }


def form_fields(form: str, typed: dict) -> dict:
    """Every field of an entry form, with the ``typed`` values (others empty)."""
    names = page_module("entry").FORMS[form][1]
    return {name: typed.get(name) for name in names}


def post_callback(client, body: dict, origin: str | None = ORIGIN):
    headers = {"Origin": origin} if origin else {}
    return client.post("/_dash-update-component", json=body, headers=headers)
