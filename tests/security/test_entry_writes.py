"""The entry page's writing callbacks, driven by crafted Dash POSTs as an attacker would
send them: a district coordinator cannot write another district's data whatever the
request says, leadership cannot write at all, a stale version is a conflict, and every
accepted write is in the audit log with who, what, before and after."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from models import Activity, AuditEvent, District, Project, ProjectUpdate, ToolUsage
from models.db import session_scope
from tests.security.conftest import callback_body, form_fields, post_callback

ACTIVITY = {
    "date": "15. 3. 2026",
    "activity": "workshop",
    "channel": "in_person",
    "participants": "40",
    "youth_participants": "12",
}


def _text(response) -> str:
    """The callback answer as text, Czech letters unescaped."""
    return json.dumps(response.json, ensure_ascii=False)


def _district(slug: str) -> District:
    with session_scope() as s:
        return s.scalars(select(District).where(District.slug == slug)).one()


def _project(district_id: int) -> Project:
    with session_scope() as s:
        return s.scalars(
            select(Project).where(Project.district_id == district_id).order_by(Project.code)
        ).first()


def _counts() -> dict:
    with session_scope() as s:
        return {
            model.__name__: s.scalar(select(func.count()).select_from(model))
            for model in (Project, ProjectUpdate, Activity, ToolUsage, AuditEvent)
        }


def _save(site, client, form: str, typed: dict, extra_state: dict):
    dep = site.dependency(client, f"entry-{form}-result")
    fields = form_fields(form, typed) if form != "correct" else typed
    values = {(f"entry-{form}-save", "n_clicks"): 1, ("entry-saved", "data"): 0, **extra_state}
    body = callback_body(dep, values, f"entry-{form}-save.n_clicks", fields)
    return post_callback(client, body)


def _activity(site, client, district_id: int, project_code: str, **changes):
    typed = {**ACTIVITY, "project_id": project_code, **changes}
    return _save(site, client, "activity", typed, {("entry-district", "value"): str(district_id)})


def test_a_coordinator_saves_an_activity_of_their_district_and_the_charts_count_it(site):
    from dashboard import metrics
    from dashboard.filters import Filters

    praha14 = _district("praha-14")
    project = _project(praha14.id)
    everything = Filters()
    before = metrics.participation_by_district(everything).set_index("code")
    client = site.client("district-praha-14")
    response = _activity(site, client, praha14.id, project.code, participants="40")
    assert response.status_code == 200
    assert "Uloženo" in _text(response) and "entry-success" in _text(response)
    after = metrics.participation_by_district(everything).set_index("code")
    assert after.loc[praha14.code, "participants"] == before.loc[praha14.code, "participants"] + 40
    with session_scope() as s:
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.entity, event.action, event.source, event.username) == (
        "activity",
        "create",
        "form",
        "district-praha-14",
    )
    assert event.before is None and event.after["participants"] == 40
    assert event.district_id == praha14.id
    # The district's data is fresh as of today: a manual entry counts as an update.
    fresh = metrics.freshness().set_index("code").loc[praha14.code]
    assert fresh["last_manual"] is not None and fresh["days"] == 0


def test_invalid_values_are_refused_with_the_import_messages_per_field(site):
    praha14 = _district("praha-14")
    client = site.client("district-praha-14")
    before = _counts()
    response = _activity(
        site, client, praha14.id, _project(praha14.id).code, participants="čtyřicet"
    )
    assert response.status_code == 200
    data = response.json["response"]
    assert "Neuloženo" in str(data["entry-activity-result"])
    invalid = {
        json.loads(k)["field"] for k, v in data.items() if "entry-input" in k and v["invalid"]
    }
    assert invalid == {"participants"}
    # The message is the import's own: field label + the parser's reason.
    from etl import values as V

    with pytest.raises(V.InvalidValue) as err:
        V.parse_whole("čtyřicet")
    assert f"Počet účastníků: {err.value.cs}" in _text(response)
    assert _counts() == before


@pytest.mark.parametrize("username", ["district-praha-14", "leadership"])
def test_crafted_writes_into_another_district_are_refused_and_change_nothing(site, username):
    praha1 = _district("praha-1")
    project = _project(praha1.id)
    client = site.client(username)
    before = _counts()
    answers = [
        _activity(site, client, praha1.id, project.code),
        _save(
            site,
            client,
            "project",
            {"project_id": "X-1", "title": "Cizí proces", "kind": "survey", "stage": "planned"},
            {("entry-district", "value"): str(praha1.id)},
        ),
        _save(
            site,
            client,
            "tool",
            {"project_id": project.code, "tool": "Decidim", "purpose": "voting"},
            {("entry-district", "value"): str(praha1.id)},
        ),
        _save(
            site,
            client,
            "update",
            {"stage": "completed", "progress_pct": "100"},
            {
                ("entry-update-state", "data"): {
                    "id": project.id,
                    "code": project.code,
                    "version": project.version,
                }
            },
        ),
        _save(
            site,
            client,
            "correct",
            {"title": "Přepsáno útočníkem"},
            {
                ("entry-correct-base", "data"): {
                    "entity": "project",
                    "id": project.id,
                    "version": project.version,
                    "values": {"title": project.title},
                }
            },
        ),
    ]
    for response in answers:
        if username == "leadership":  # the page's callbacks are refused to the role
            assert response.status_code == 403
        else:  # the write itself refuses, naming the district
            assert response.status_code == 200
            assert "Nemáte oprávnění zapisovat údaje městské části Praha 1" in _text(response)
    assert _counts() == before
    assert _project(praha1.id).title == project.title


def test_two_sessions_edit_the_same_process_one_wins_the_other_gets_a_conflict(site):
    praha14 = _district("praha-14")
    project = _project(praha14.id)
    state = {
        ("entry-update-state", "data"): {
            "id": project.id,
            "code": project.code,
            "version": project.version,
        }
    }
    first, second = site.client("city"), site.client("district-praha-14")
    won = _save(site, first, "update", {"stage": "implementation", "progress_pct": "60"}, state)
    lost = _save(site, second, "update", {"stage": "completed", "progress_pct": "100"}, state)
    assert "Uloženo" in _text(won)
    assert "entry-conflict" in _text(lost) and "Nic nebylo přepsáno" in _text(lost)
    stored = _project(praha14.id)
    assert (stored.stage, float(stored.progress_pct), stored.version) == (
        "implementation",
        60.0,
        project.version + 1,
    )


def test_a_correction_over_a_newer_version_shows_what_changed(site):
    praha14 = _district("praha-14")
    project = _project(praha14.id)
    base = {
        ("entry-correct-base", "data"): {
            "entity": "project",
            "id": project.id,
            "version": project.version,
            "values": {"title": project.title, "coordinator": project.coordinator or ""},
        }
    }
    city = site.client("city")
    first = _save(site, city, "correct", {"title": "Nový název A"}, base)
    assert "Uloženo" in _text(first)
    second = _save(site, site.client("admin"), "correct", {"title": "Nový název B"}, base)
    assert "entry-conflict" in _text(second)
    assert "Nový název A" in _text(second)  # the stored value the other user saved
    assert _project(praha14.id).title == "Nový název A"


def test_every_form_write_path_leaves_an_audit_event(site):
    """Audit completeness for the forms: a new process, an activity, a tool usage, a
    process update and a correction each leave one event with who, what, before, after."""
    praha14 = _district("praha-14")
    district = {("entry-district", "value"): str(praha14.id)}
    client = site.client("city")

    steps = []
    new = {"project_id": "P14-NEW", "title": "Nový park", "kind": "survey", "stage": "preparation"}
    steps.append(("project", "create", _save(site, client, "project", new, district)))
    project = next(p for p in _projects(praha14.id) if p.code == "P14-NEW")
    steps.append(("activity", "create", _activity(site, client, praha14.id, "P14-NEW")))
    tool = {"project_id": "P14-NEW", "tool": "decidim", "purpose": "voting", "rating": "4"}
    steps.append(("tool_usage", "create", _save(site, client, "tool", tool, district)))
    state = {("entry-update-state", "data"): {"id": project.id, "code": "P14-NEW", "version": 1}}
    update = {"stage": "collecting_input", "progress_pct": "30 %", "note": "Sběr podnětů"}
    steps.append(("project_update", "update", _save(site, client, "update", update, state)))
    base = {
        ("entry-correct-base", "data"): {
            "entity": "project",
            "id": project.id,
            "version": 2,
            "values": {"title": "Nový park"},
        }
    }
    steps.append(("project", "correct", _save(site, client, "correct", {"title": "Park"}, base)))
    for entity, _action, response in steps:
        assert "Uloženo" in _text(response), (entity, _text(response))
    with session_scope() as s:
        events = s.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.source == "form",
                AuditEvent.username == "city",
                AuditEvent.entity != "user_account",  # the sign-in
            )
            .order_by(AuditEvent.id)
        ).all()
    assert [(e.entity, e.action) for e in events] == [(e, a) for e, a, _ in steps]
    assert all(e.district_id == praha14.id and e.user_id is not None for e in events)
    correction = events[-1]
    assert correction.before["title"] == "Nový park" and correction.after["title"] == "Park"
    assert events[0].before is None and events[0].after["title"] == "Nový park"


def _projects(district_id: int) -> list[Project]:
    with session_scope() as s:
        return list(s.scalars(select(Project).where(Project.district_id == district_id)).all())


def test_a_create_form_without_a_district_says_so(site):
    client = site.client("city")
    before = _counts()
    response = _save(site, client, "activity", ACTIVITY, {("entry-district", "value"): None})
    assert "Vyberte městskou část." in _text(response) and _counts() == before
