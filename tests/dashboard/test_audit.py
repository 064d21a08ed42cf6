"""Záznam změn / Audit log: the queries (filters, paging and counts in SQL, on SQLite and
PostgreSQL) over events made by real writes (accounts, the ETL) and a few inserted ones
for the edges; the before → after diff; the page's layout and callbacks as plain
functions; read only."""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys

import pytest
from flask import Flask
from sqlalchemy import delete, func, select

from dashboard.i18n import NBSP
from dashboard.queries import audit as q
from dashboard.queries.audit import AuditFilters
from koordinace.accounts import add_user, disable_user
from models import AuditEvent, District
from models.db import session_scope, use_database

PRAHA_14 = 547361
PASSWORD = "heslo-na-test-123"


def _accounts(url: str) -> None:
    """Three real account changes: two creations (one bound to Praha 14), one disable."""
    with session_scope(url) as s:
        add_user(session=s, username="marie", role="city", password=PASSWORD, actor="admin")
    with session_scope(url) as s:
        add_user(
            session=s,
            username="petr",
            role="district",
            password=PASSWORD,
            district="Praha 14",
            actor="admin",
        )
    with session_scope(url) as s:
        disable_user(session=s, username="petr", actor="root")


def _insert(url: str, *events: dict) -> None:
    with session_scope(url) as s:
        for values in events:
            s.add(AuditEvent(**{"entity": "project", "source": "form", **values}))


def _district_id(url: str, code: int) -> int:
    with session_scope(url) as s:
        return s.execute(select(District.id).where(District.code == code)).scalar_one()


def _event_count(url: str) -> int:
    with session_scope(url) as s:
        return s.execute(select(func.count(AuditEvent.id))).scalar_one()


@pytest.fixture
def logged(sample_db):
    """The sample database's import event plus three account changes. (The demo
    accounts' creation events are dropped from this copy to keep the lists short.)"""
    with session_scope(sample_db) as s:
        s.execute(delete(AuditEvent).where(AuditEvent.entity == "user_account"))
    _accounts(sample_db)
    return sample_db


# ------------------------------------------------------------------ queries


def test_events_list_real_writes_newest_first_with_their_district(logged):
    frame = q.events(AuditFilters())
    assert frame["action"].tolist() == ["disable", "create", "create", "import"]
    assert frame["username"].tolist() == ["root", "admin", "admin", "demo"]
    assert frame["entity"].tolist() == ["user_account"] * 3 + ["import_run"]
    assert frame["source"].tolist() == ["cli", "cli", "cli", "import"]
    assert frame["district"].tolist()[:2] == ["Praha 14", "Praha 14"]
    assert frame["district"].isna().tolist()[2:] == [True, True]
    assert frame["import_run_id"].notna().tolist() == [False, False, False, True]
    assert list(frame.columns) == q.EVENT_COLUMNS
    # Prague local time, aware, in order
    assert all(
        at.tzinfo is not None and at.utcoffset() >= dt.timedelta(hours=1) for at in frame["at"]
    )
    assert frame["at"].tolist() == sorted(frame["at"], reverse=True)
    assert q.count(AuditFilters()) == 4


@pytest.mark.parametrize(
    ("filters", "actions"),
    [
        (AuditFilters(actions=("create",)), ["create", "create"]),
        (AuditFilters(actions=("import", "disable")), ["disable", "import"]),
        (AuditFilters(entities=("import_run",)), ["import"]),
        (AuditFilters(users=("root",)), ["disable"]),
        (AuditFilters(users=("admin", "demo")), ["create", "create", "import"]),
        (AuditFilters(sources=("import",)), ["import"]),
        (AuditFilters(districts=(PRAHA_14,)), ["disable", "create"]),
        (AuditFilters(districts=(500054,)), []),
        (AuditFilters(actions=("create",), districts=(PRAHA_14,)), ["create"]),
        (AuditFilters(users=("nobody",)), []),
    ],
)
def test_each_filter_narrows_in_sql_and_the_count_agrees(logged, filters, actions):
    frame = q.events(filters)
    assert frame["action"].tolist() == actions
    assert q.count(filters) == len(actions)


def test_the_period_is_whole_days_in_prague_time(db_url):
    # 15 Mar 2026 22:59 UTC = 23:59 in Prague (CET); 23:30 UTC = 16 Mar 00:30 in Prague.
    # 31 Mar 21:59 UTC = 23:59 in Prague (CEST, summer time).
    _insert(
        db_url,
        {"at": dt.datetime(2026, 3, 15, 22, 59, tzinfo=dt.UTC), "action": "a-15th"},
        {"at": dt.datetime(2026, 3, 15, 23, 30, tzinfo=dt.UTC), "action": "b-16th"},
        {"at": dt.datetime(2026, 3, 31, 21, 59, tzinfo=dt.UTC), "action": "c-31st"},
        {"at": dt.datetime(2026, 3, 31, 22, 1, tzinfo=dt.UTC), "action": "d-1st-april"},
    )
    with use_database(db_url):

        def actions(**period):
            return q.events(AuditFilters(**period))["action"].tolist()

        assert actions(start=dt.date(2026, 3, 16)) == ["d-1st-april", "c-31st", "b-16th"]
        assert actions(end=dt.date(2026, 3, 15)) == ["a-15th"]
        assert actions(start=dt.date(2026, 3, 16), end=dt.date(2026, 3, 31)) == [
            "c-31st",
            "b-16th",
        ]
        assert actions(start=dt.date(2026, 4, 1)) == ["d-1st-april"]
        assert q.count(AuditFilters(end=dt.date(2026, 3, 31))) == 3
        first = q.events(AuditFilters())["at"].iloc[-1]
        assert (first.day, first.hour, first.minute) == (15, 23, 59)


def test_only_the_newest_are_listed_but_all_are_counted(db_url):
    start = dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC)
    _insert(
        db_url,
        *({"at": start + dt.timedelta(minutes=i), "action": f"n{i}"} for i in range(7)),
    )
    with use_database(db_url):
        frame = q.events(AuditFilters(), limit=5)
        assert frame["action"].tolist() == ["n6", "n5", "n4", "n3", "n2"]
        assert q.count(AuditFilters()) == 7


def test_one_event_with_before_and_after(logged):
    newest = q.events(AuditFilters(actions=("disable",)))
    found = q.event(int(newest["id"].iloc[0]))
    assert found["username"] == "root" and found["district"] == "Praha 14"
    assert found["district_code"] == PRAHA_14
    assert found["before"]["is_active"] is True and found["after"]["is_active"] is False
    assert found["before"]["username"] == "petr"
    assert "password_hash" not in found["after"]
    assert found["at"].tzinfo is not None
    imported = q.event(int(q.events(AuditFilters(actions=("import",)))["id"].iloc[0]))
    assert imported["before"] is None and "records" in imported["after"]
    assert q.event(999_999) is None


def test_choices_are_the_values_in_the_log(logged):
    assert q.choices() == {
        "users": ["admin", "demo", "root"],
        "actions": ["create", "disable", "import"],
        "entities": ["import_run", "user_account"],
        "sources": ["cli", "import"],
    }


def test_the_query_functions_never_write(logged):
    before = _event_count(logged)
    q.events(AuditFilters())
    q.count(AuditFilters(actions=("create",)))
    q.event(1)
    q.choices()
    assert _event_count(logged) == before


# ------------------------------------------------------------------ filters ⇄ URL


def test_filters_round_trip_through_the_url():
    f = AuditFilters(
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 31),
        users=("admin", "jan novák"),
        actions=("create", "import"),
        entities=("project",),
        districts=(500054, PRAHA_14),
        sources=("form",),
    )
    query = f.to_query()
    assert query.startswith("?from=2026-03-01&to=2026-03-31&user=admin&user=jan+nov")
    assert "action=create&action=import" in query
    assert AuditFilters.from_query(query) == f
    # Dash passes a single value as a string, a repeated one as a list.
    assert AuditFilters.from_args({"action": "create", "district": ["500054", "x"]}) == (
        AuditFilters(actions=("create",), districts=(500054,))
    )
    assert AuditFilters.from_args({"from": "not a date"}) == AuditFilters()
    assert AuditFilters().to_query() == ""
    assert AuditFilters.from_controls(
        "2026-03-01", None, ["b", "a"], None, [], [PRAHA_14], None
    ) == AuditFilters(start=dt.date(2026, 3, 1), users=("a", "b"), districts=(PRAHA_14,))


# ------------------------------------------------------------------ before → after


def test_changes_compare_field_by_field():
    rows = q.changes(
        {
            "stage": "planned",
            "progress_pct": 10,
            "title": "Park",
            "gone": 1,
            "meta": {"a": 1, "b": 2},
        },
        {
            "stage": "running",
            "progress_pct": 10,
            "title": "Park",
            "meta": {"b": 2, "a": 1},
            "new": None,
        },
    )
    by_field = {r.field: r for r in rows}
    assert [r.field for r in rows] == ["stage", "progress_pct", "title", "gone", "meta", "new"]
    assert {r.field for r in rows if r.changed} == {"stage", "gone", "new"}
    assert (by_field["stage"].before, by_field["stage"].after) == ("planned", "running")
    assert by_field["gone"].in_after is False and by_field["new"].in_before is False
    assert by_field["new"].changed  # absent → null is a change


def test_changes_of_a_creation_and_of_odd_values():
    created = q.changes(None, {"username": "marie", "is_active": True})
    assert all(r.changed and not r.in_before for r in created)
    assert q.changes(None, None) == []
    assert q.changes({"n": 1}, {"n": True})[0].changed  # JSON true is not 1
    (whole,) = q.changes([1, 2], [1, 3])
    assert whole.field == "" and whole.changed


# ------------------------------------------------------------------ page, layout, callbacks


@pytest.fixture(scope="module")
def page():
    """The page module as the app loaded it (``register_page`` needs the app first)."""
    import dashboard.wsgi  # noqa: F401 - creating the app imports the pages

    return sys.modules["pages.audit"]


def _walk(component):
    stack = [component]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            stack.extend(item)
            continue
        yield item
        children = getattr(item, "children", None)
        if children is not None and not isinstance(children, str):
            stack.append(children)


def _texts(component) -> list[str]:
    return [c for c in _walk(component) if isinstance(c, str)] + [
        c.children for c in _walk(component) if isinstance(getattr(c, "children", None), str)
    ]


NO_FILTERS = (None, None, [], [], [], [], [])


def test_page_is_registered_for_coordinators_only_and_its_callbacks_are_guarded(page):
    import dash

    from dashboard import auth

    entry = dash.page_registry["pages.audit"]
    assert (entry["path"], entry["name"], entry["name_en"], entry["order"]) == (
        "/audit",
        "Záznam změn",
        "Audit log",
        95,
    )
    assert auth.page_roles(entry) == ("city", "admin")
    for callback in (page.update_events, page.filters_to_url, page.show_detail):
        assert auth._page_for_module(callback.__module__) is entry


def test_no_callback_of_the_page_writes_anything_but_the_view(page):
    from dash._callback import GLOBAL_CALLBACK_MAP  # callbacks not yet taken by the app

    from dashboard.app import create_app

    # The app takes the global callbacks at its first request (another test may have made it).
    callbacks = {**GLOBAL_CALLBACK_MAP, **create_app().callback_map}
    outputs = {
        key.split("@")[0]
        for key, entry in callbacks.items()
        if getattr(entry.get("callback"), "__module__", None) == "pages.audit"
    }
    assert outputs == {
        "..audit-grid.rowData...audit-grid.style...audit-count.children..",
        "url.search",
        "audit-detail.children",
    }


def test_layout_reads_the_filters_and_the_grid_is_read_only(logged, page):
    tree = page.layout(
        action=["create", "disable"], user="admin", district="547361", **{"from": "2026-01-01"}
    )
    controls = {c.id: c for c in _walk(tree) if getattr(c, "id", None)}
    assert controls[page.ACTIONS].value == ["create", "disable"]
    assert controls[page.USERS].value == ["admin"]
    assert controls[page.DISTRICTS].value == [PRAHA_14]
    assert controls[page.PERIOD].start_date == "2026-01-01"
    assert {o["value"]: o["label"] for o in controls[page.ACTIONS].options} == {
        "create": "vytvoření",
        "disable": "zablokování účtu",
        "import": "import dat",
    }
    assert {o["label"] for o in controls[page.SOURCES].options} == {"příkazová řádka", "import"}
    grid = controls[page.GRID]
    assert grid.defaultColDef["editable"] is False
    assert not any(column.get("editable") for column in grid.columnDefs)
    assert [c["headerName"] for c in grid.columnDefs] == [
        "Kdy",
        "Uživatel",
        "Akce",
        "Typ záznamu",
        "ID záznamu",
        "Městská část",
        "Zdroj",
        "IP adresa",
    ]
    assert grid.dashGridOptions["rowSelection"]["mode"] == "singleRow"
    assert tree.children[0].children == "Záznam změn"


def test_update_events_lists_labelled_rows_in_czech(logged, page):
    rows, _style, note = page.update_events(*NO_FILTERS)
    assert note == "Nalezeny 4 záznamy."
    assert [r["action"] for r in rows] == [
        "zablokování účtu",
        "vytvoření",
        "vytvoření",
        "import dat",
    ]
    newest = q.events(AuditFilters())["at"].iloc[0]
    at = rows[0]["at"]
    assert at == f"{newest.day}.{NBSP}{newest.month}.{NBSP}{newest.year} {newest:%H:%M}"
    assert rows[0]["entity"] == "uživatelský účet" and rows[0]["district"] == "Praha 14"
    assert rows[3]["source"] == "import" and rows[3]["district"] == "–"
    assert all(isinstance(r["id"], str) for r in rows)
    rows, _style, note = page.update_events(None, None, [], ["create"], [], [PRAHA_14], [])
    assert len(rows) == 1 and note == "Nalezen 1 záznam."
    rows, _style, note = page.update_events("1990-01-01", "1990-12-31", [], [], [], [], [])
    assert rows == [] and note == "Filtrům neodpovídá žádný záznam."


def test_update_events_says_when_only_the_newest_are_shown(logged, page, monkeypatch):
    monkeypatch.setattr(q, "LIMIT", 3)
    rows, style, note = page.update_events(*NO_FILTERS)
    assert len(rows) == 3
    assert style["height"] == f"{page.HEADER_HEIGHT + 3 * page.ROW_HEIGHT + 2}px"
    assert page.grid_style(500)["height"] == f"{page.GRID_HEIGHT}px"  # then it scrolls
    assert note == "Zobrazeno nejnovějších 3 z 4 záznamů; starší najdete zúžením filtrů."


def test_count_text_in_both_languages(page):
    assert page.count_text(5, 5, "cs") == "Nalezeno 5 záznamů."
    assert page.count_text(500, 1234, "cs").startswith(f"Zobrazeno nejnovějších 500 z 1{NBSP}234")
    assert page.count_text(500, 1234, "en").startswith("Showing the newest 500 of 1,234 events")
    assert page.count_text(1, 1, "en") == "1 event found."


def test_filters_go_into_the_url(page):
    assert page.filters_to_url(*NO_FILTERS) == ""
    assert (
        page.filters_to_url("2026-03-01", None, [], ["import"], [], [PRAHA_14], [])
        == "?from=2026-03-01&action=import&district=547361"
    )


def test_selecting_a_row_shows_the_changed_fields_highlighted(logged, page):
    rows, _style, _ = page.update_events(None, None, [], ["disable"], [], [], [])
    panel = page.show_detail(rows)
    texts = _texts(panel)
    assert f"Záznam č. {rows[0]['id']}" in texts
    assert "zablokování účtu" in texts and "root" in texts and "Praha 14" in texts
    table = next(c for c in _walk(panel) if getattr(c, "id", None) == page.DIFF)
    body = table.children[1].children
    fields = {row.children[0].children[0].children: row for row in body}
    assert set(fields) == {"username", "role", "district_id", "is_active"}
    assert "table-warning" in fields["is_active"].className
    assert [fields["is_active"].children[i].children for i in (1, 2)] == ["ano", "ne"]
    assert all(fields[f].className == "unchanged" for f in ("username", "role", "district_id"))
    assert "Změněná pole (1 z 4) jsou zvýrazněná." in texts


def test_a_creation_shows_every_field_as_new_and_no_selection_a_hint(logged, page):
    rows, _style, _ = page.update_events(None, None, ["admin"], [], [], [], [])
    panel = page.show_detail([rows[-1]])  # marie's account
    table = next(c for c in _walk(panel) if getattr(c, "id", None) == page.DIFF)
    for row in table.children[1].children:
        assert "table-warning" in row.className
        assert row.children[1].children == "(chybí)"
    assert page.show_detail([]).children.startswith("Vyberte v tabulce řádek")
    assert page.show_detail(None).children.startswith("Vyberte v tabulce řádek")
    assert page.show_detail([{"id": "999999"}]).children == "Záznam nebyl nalezen."


def test_the_page_speaks_english_with_the_cookie(logged, page):
    with Flask(__name__).test_request_context(headers={"Cookie": "lang=en"}):
        rows, _style, note = page.update_events(*NO_FILTERS)
        panel = page.show_detail(rows[:1])
        tree = page.layout()
    assert note == "4 events found."
    assert [r["action"] for r in rows] == ["account disabled", "created", "created", "data import"]
    assert rows[3]["entity"] == "import run" and rows[0]["source"] == "command line"
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}", rows[0]["at"])
    assert "Changed fields (1 of 4) are highlighted." in _texts(panel)
    assert tree.children[0].children == "Audit log"
    grid = next(c for c in _walk(tree) if getattr(c, "id", None) == page.GRID)
    assert grid.columnDefs[0]["headerName"] == "When"


def test_an_unknown_value_is_shown_as_it_is(page):
    assert page.label("action", "merge_tools", "cs") == "merge_tools"
    assert page.label("source", None, "cs") == "–"
    assert page.label("entity", "project", "en") == "project"


def test_a_failing_query_shows_a_message_and_is_logged(logged, page, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(q, "events", broken)
    monkeypatch.setattr(q, "event", broken)
    with caplog.at_level(logging.ERROR, logger="pages.audit"):
        rows, _style, note = page.update_events(*NO_FILTERS)
        panel = page.show_detail([{"id": "1"}])
    assert rows == []
    assert note.children.startswith("Záznam změn se nepodařilo načíst")
    assert panel.children.startswith("Záznam změn se nepodařilo načíst")
    assert "database went away" in caplog.text


def test_callbacks_never_write(logged, page):
    before = _event_count(logged)
    rows, _style, _ = page.update_events(*NO_FILTERS)
    page.show_detail(rows[:1])
    page.layout()
    assert _event_count(logged) == before
