"""Manual edits (entry forms, API): authorised, validated like the import, locked by
version, audited; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from etl.pipeline import run_etl
from koordinace import records
from koordinace.records import (
    RECORD,
    Actor,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    can_write,
    correct_record,
    create_activity,
    create_project,
    create_tool_usage,
    get_record,
    record_project_update,
)
from models import (
    Activity,
    AuditEvent,
    District,
    Project,
    ProjectUpdate,
    RejectedRecord,
    Tool,
    ToolUsage,
)
from models.db import session_scope

PROJECT = {
    "project_id": "P-1",
    "title": "  Park u školy ",
    "kind": "PB",
    "stage": "Příprava",
    "start_date": "15. 3. 2026",
    "end_date": "30.11.2026",
    "budget_czk": "1 234,50 Kč",
    "topic": "zeleň",
    "progress_pct": "45 %",
    "updated_on": "2026-03-01",
}
ACTIVITY = {
    "project_id": "P-1",
    "date": "20. 4. 2026",
    "activity": "plánovací dílna",
    "channel": "prezenčně",
    "participants": "1 234",
    "youth_participants": 80,
    "note": "Výstupy: 12 podnětů",
}
TABLES = (Project, ProjectUpdate, Activity, ToolUsage, Tool, AuditEvent)


@pytest.fixture
def district_ids(db_url) -> dict[str, int]:
    with session_scope(db_url) as s:
        rows = s.execute(
            select(District.name, District.id).where(District.name.in_(["Praha 14", "Praha 1"]))
        ).all()
    return dict(rows)


@pytest.fixture
def p14(district_ids) -> int:
    return district_ids["Praha 14"]


@pytest.fixture
def p1(district_ids) -> int:
    return district_ids["Praha 1"]


CITY = Actor(username="mesto", role="city", district_id=None)
LEADERSHIP = Actor(username="vedeni", role="leadership", district_id=None)


def coordinator(district_id: int, source: str = "form") -> Actor:
    return Actor(username="mc14", role="district", district_id=district_id, source=source)


def counts(url: str) -> dict[str, int]:
    with session_scope(url) as s:
        return {t.__name__: s.scalar(select(func.count()).select_from(t)) for t in TABLES}


def events(url: str) -> list[AuditEvent]:
    with session_scope(url) as s:
        return list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def new_project(url: str, district_id: int, actor: Actor = CITY, **changes) -> dict:
    with session_scope(url) as s:
        return create_project(
            session=s, actor=actor, district_id=district_id, values={**PROJECT, **changes}
        )


def reasons(error: Invalid) -> list[tuple[str, str]]:
    return sorted(r for field, found in error.fields.items() for r in found)


# ------------------------------------------------------------------ creating


def test_create_project_reads_czech_formats_like_the_import_and_audits(db_url, p14):
    actor = coordinator(p14)
    created = new_project(db_url, p14, actor)
    assert created | {"id": 0, "updated_at": ""} == {
        "id": 0,
        "district_id": p14,
        "project_id": "P-1",
        "title": "Park u školy",
        "kind": "participatory_budgeting",
        "stage": "preparation",
        "start_date": "2026-03-15",
        "end_date": "2026-11-30",
        "budget_czk": 1234.5,
        "topic": "environment",
        "progress_pct": 45.0,
        "coordinator": None,
        "description": None,
        "url": None,
        "updated_on": "2026-03-01",
        "extra": None,
        "source": "form",
        "version": 1,
        "updated_at": "",
    }
    with session_scope(db_url) as s:
        stored = s.get(Project, created["id"])
        history = s.scalars(select(ProjectUpdate)).all()
        assert get_record(session=s, entity="project", record_id=stored.id) == created
    assert (str(stored.budget_czk), str(stored.progress_pct), stored.source) == (
        "1234.50",
        "45.00",
        "form",
    )
    assert json.loads(json.dumps(created)) == created  # JSON-safe as it is
    assert [(h.stage, h.effective_date, h.source) for h in history] == [
        ("preparation", dt.date(2026, 3, 1), "form")
    ]
    [event] = events(db_url)
    assert (event.action, event.entity, event.entity_id, event.district_id) == (
        "create",
        "project",
        created["id"],
        p14,
    )
    assert (event.username, event.source, event.before, event.after) == (
        "mc14",
        "form",
        None,
        created,
    )


def test_create_activity_and_tool_usage(db_url, p14):
    new_project(db_url, p14)
    api = coordinator(p14, source="api")
    with session_scope(db_url) as s:
        activity = create_activity(session=s, actor=api, district_id=p14, values=ACTIVITY)
        usage = create_tool_usage(
            session=s,
            actor=api,
            district_id=p14,
            values={
                "project_id": "P-1",
                "tool": "decision 21",
                "purpose": "hlasování",
                "cost_czk": "45 000",
                "rating": "4",
            },
        )
        unknown = create_tool_usage(
            session=s,
            actor=api,
            district_id=p14,
            values={"project_id": "P-1", "tool": "Hlasovátko 3000", "purpose": "voting"},
        )
    assert {k: activity[k] for k in ("project_id", "date", "activity", "channel")} == {
        "project_id": "P-1",
        "date": "2026-04-20",
        "activity": "workshop",
        "channel": "in_person",
    }
    assert (activity["participants"], activity["youth_participants"], activity["source"]) == (
        1234,
        80,
        "api",
    )
    assert (usage["tool"], usage["tool_as_given"], usage["cost_czk"], usage["rating"]) == (
        "D21",
        "decision 21",
        45000.0,
        4,
    )
    assert (usage["purpose"], usage["source"], usage["version"]) == ("voting", "api", 1)
    with session_scope(db_url) as s:
        tool = s.scalars(select(Tool).where(Tool.name == "Hlasovátko 3000")).one()
        stored = s.get(Activity, activity["id"])
    assert (tool.catalogued, tool.needs_review, unknown["tool"]) == (False, True, "Hlasovátko 3000")
    assert (stored.participants, stored.source) == (1234, "api")
    assert [(e.action, e.entity, e.entity_id, e.source) for e in events(db_url)[1:]] == [
        ("create", "activity", activity["id"], "api"),
        ("create", "tool_usage", usage["id"], "api"),
        ("create", "tool_usage", unknown["id"], "api"),
    ]


# ------------------------------------------------------------------ validation = the import's


def _write_csv(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    headers = list(dict.fromkeys(h for row in rows for h in row))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=headers, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)


BAD_PROJECTS = [
    {**PROJECT, "project_id": "X-1", "kind": "beseda", "start_date": "32. 13. 2026"},
    {**PROJECT, "project_id": "X-2", "budget_czk": "-5", "progress_pct": "150 %", "title": ""},
    {**PROJECT, "project_id": "X-3", "start_date": "15. 3. 2026", "end_date": "1. 3. 2026"},
]
BAD_ACTIVITIES = [
    {**ACTIVITY, "participants": "dvacet", "date": "31. 2. 2026"},
    {**ACTIVITY, "participants": "10", "youth_participants": "12", "channel": "holubí pošta"},
    {**ACTIVITY, "project_id": "NEEXISTUJE"},
]
BAD_USAGE = [
    {"project_id": "P-1", "tool": "Decidim", "purpose": "zábava", "rating": "7"},
    {"project_id": "", "tool": "Decidim", "purpose": "voting", "cost_czk": "zdarma"},
]


def test_invalid_values_give_field_errors_with_the_import_messages(db_url, p14, tmp_path):
    new_project(db_url, p14)
    inbox = tmp_path / "inbox"
    _write_csv(inbox / "Praha 14" / "projekty.csv", BAD_PROJECTS)
    _write_csv(inbox / "Praha 14" / "aktivity.csv", BAD_ACTIVITIES)
    _write_csv(inbox / "Praha 14" / "nastroje.csv", BAD_USAGE)
    run_etl(inbox, url=db_url)
    with session_scope(db_url) as s:
        rejected = s.scalars(select(RejectedRecord).order_by(RejectedRecord.id)).all()
        imported = {
            (r.kind, r.row_number): sorted(zip(r.reasons_cs, r.reasons_en, strict=True))
            for r in rejected
        }
    before = counts(db_url)

    manual = {}
    for kind, rows, create in (
        ("projects", BAD_PROJECTS, create_project),
        ("activities", BAD_ACTIVITIES, create_activity),
        ("tool_usage", BAD_USAGE, create_tool_usage),
    ):
        for row_number, values in enumerate(rows, start=2):  # row 1: the header
            with pytest.raises(Invalid) as err, session_scope(db_url) as s:
                create(session=s, actor=CITY, district_id=p14, values=values)
            assert err.value.status == 422
            manual[(kind, row_number)] = err.value
    assert {k: reasons(e) for k, e in manual.items()} == imported
    assert counts(db_url) == before  # nothing written

    # ... and each reason is on the field it is about
    assert set(manual[("projects", 2)].fields) == {"kind", "start_date"}
    assert set(manual[("projects", 3)].fields) == {"budget_czk", "progress_pct", "title"}
    assert set(manual[("projects", 4)].fields) == {"end_date"}
    assert set(manual[("activities", 2)].fields) == {"participants", "date"}
    assert set(manual[("activities", 3)].fields) == {"channel", "youth_participants"}
    unknown = manual[("activities", 4)]
    assert list(unknown.fields) == ["project_id"]
    assert unknown.fields["project_id"][0][1] == (
        "Project 'NEEXISTUJE' does not exist in Praha 14 "
        "(neither in this import nor in the database)"
    )
    assert set(manual[("tool_usage", 2)].fields) == {"purpose", "rating"}
    assert set(manual[("tool_usage", 3)].fields) == {"project_id", "cost_czk"}
    assert manual[("projects", 3)].as_json("en")["errors"]["title"] == [
        "Required value 'Title' is missing"
    ]


def test_unknown_and_missing_fields(db_url, p14):
    with pytest.raises(Invalid) as err, session_scope(db_url) as s:
        create_project(
            session=s,
            actor=CITY,
            district_id=p14,
            values={"project_id": "P-9", "title": "T", "colour": "red"},
        )
    assert set(err.value.fields) == {"colour", "kind", "stage"}
    assert err.value.fields["colour"][0][1].startswith("Unknown field 'colour'")
    assert err.value.fields["stage"] == [
        ("Chybí povinná hodnota „Fáze“", "Required value 'Stage' is missing")
    ]
    with pytest.raises(Invalid) as err, session_scope(db_url) as s:
        create_project(
            session=s, actor=CITY, district_id=p14, values={**PROJECT, "title": ["a", "b"]}
        )
    assert list(err.value.fields) == ["title"]
    assert counts(db_url)["Project"] == 0


def test_values_the_database_cannot_store_are_field_errors(db_url, p14):
    new_project(db_url, p14)
    cases = [
        (create_project, {**PROJECT, "project_id": "P\x00-2"}, "project_id", "cannot be stored"),
        (create_project, {**PROJECT, "project_id": "P" * 101}, "project_id", "longer than 100"),
        (create_project, {**PROJECT, "coordinator": "\ud800"}, "coordinator", "cannot be stored"),
        (create_activity, {**ACTIVITY, "participants": "3 000 000 000"}, "participants", "large"),
        (create_tool_usage, {"project_id": "P-1", "tool": "T" * 201, "purpose": "voting"}, "tool",
         "longer than 200"),
    ]  # fmt: skip
    before = counts(db_url)
    for create, values, field, message in cases:
        with pytest.raises(Invalid) as err, session_scope(db_url) as s:
            create(session=s, actor=CITY, district_id=p14, values=values)
        assert list(err.value.fields) == [field]
        assert message in err.value.fields[field][0][1]
    assert counts(db_url) == before


# ------------------------------------------------------------------ authorisation


def test_district_coordinator_writes_only_their_district(db_url, p14, p1):
    theirs = new_project(db_url, p1)  # by the city: allowed anywhere
    mine = new_project(db_url, p14, coordinator(p14))
    before, audit_before = counts(db_url), len(events(db_url))
    actor = coordinator(p14)
    assert can_write(actor, p14) and not can_write(actor, p1)
    attempts = [
        lambda s: create_project(session=s, actor=actor, district_id=p1, values=PROJECT),
        lambda s: create_activity(session=s, actor=actor, district_id=p1, values=ACTIVITY),
        lambda s: correct_record(
            session=s,
            actor=actor,
            entity="project",
            record_id=theirs["id"],
            values={"title": "Převzato"},
            version=1,
        ),
        lambda s: record_project_update(
            session=s, actor=actor, project_id=theirs["id"], values={"stage": "x"}, version=1
        ),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden) as err, session_scope(db_url) as s:
            attempt(s)
        assert err.value.status == 403
        assert "Praha 1" in err.value.cs and "Praha 1" in err.value.en
        assert not err.value.fields  # refused before validation: nothing about the values
    for attempt in [
        lambda s: create_project(session=s, actor=LEADERSHIP, district_id=p14, values=PROJECT),
        lambda s: correct_record(
            session=s,
            actor=LEADERSHIP,
            entity="project",
            record_id=mine["id"],
            values={"title": "Vedení"},
            version=1,
        ),
    ]:
        with pytest.raises(Forbidden), session_scope(db_url) as s:
            attempt(s)
    assert counts(db_url) == before
    assert len(events(db_url)) == audit_before
    with session_scope(db_url) as s:
        assert s.get(Project, theirs["id"]).title == "Park u školy"
        assert s.get(Project, mine["id"]).title == "Park u školy"


def test_missing_records_and_districts_are_not_found(db_url, p14):
    with pytest.raises(NotFound), session_scope(db_url) as s:
        correct_record(session=s, actor=CITY, entity="project", record_id=999, values={}, version=1)
    with pytest.raises(NotFound), session_scope(db_url) as s:
        create_project(session=s, actor=CITY, district_id=99_999, values=PROJECT)
    with pytest.raises(Forbidden), session_scope(db_url) as s:  # not a hint that it is missing
        create_project(session=s, actor=coordinator(p14), district_id=99_999, values=PROJECT)


# ------------------------------------------------------------------ optimistic locking


def test_stale_version_is_a_conflict_and_overwrites_nothing(db_url, p14):
    created = new_project(db_url, p14)
    with session_scope(db_url) as s:
        first = correct_record(
            session=s,
            actor=CITY,
            entity="project",
            record_id=created["id"],
            values={"title": "Park u školy – 1. etapa", "budget_czk": "2 000"},
            version=1,
        )
    assert (first["version"], first["title"], first["budget_czk"]) == (
        2,
        "Park u školy – 1. etapa",
        2000.0,
    )
    audit_before = len(events(db_url))

    with pytest.raises(Conflict) as err, session_scope(db_url) as s:
        correct_record(
            session=s,
            actor=CITY,
            entity="project",
            record_id=created["id"],
            values={"budget_czk": "1 500"},
            version=1,
        )
    conflict = err.value
    assert conflict.status == 409
    assert (conflict.current["version"], conflict.current["budget_czk"]) == (2, 2000.0)
    assert conflict.changes == [("budget_czk", "Rozpočet", "Budget", 1500.0, 2000.0)]

    # with the values the user started from: every field someone else changed
    with pytest.raises(Conflict) as err, session_scope(db_url) as s:
        correct_record(
            session=s,
            actor=CITY,
            entity="project",
            record_id=created["id"],
            values={"budget_czk": "1 500"},
            version=1,
            base=created,
        )
    assert err.value.changes == [
        ("title", "Název", "Title", "Park u školy", "Park u školy – 1. etapa"),
        ("budget_czk", "Rozpočet", "Budget", 1500.0, 2000.0),
    ]
    assert err.value.as_json()["changes"][0]["field"] == "title"
    with session_scope(db_url) as s:
        assert get_record(session=s, entity="project", record_id=created["id"]) == first
    assert len(events(db_url)) == audit_before


def test_two_sessions_writing_the_same_version_one_wins(db_url, p14, monkeypatch):
    created = new_project(db_url, p14)
    lost = []  # proof that the database's version check decided, not an earlier read
    monkeypatch.setattr(
        records, "_lost", lambda *a, _lost=records._lost: lost.append(a[1]) or _lost(*a)
    )
    with session_scope(db_url) as late:
        seen = late.get(Project, created["id"])  # it has read version 1 ...
        assert seen.version == 1
        with session_scope(db_url) as early:
            correct_record(
                session=early,
                actor=CITY,
                entity="project",
                record_id=created["id"],
                values={"title": "První"},
                version=1,
            )
        # ... and writes from it after the other session committed version 2
        with pytest.raises(Conflict) as err:
            correct_record(
                session=late,
                actor=CITY,
                entity="project",
                record_id=created["id"],
                values={"title": "Druhý"},
                version=1,
            )
    assert (err.value.current["title"], err.value.current["version"]) == ("První", 2)
    assert err.value.changes == [("title", "Název", "Title", "Druhý", "První")]
    with session_scope(db_url) as s:
        stored = s.get(Project, created["id"])
        assert (stored.title, stored.version) == ("První", 2)
    assert [e.action for e in events(db_url)] == ["create", "correct"]
    assert lost == ["project"]


# ------------------------------------------------------------------ identities


def test_duplicate_activity_and_tool_usage_are_conflicts(db_url, p14):
    new_project(db_url, p14)
    with session_scope(db_url) as s:
        first = create_activity(session=s, actor=CITY, district_id=p14, values=ACTIVITY)
        with_id = create_activity(
            session=s,
            actor=CITY,
            district_id=p14,
            values={**ACTIVITY, "activity_id": "A-1", "date": "1. 5. 2026"},
        )
        usage = create_tool_usage(
            session=s,
            actor=CITY,
            district_id=p14,
            values={"project_id": "P-1", "tool": "Decidim", "purpose": "voting"},
        )
    before = counts(db_url)
    # same project + date + activity + channel, no activity_id
    with pytest.raises(Conflict) as err, session_scope(db_url) as s:
        create_activity(
            session=s, actor=CITY, district_id=p14, values={**ACTIVITY, "participants": "300"}
        )
    assert err.value.current["id"] == first["id"]
    assert err.value.changes == [("participants", "Počet účastníků", "Participants", 300, 1234)]
    # the same activity_id, whatever else
    with pytest.raises(Conflict) as err, session_scope(db_url) as s:
        create_activity(
            session=s,
            actor=CITY,
            district_id=p14,
            values={**ACTIVITY, "activity_id": "A-1", "date": "2. 6. 2026"},
        )
    assert err.value.current["id"] == with_id["id"]
    # the same tool under another alias, same purpose
    with pytest.raises(Conflict) as err, session_scope(db_url) as s:
        create_tool_usage(
            session=s,
            actor=CITY,
            district_id=p14,
            values={"project_id": "P-1", "tool": "decidim.org", "purpose": "hlasování"},
        )
    assert err.value.current["id"] == usage["id"]
    # a correction onto another record's identity
    with pytest.raises(Conflict), session_scope(db_url) as s:
        correct_record(
            session=s,
            actor=CITY,
            entity="activity",
            record_id=with_id["id"],
            values={"activity_id": None, "date": "20. 4. 2026"},
            version=1,
        )
    assert counts(db_url) == before


def test_activity_of_an_unknown_or_foreign_project_is_invalid(db_url, p14, p1):
    new_project(db_url, p1)  # P-1 exists in Praha 1, not in Praha 14
    with pytest.raises(Invalid) as err, session_scope(db_url) as s:
        create_activity(session=s, actor=CITY, district_id=p14, values=ACTIVITY)
    assert err.value.fields == {
        "project_id": [
            (
                "Projekt „P-1“ v městské části Praha 14 neexistuje "
                "(není v tomto importu ani v databázi)",
                "Project 'P-1' does not exist in Praha 14 "
                "(neither in this import nor in the database)",
            )
        ]
    }
    assert counts(db_url)["Activity"] == 0


# ------------------------------------------------------------------ history and corrections


def test_project_updates_and_stage_corrections_append_history(db_url, p14):
    created = new_project(db_url, p14)
    actor = coordinator(p14)
    with session_scope(db_url) as s:
        moved = record_project_update(
            session=s,
            actor=actor,
            project_id=created["id"],
            values={
                "stage": "hlasování",
                "progress_pct": "60 %",
                "effective_date": "15. 4. 2026",
                "note": "Hlasování zahájeno",
            },
            version=1,
        )
    assert (moved["stage"], moved["progress_pct"], moved["updated_on"], moved["version"]) == (
        "voting",
        60.0,
        "2026-04-15",
        2,
    )
    with session_scope(db_url) as s:  # back-dated: history only, the project stays
        backdated = record_project_update(
            session=s,
            actor=actor,
            project_id=created["id"],
            values={"stage": "collecting_input", "effective_date": "2026-03-20"},
            version=2,
        )
    assert backdated == moved
    with pytest.raises(Conflict), session_scope(db_url) as s:
        record_project_update(
            session=s,
            actor=actor,
            project_id=created["id"],
            values={"stage": "completed"},
            version=1,
        )
    with pytest.raises(Invalid) as err, session_scope(db_url) as s:
        record_project_update(
            session=s,
            actor=actor,
            project_id=created["id"],
            values={"progress_pct": "120 %", "effective_date": "zítra", "title": "x"},
            version=2,
        )
    assert set(err.value.fields) == {"stage", "progress_pct", "effective_date", "title"}

    with session_scope(db_url) as s:
        corrected = correct_record(
            session=s,
            actor=actor,
            entity="project",
            record_id=created["id"],
            values={"stage": "Realizace"},
            version=2,
        )
        unchanged = correct_record(
            session=s,
            actor=actor,
            entity="project",
            record_id=created["id"],
            values={"stage": "implementation", "budget_czk": "1234.5"},
            version=3,
        )
    assert (corrected["stage"], corrected["version"], corrected["source"]) == (
        "implementation",
        3,
        "form",
    )
    assert unchanged == corrected  # nothing to change: no write
    with session_scope(db_url) as s:
        history = s.scalars(select(ProjectUpdate).order_by(ProjectUpdate.id)).all()
    assert [(h.effective_date.isoformat(), h.stage, h.source, h.note) for h in history] == [
        ("2026-03-01", "preparation", "form", None),
        ("2026-04-15", "voting", "form", "Hlasování zahájeno"),
        ("2026-03-20", "collecting_input", "form", None),
        ("2026-04-15", "implementation", "form", None),
    ]
    audit = events(db_url)
    assert [(e.action, e.entity) for e in audit] == [
        ("create", "project"),
        ("update", "project_update"),
        ("update", "project_update"),
        ("correct", "project"),
    ]
    assert audit[1].after["update"]["note"] == "Hlasování zahájeno"
    assert (audit[3].before["stage"], audit[3].after["stage"]) == ("voting", "implementation")


def test_a_correction_cannot_move_a_record_to_another_district(db_url, p14, p1):
    new_project(db_url, p14)
    with session_scope(db_url) as s:
        activity = create_activity(session=s, actor=CITY, district_id=p14, values=ACTIVITY)
    before = counts(db_url)
    with pytest.raises(Invalid) as err, session_scope(db_url) as s:
        correct_record(
            session=s,
            actor=CITY,
            entity="activity",
            record_id=activity["id"],
            values={"district_id": p1, "participants": "2000"},
            version=1,
        )
    assert list(err.value.fields) == ["district_id"]
    assert err.value.fields["district_id"][0][1].startswith("Unknown field 'district_id'")
    with session_scope(db_url) as s:
        stored = s.get(Activity, activity["id"])
        assert (stored.district_id, stored.participants, stored.version) == (p14, 1234, 1)
    assert counts(db_url) == before


def test_corrections_validate_the_merged_record(db_url, p14):
    new_project(db_url, p14)
    with session_scope(db_url) as s:
        activity = create_activity(session=s, actor=CITY, district_id=p14, values=ACTIVITY)
        usage = create_tool_usage(
            session=s,
            actor=CITY,
            district_id=p14,
            values={"project_id": "P-1", "tool": "Decidim", "purpose": "voting"},
        )
    with pytest.raises(Invalid) as err, session_scope(db_url) as s:
        correct_record(  # stored youth is 80: fewer participants break the rule
            session=s,
            actor=CITY,
            entity="activity",
            record_id=activity["id"],
            values={"participants": "50"},
            version=1,
        )
    assert list(err.value.fields) == ["youth_participants"]
    assert RECORD not in err.value.fields
    with session_scope(db_url) as s:
        fixed = correct_record(
            session=s,
            actor=CITY,
            entity="activity",
            record_id=activity["id"],
            values={"participants": "50", "youth_participants": "20"},
            version=1,
        )
        moved = correct_record(
            session=s,
            actor=CITY,
            entity="tool_usage",
            record_id=usage["id"],
            values={"tool": "Nový nástroj", "rating": "5"},
            version=1,
        )
    assert (fixed["participants"], fixed["youth_participants"], fixed["version"]) == (50, 20, 2)
    assert (moved["tool"], moved["rating"], moved["version"]) == ("Nový nástroj", 5, 2)
    audit = events(db_url)[-1]
    assert (audit.action, audit.entity, audit.before["tool"], audit.after["tool"]) == (
        "correct",
        "tool_usage",
        "Decidim",
        "Nový nástroj",
    )
