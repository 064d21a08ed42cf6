"""The database itself enforces FORMATS.md's rules, naming the rule it enforced."""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import DataError, IntegrityError

from models import (
    Activity,
    District,
    DistrictGoal,
    Project,
    RejectedRecord,
    Tool,
    ToolUsage,
    UserAccount,
)
from models.db import get_engine, session_scope


@pytest.fixture
def seeded(db_url):
    """One project in Praha 1, one in Praha 3; ids for building bad rows."""
    with session_scope(db_url) as s:
        d1 = s.scalars(select(District).where(District.code == 500054)).one()
        d3 = s.scalars(select(District).where(District.code == 500097)).one()
        tool = s.scalars(select(Tool).where(Tool.name == "D21")).one()
        p1 = Project(
            district_id=d1.id, code="P-1", title="Park", kind="survey", stage="preparation"
        )
        p3 = Project(district_id=d3.id, code="P-1", title="Náměstí", kind="survey", stage="voting")
        s.add_all([p1, p3])
        s.flush()
        ids = {"d1": d1.id, "d3": d3.id, "p1": p1.id, "p3": p3.id, "tool": tool.id}
    return db_url, ids


def _project(ids, **over):
    row = dict(
        district_id=ids["d1"], code="P-2", title="Ulice", kind="consultation", stage="evaluation"
    )
    row.update(over)
    return Project, row


def _activity(ids, **over):
    row = dict(
        district_id=ids["d1"],
        project_id=ids["p1"],
        date=dt.date(2021, 5, 1),
        activity="workshop",
        channel="in_person",
        participants=40,
        version=1,
        source="import",
    )
    row.update(over)
    return Activity, row


def _usage(ids, **over):
    row = dict(
        district_id=ids["d1"],
        project_id=ids["p1"],
        tool_id=ids["tool"],
        purpose="voting",
        version=1,
        source="import",
    )
    row.update(over)
    return ToolUsage, row


now = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)

# (case id, builder, overrides, text the error must contain on sqlite, on postgresql)
CASES = [
    ("title blank", _project, {"title": "  "}, "ck_project_title_not_blank", None),
    (
        "title too long",
        _project,
        {"title": "x" * 301},
        "ck_project_title_max_300",
        "value too long",
    ),
    ("kind unknown", _project, {"kind": "referendum"}, "ck_project_kind_valid", None),
    ("stage unknown", _project, {"stage": "someday"}, "ck_project_stage_valid", None),
    ("topic unknown", _project, {"topic": "sport"}, "ck_project_topic_valid", None),
    (
        "end before start",
        _project,
        {"start_date": dt.date(2021, 6, 1), "end_date": dt.date(2021, 1, 1)},
        "ck_project_end_not_before_start",
        None,
    ),
    (
        "negative budget",
        _project,
        {"budget_czk": Decimal("-1")},
        "ck_project_budget_non_negative",
        None,
    ),
    (
        "progress over 100",
        _project,
        {"progress_pct": Decimal("100.5")},
        "ck_project_progress_range",
        None,
    ),
    (
        "progress negative",
        _project,
        {"progress_pct": Decimal("-1")},
        "ck_project_progress_range",
        None,
    ),
    (
        "title missing",
        _project,
        {"title": None},
        "NOT NULL constraint failed: project.title",
        'null value in column "title"',
    ),
    (
        "duplicate project id",
        _project,
        {"code": "P-1"},
        "UNIQUE constraint failed: project.district_id, project.code",
        "uq_project_district_code",
    ),
    (
        "unknown district",
        _project,
        {"district_id": 999_999},
        "FOREIGN KEY constraint failed",
        "fk_project_district_id_district",
    ),
    (
        "negative participants",
        _activity,
        {"participants": -1},
        "ck_activity_participants_non_negative",
        None,
    ),
    (
        "youth above participants",
        _activity,
        {"youth_participants": 41},
        "ck_activity_youth_within_participants",
        None,
    ),
    (
        "negative youth",
        _activity,
        {"youth_participants": -1},
        "ck_activity_youth_within_participants",
        None,
    ),
    (
        "negative proposals",
        _activity,
        {"proposals": -3},
        "ck_activity_proposals_non_negative",
        None,
    ),
    ("negative votes", _activity, {"votes": -3}, "ck_activity_votes_non_negative", None),
    ("unknown channel", _activity, {"channel": "telepathy"}, "ck_activity_channel_valid", None),
    ("unknown activity", _activity, {"activity": "party"}, "ck_activity_activity_valid", None),
    (
        "activity date missing",
        _activity,
        {"date": None},
        "NOT NULL constraint failed: activity.date",
        'null value in column "date"',
    ),
    (
        "activity of another district's project",
        _activity,
        {"project_id": "p3"},
        "FOREIGN KEY constraint failed",
        "fk_activity_project_same_district",
    ),
    ("rating 0", _usage, {"rating": 0}, "ck_tool_usage_rating_range", None),
    ("rating 6", _usage, {"rating": 6}, "ck_tool_usage_rating_range", None),
    (
        "negative cost",
        _usage,
        {"cost_czk": Decimal("-10")},
        "ck_tool_usage_cost_non_negative",
        None,
    ),
    ("unknown purpose", _usage, {"purpose": "fun"}, "ck_tool_usage_purpose_valid", None),
    (
        "usage of another district's project",
        _usage,
        {"project_id": "p3"},
        "FOREIGN KEY constraint failed",
        "fk_tool_usage_project_same_district",
    ),
]


@pytest.mark.parametrize(
    ("builder", "overrides", "sqlite_text", "pg_text"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_constraint_rejects(seeded, backend, builder, overrides, sqlite_text, pg_text):
    url, ids = seeded
    overrides = {k: ids[v] if isinstance(v, str) and v in ids else v for k, v in overrides.items()}
    table, row = builder(ids, **overrides)
    expected = sqlite_text if backend == "sqlite" or pg_text is None else pg_text
    # PostgreSQL's VARCHAR(300) refuses an over-long title (DataError) before the CHECK.
    with pytest.raises((IntegrityError, DataError)) as excinfo, get_engine(url).begin() as conn:
        conn.execute(insert(table), [{"created_at": now, "updated_at": now, **row}])
    assert expected in str(excinfo.value)


def test_valid_rows_are_accepted(seeded):
    """The same builders with good values insert: the failures above are the rule, not noise."""
    url, ids = seeded
    with get_engine(url).begin() as conn:
        for table, row in (
            _project(
                ids,
                budget_czk=Decimal("1500000.50"),
                progress_pct=Decimal("45.5"),
                topic="transport",
            ),
            _activity(ids, youth_participants=40, proposals=0, votes=0),
            _usage(ids, rating=5, cost_czk=Decimal("0")),
        ):
            conn.execute(insert(table), [{"created_at": now, "updated_at": now, **row}])


def test_activity_identity_without_id_is_unique(seeded, backend):
    url, ids = seeded
    table, row = _activity(ids)
    with get_engine(url).begin() as conn:
        conn.execute(insert(table), [{"created_at": now, "updated_at": now, **row}])
    with (
        pytest.raises(IntegrityError, match="UNIQUE|uq_activity_identity"),
        get_engine(url).begin() as conn,
    ):
        conn.execute(insert(table), [{"created_at": now, "updated_at": now, **row}])
    # With distinct activity ids the same date/type/channel may repeat.
    with get_engine(url).begin() as conn:
        for aid in ("A-1", "A-2"):
            conn.execute(
                insert(table), [{"created_at": now, "updated_at": now, **row, "activity_id": aid}]
            )
    with (
        pytest.raises(IntegrityError, match="UNIQUE|uq_activity_district_activity_id"),
        get_engine(url).begin() as conn,
    ):
        conn.execute(
            insert(table), [{"created_at": now, "updated_at": now, **row, "activity_id": "A-1"}]
        )


def test_tool_usage_identity_is_unique(seeded):
    url, ids = seeded
    table, row = _usage(ids)
    with get_engine(url).begin() as conn:
        conn.execute(insert(table), [{"created_at": now, "updated_at": now, **row}])
    with (
        pytest.raises(IntegrityError, match="UNIQUE|uq_tool_usage_identity"),
        get_engine(url).begin() as conn,
    ):
        conn.execute(insert(table), [{"created_at": now, "updated_at": now, **row, "rating": 3}])


def test_district_account_needs_a_district_and_roles_are_known(seeded):
    url, ids = seeded
    base = dict(username="x", password_hash="h", is_active=True, failed_logins=0, created_at=now)
    for row, rule in (
        ({"role": "district", "district_id": None}, "ck_user_account_district_role_has_district"),
        ({"role": "city", "district_id": ids["d1"]}, "ck_user_account_district_role_has_district"),
        ({"role": "mayor", "district_id": None}, "ck_user_account_role_valid"),
    ):
        with pytest.raises(IntegrityError, match=rule), get_engine(url).begin() as conn:
            conn.execute(insert(UserAccount), [{**base, **row}])
    with get_engine(url).begin() as conn:
        conn.execute(insert(UserAccount), [{**base, "role": "district", "district_id": ids["d1"]}])


def test_goal_and_rejected_record_rules(seeded):
    url, ids = seeded
    with (
        pytest.raises(IntegrityError, match="ck_district_goal_type_valid"),
        get_engine(url).begin() as conn,
    ):
        conn.execute(
            insert(DistrictGoal),
            [
                dict(
                    district_id=ids["d1"],
                    type="wish",
                    title="t",
                    status="open",
                    version=1,
                    created_at=now,
                )
            ],
        )
    with (
        pytest.raises(IntegrityError, match="FOREIGN KEY|fk_rejected_record"),
        get_engine(url).begin() as conn,
    ):
        conn.execute(
            insert(RejectedRecord),
            [
                dict(
                    run_id=12345,
                    file_id=1,
                    kind="projects",
                    row_number=2,
                    raw={},
                    reasons_cs=[],
                    reasons_en=[],
                    created_at=now,
                )
            ],
        )
