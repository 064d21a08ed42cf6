"""Writes through the API: authorised per district on the server, validated with the
import's own wording, optimistic locking, and an audit event for every write."""

from __future__ import annotations

from sqlalchemy import func, select

from dashboard import metrics
from dashboard.filters import Filters
from etl.pipeline import run_etl
from models import AuditEvent, Project, RejectedRecord, UserAccount
from models.db import session_scope
from tests.api.conftest import bearer, counts, district

PRAHA_14 = Filters(districts=(547361,))


def _project_code(slug: str) -> str:
    with session_scope() as session:
        return session.execute(
            select(Project.code)
            .where(Project.district_id == district(slug).id)
            .order_by(Project.code)
            .limit(1)
        ).scalar_one()


def _events(since: int) -> list[AuditEvent]:
    with session_scope() as session:
        return list(
            session.execute(
                select(AuditEvent).where(AuditEvent.id > since).order_by(AuditEvent.id)
            ).scalars()
        )


def _last_event_id() -> int:
    with session_scope() as session:
        return session.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc())).scalar() or 0


def _user_id(username: str) -> int:
    with session_scope() as session:
        return session.execute(
            select(UserAccount.id).where(UserAccount.username == username)
        ).scalar_one()


NEW_PROJECT = {
    "project_id": "API-2026-01",
    "title": "Anketa o parku přes API",
    "kind": "Průzkum",  # a label, as a user types it: the normaliser reads it
    "stage": "preparation",
    "start_date": "15. 3. 2026",
    "budget_czk": "1 234,50",
    "topic": "transport",
}


def test_district_coordinator_writes_own_district_and_it_shows_everywhere(client, tokens):
    auth = bearer(tokens["district-praha-14"])
    since = _last_event_id()
    before = metrics.process_counts(PRAHA_14)
    participants_before = metrics.participation_by_district(PRAHA_14)["participants"].sum()

    created = client.post("/api/v1/projects", json=NEW_PROJECT, headers=auth)  # own district
    assert created.status_code == 201, created.json
    project = created.json
    assert created.headers["Location"] == f"/api/v1/projects/{project['id']}"
    assert (project["district_code"], project["kind"], project["budget_czk"]) == (
        547361,
        "survey",
        1234.5,
    )
    assert (project["start_date"], project["version"], project["source"]) == (
        "2026-03-15",
        1,
        "api",
    )
    shown = client.get(f"/api/v1/projects/{project['id']}", headers=auth).json
    assert shown["title"] == NEW_PROJECT["title"] and shown["history"][0]["source"] == "api"
    listed = client.get("/api/v1/projects?districts=praha-14&kind=survey&limit=1000", headers=auth)
    assert project["id"] in {p["id"] for p in listed.json["items"]}
    after = metrics.process_counts(PRAHA_14)
    assert after["active_processes"] == before["active_processes"] + 1  # the dashboard sees it

    activity = client.post(
        "/api/v1/activities",
        json={
            "district": "praha-14",
            "project_id": "API-2026-01",
            "date": "2026-04-01",
            "activity": "workshop",
            "channel": "in_person",
            "participants": "1 200",
            "youth_participants": 300,
        },
        headers=auth,
    )
    assert activity.status_code == 201, activity.json
    assert activity.json["participants"] == 1200
    participants_after = metrics.participation_by_district(PRAHA_14)["participants"].sum()
    assert participants_after == participants_before + 1200

    usage = client.post(
        "/api/v1/tool-usage",
        json={"district": 547361, "project_id": "API-2026-01", "tool": "Mobilní rozhlas",
              "purpose": "information", "cost_czk": 0, "rating": 4},
        headers=auth,
    )  # fmt: skip
    assert usage.status_code == 201, usage.json
    assert usage.json["tool"] == "Munipolis"  # the catalogue's alias, as in the import

    update = client.post(
        f"/api/v1/projects/{project['id']}/updates",
        json={"stage": "collecting_input", "progress_pct": "40 %", "note": "Běží", "version": 1},
        headers=auth,
    )
    assert update.status_code == 201, update.json
    assert (update.json["stage"], update.json["progress_pct"], update.json["version"]) == (
        "collecting_input",
        40.0,
        2,
    )

    corrected = client.patch(
        f"/api/v1/activities/{activity.json['id']}",
        json={"participants": 1250, "version": 1},
        headers=auth,
    )
    assert corrected.status_code == 200, corrected.json
    assert (corrected.json["participants"], corrected.json["version"]) == (1250, 2)

    events = _events(since)
    assert [(e.action, e.entity) for e in events] == [
        ("create", "project"),
        ("create", "activity"),
        ("create", "tool_usage"),
        ("update", "project_update"),
        ("correct", "activity"),
    ]
    user_id = _user_id("district-praha-14")
    for e in events:
        assert (e.source, e.username, e.user_id) == ("api", "district-praha-14", user_id)
        assert e.district_id == district("praha-14").id and e.after
    assert events[0].before is None and events[0].after["project_id"] == "API-2026-01"
    assert events[4].before["participants"] == 1200 and events[4].after["participants"] == 1250


def test_another_district_leadership_and_origin_are_refused_and_nothing_changes(
    client, tokens, server
):
    body = {**NEW_PROJECT, "district": "praha-1"}
    before = counts()
    refused = client.post(
        "/api/v1/projects", json=body, headers=bearer(tokens["district-praha-14"])
    )
    assert refused.status_code == 403 and "Praha 1" in refused.json["error"]["message_cs"]
    activity = {
        "district": "praha-1",
        "project_id": _project_code("praha-1"),
        "date": "2026-04-01",
        "activity": "workshop",
        "channel": "online",
        "participants": 5,
    }
    refused = client.post(
        "/api/v1/activities", json=activity, headers=bearer(tokens["district-praha-14"])
    )
    assert refused.status_code == 403
    with session_scope() as session:
        other = session.execute(
            select(Project).where(Project.district_id == district("praha-1").id).limit(1)
        ).scalar_one()
    version = other.version
    for method, path, payload in [
        (
            "post",
            f"/api/v1/projects/{other.id}/updates",
            {"stage": "completed", "version": version},
        ),
        ("patch", f"/api/v1/projects/{other.id}", {"title": "Cizí", "version": version}),
    ]:
        answer = client.open(
            path, method=method, json=payload, headers=bearer(tokens["district-praha-14"])
        )
        assert answer.status_code == 403, (path, answer.json)

    for username in ("leadership",):
        answer = client.post("/api/v1/projects", json=body, headers=bearer(tokens[username]))
        assert answer.status_code == 403
        assert answer.json["error"]["message_en"] == "Your role may not change data"
    assert counts() == before  # nothing written, not even an audit event

    # a signed-in browser session: reads work; a write needs the app's own origin
    with client.session_transaction() as session:
        session["_user_id"] = str(_user_id("city"))
        session["_fresh"] = True
    assert client.get("/api/v1/projects?limit=1").status_code == 200
    for headers in ({}, {"Origin": "https://evil.example"}, {"Referer": "http://attacker/x"}):
        answer = client.post("/api/v1/projects", json=body, headers=headers)
        assert answer.status_code == 403, headers
        assert "origin" in answer.json["error"]["message_en"]
    assert counts() == before
    answer = client.post("/api/v1/projects", json=body, headers={"Origin": "http://localhost"})
    assert answer.status_code == 201 and answer.json["district_code"] == 500054


def test_city_writes_anywhere(client, tokens):
    for slug in ("praha-1", "praha-2", "547361"):  # praha-2 is not a pilot district
        body = {**NEW_PROJECT, "district": slug, "project_id": f"CITY-{slug}"}
        answer = client.post("/api/v1/projects", json=body, headers=bearer(tokens["city"]))
        assert answer.status_code == 201, answer.json


def test_invalid_values_are_422_in_the_imports_own_words(client, tokens, api_db_url, tmp_path):
    code = _project_code("praha-14")
    bad = {
        "project_id": code,
        "date": "31. 2. 2026",
        "activity": "workshop",
        "channel": "in_person",
        "participants": "abc",
        "youth_participants": "-3",
    }
    before = counts()
    answer = client.post(
        "/api/v1/activities", json={"district": "praha-14", **bad}, headers=bearer(tokens["city"])
    )
    assert answer.status_code == 422
    fields = answer.json["error"]["fields"]
    assert set(fields) == {"date", "participants", "youth_participants"}
    assert fields["participants"] == [
        {
            "cs": "Počet účastníků: „abc“ není celé číslo",
            "en": "Participants: 'abc' is not a whole number",
        }
    ]
    assert counts() == before

    # the same row in a file, through the real import: the same reasons
    folder = tmp_path / "inbox" / "praha-14"
    folder.mkdir(parents=True)
    (folder / "aktivity.csv").write_text(
        ",".join(bad) + "\n" + ",".join(f'"{v}"' for v in bad.values()) + "\n", encoding="utf-8"
    )
    run_etl(tmp_path / "inbox", url=api_db_url, triggered_by="test", workers=1)
    with session_scope() as session:
        latest = session.execute(select(func.max(RejectedRecord.run_id))).scalar()
        rejected = session.execute(
            select(RejectedRecord).where(RejectedRecord.run_id == latest)
        ).scalar_one()
    from_file = set(zip(rejected.reasons_cs, rejected.reasons_en, strict=True))
    from_api = {(r["cs"], r["en"]) for reasons in fields.values() for r in reasons}
    assert from_api <= from_file and from_api

    missing = client.post(
        "/api/v1/projects", json={"title": "Bez MČ"}, headers=bearer(tokens["city"])
    )
    assert missing.status_code == 422 and "district" in missing.json["error"]["fields"]
    unknown = client.post(
        "/api/v1/projects",
        json={**NEW_PROJECT, "district": "praha-14", "colour": "red"},
        headers=bearer(tokens["city"]),
    )
    assert unknown.status_code == 422 and "colour" in unknown.json["error"]["fields"]


def test_stale_version_is_409_with_the_current_record(client, tokens):
    auth = bearer(tokens["district-praha-14"])
    with session_scope() as session:
        project = session.execute(
            select(Project).where(Project.district_id == district("praha-14").id).limit(1)
        ).scalar_one()
    first = client.post(
        f"/api/v1/projects/{project.id}/updates",
        json={"stage": "evaluation", "version": project.version, "effective_date": "2099-01-01"},
        headers=auth,
    )
    assert first.status_code == 201, first.json
    before = counts()
    stale = client.post(
        f"/api/v1/projects/{project.id}/updates",
        json={"stage": "completed", "version": project.version},
        headers=auth,
    )
    assert stale.status_code == 409
    error = stale.json["error"]
    assert error["current"]["version"] == project.version + 1
    assert error["current"]["stage"] == "evaluation" and error["current"]["district_code"] == 547361
    assert any(c["field"] == "stage" and c["yours"] == "completed" for c in error["changes"])
    assert counts() == before
    patch = client.patch(
        f"/api/v1/projects/{project.id}",
        json={"title": "Nový název", "version": project.version},
        headers=auth,
    )
    assert patch.status_code == 409 and patch.json["error"]["current"]["title"] == project.title
    assert counts() == before


def test_malformed_requests_are_400(client, tokens):
    auth = bearer(tokens["city"])
    for data, content_type in [
        ("{not json", "application/json"),
        ('{"district": "praha-14", "participants": NaN}', "application/json"),
        ("[1, 2]", "application/json"),
        ('"text"', "application/json"),
        ("", "application/json"),
        ("project_id=1", "application/x-www-form-urlencoded"),
        ('{"district": "praha-14"}', "text/plain"),
    ]:
        answer = client.post("/api/v1/projects", data=data, content_type=content_type, headers=auth)
        assert answer.status_code == 400, (data, content_type)
        assert answer.json["error"]["status"] == 400
    wrong_version = client.post(
        "/api/v1/projects/1/updates", json={"stage": "completed", "version": "1"}, headers=auth
    )
    assert wrong_version.status_code == 422 and "version" in wrong_version.json["error"]["fields"]
