"""The database tables (SQLModel). Only this module defines tables.

The database enforces the rules of FORMATS.md wherever a constraint can: foreign keys,
unique natural keys, CHECKs and NOT NULL. Constraint names follow the naming convention
set in ``models/base.py`` (``ck_<table>_<rule>``, ``uq_<table>_<columns>``), so an
error names the rule that was broken.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Numeric,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from models.base import utcnow
from models.vocabulary import values

AMOUNT = Numeric(14, 2)
PERCENT = Numeric(5, 2)


def _one_of(column: str, vocabulary: str) -> str:
    listed = ", ".join(f"'{v}'" for v in values(vocabulary))
    return f"{column} IN ({listed})"


def _not_blank(column: str) -> str:
    return f"length(trim({column})) > 0"


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False)


# ------------------------------------------------------------------ reference data


class District(SQLModel, table=True):
    """A Prague city district (městská část); reference data."""

    __table_args__ = (
        CheckConstraint("population >= 0", name="population_non_negative"),
        CheckConstraint(_not_blank("name"), name="name_not_blank"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: int = Field(unique=True, index=True, description="official code (kod_mc), e.g. 500054")
    name: str = Field(unique=True, max_length=100, description="full name, e.g. Praha-Lipence")
    short_name: str = Field(max_length=100, description="short name, e.g. Lipence")
    slug: str = Field(unique=True, max_length=100, description="URL slug, e.g. praha-lipence")
    population: int
    population_year: int
    population_source: str = Field(max_length=200)
    is_pilot: bool = Field(default=False, index=True)


class Tool(SQLModel, table=True):
    """A civic-tech tool: a catalogue entry, or an uncatalogued tool found in an import."""

    __table_args__ = (
        CheckConstraint(_not_blank("name"), name="name_not_blank"),
        CheckConstraint(
            "licence IS NULL OR licence IN "
            "('open_source', 'commercial', 'free_service', 'not_applicable')",
            name="licence_valid",
        ),
        CheckConstraint(
            "czech IS NULL OR czech IN ('full', 'partial', 'none')", name="czech_valid"
        ),
        *(
            CheckConstraint(
                f"score_{c} IS NULL OR score_{c} BETWEEN 1 AND 5", name=f"score_{c}_range"
            )
            for c in ("cost", "capacity", "features", "accessibility", "ethics", "track_record")
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    catalogued: bool = Field(default=True, description="False: first seen in an import")
    needs_review: bool = Field(default=False)
    category: str | None = Field(default=None, max_length=50)
    licence: str | None = Field(default=None, max_length=30)
    cost_model: str | None = Field(default=None, max_length=30)
    czech: str | None = Field(default=None, max_length=10, description="Czech support")
    website: str | None = Field(default=None, max_length=300)
    description_cs: str | None = None
    description_en: str | None = None
    # features
    has_proposals: bool = False
    has_voting: bool = False
    has_surveys: bool = False
    has_mapping: bool = False
    has_issue_reporting: bool = False
    has_messaging: bool = False
    has_results_exports: bool = False
    # People Powered's six criteria, 1 (weak) .. 5 (strong)
    score_cost: int | None = None
    score_capacity: int | None = None
    score_features: int | None = None
    score_accessibility: int | None = None
    score_ethics: int | None = None
    score_track_record: int | None = None
    assessment_notes: dict | None = Field(default=None, sa_column=Column(JSON))
    created_at: dt.datetime = _created()


class ToolAlias(SQLModel, table=True):
    """Another spelling of a tool's name; ``key`` is its compact key (unique)."""

    __tablename__ = "tool_alias"

    id: int | None = Field(default=None, primary_key=True)
    tool_id: int = Field(foreign_key="tool.id", index=True, ondelete="CASCADE")
    alias: str = Field(max_length=200)
    key: str = Field(unique=True, max_length=200)


# ------------------------------------------------------------------ participation data


class Project(SQLModel, table=True):
    """A participation process of a district. ``code`` is the district's own project id."""

    __table_args__ = (
        UniqueConstraint("district_id", "code", name="uq_project_district_code"),
        UniqueConstraint("id", "district_id", name="uq_project_id_district"),
        CheckConstraint(_not_blank("code"), name="code_not_blank"),
        CheckConstraint(_not_blank("title"), name="title_not_blank"),
        CheckConstraint("length(title) <= 300", name="title_max_300"),
        CheckConstraint(_one_of("kind", "kind"), name="kind_valid"),
        CheckConstraint(_one_of("stage", "stage"), name="stage_valid"),
        CheckConstraint("topic IS NULL OR " + _one_of("topic", "topic"), name="topic_valid"),
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name="end_not_before_start",
        ),
        CheckConstraint("budget_czk IS NULL OR budget_czk >= 0", name="budget_non_negative"),
        CheckConstraint(
            "progress_pct IS NULL OR (progress_pct >= 0 AND progress_pct <= 100)",
            name="progress_range",
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_project_district_stage", "district_id", "stage"),
        Index("ix_project_dates", "start_date", "end_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    district_id: int = Field(foreign_key="district.id", index=True)
    code: str = Field(max_length=100, description="project_id as the district gives it")
    title: str = Field(max_length=300)
    kind: str = Field(max_length=40)
    stage: str = Field(max_length=40)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget_czk: Decimal | None = Field(default=None, sa_type=AMOUNT)
    topic: str | None = Field(default=None, max_length=40)
    progress_pct: Decimal | None = Field(default=None, sa_type=PERCENT)
    coordinator: str | None = Field(default=None, max_length=200)
    description: str | None = None
    url: str | None = Field(default=None, max_length=1000)
    updated_on: dt.date | None = None
    extra: dict | None = Field(default=None, sa_column=Column(JSON), description="unknown columns")
    source: str = Field(default="import", max_length=20)
    version: int = Field(default=1, description="optimistic lock for edits")
    created_at: dt.datetime = _created()
    updated_at: dt.datetime = _created()


class ProjectUpdate(SQLModel, table=True):
    """One entry of a project's stage/progress history; append-only."""

    __tablename__ = "project_update"
    __table_args__ = (
        CheckConstraint(_one_of("stage", "stage"), name="stage_valid"),
        CheckConstraint(
            "progress_pct IS NULL OR (progress_pct >= 0 AND progress_pct <= 100)",
            name="progress_range",
        ),
        CheckConstraint("source IN ('import', 'form', 'api', 'cli')", name="source_valid"),
        Index("ix_project_update_project_date", "project_id", "effective_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    effective_date: dt.date
    stage: str = Field(max_length=40)
    progress_pct: Decimal | None = Field(default=None, sa_type=PERCENT)
    note: str | None = None
    source: str = Field(default="import", max_length=20)
    import_run_id: int | None = Field(default=None, foreign_key="import_run.id")
    user_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: dt.datetime = _created()


class Activity(SQLModel, table=True):
    """An engagement event of a project: a workshop, a survey, a vote..."""

    __table_args__ = (
        ForeignKeyConstraint(
            ["project_id", "district_id"],
            ["project.id", "project.district_id"],
            name="fk_activity_project_same_district",
        ),
        Index(
            "uq_activity_district_activity_id",
            "district_id",
            "activity_id",
            unique=True,
            sqlite_where=text("activity_id IS NOT NULL"),
            postgresql_where=text("activity_id IS NOT NULL"),
        ),
        Index(
            "uq_activity_identity",
            "district_id",
            "project_id",
            "date",
            "activity",
            "channel",
            unique=True,
            sqlite_where=text("activity_id IS NULL"),
            postgresql_where=text("activity_id IS NULL"),
        ),
        CheckConstraint(_one_of("activity", "activity"), name="activity_valid"),
        CheckConstraint(_one_of("channel", "channel"), name="channel_valid"),
        CheckConstraint("participants >= 0", name="participants_non_negative"),
        CheckConstraint("proposals IS NULL OR proposals >= 0", name="proposals_non_negative"),
        CheckConstraint("votes IS NULL OR votes >= 0", name="votes_non_negative"),
        CheckConstraint(
            "youth_participants IS NULL OR "
            "(youth_participants >= 0 AND youth_participants <= participants)",
            name="youth_within_participants",
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        # No index on project_id alone: projects are never deleted, activities are read
        # per district (and date); one index less is 6 % faster bulk imports.
        Index("ix_activity_district_date", "district_id", "date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    district_id: int = Field(foreign_key="district.id")
    project_id: int
    activity_id: str | None = Field(default=None, max_length=100)
    date: dt.date
    activity: str = Field(max_length=40)
    channel: str = Field(max_length=40)
    participants: int
    proposals: int | None = None
    votes: int | None = None
    youth_participants: int | None = None
    note: str | None = None
    extra: dict | None = Field(default=None, sa_column=Column(JSON))
    source: str = Field(default="import", max_length=20)
    version: int = 1
    created_at: dt.datetime = _created()
    updated_at: dt.datetime = _created()


class ToolUsage(SQLModel, table=True):
    """A tool used by a project for a purpose, with its cost and the district's rating."""

    __tablename__ = "tool_usage"
    __table_args__ = (
        ForeignKeyConstraint(
            ["project_id", "district_id"],
            ["project.id", "project.district_id"],
            name="fk_tool_usage_project_same_district",
        ),
        UniqueConstraint(
            "district_id", "project_id", "tool_id", "purpose", name="uq_tool_usage_identity"
        ),
        CheckConstraint(_one_of("purpose", "purpose"), name="purpose_valid"),
        CheckConstraint("cost_czk IS NULL OR cost_czk >= 0", name="cost_non_negative"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_tool_usage_tool", "tool_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    district_id: int = Field(foreign_key="district.id", index=True)
    project_id: int
    tool_id: int = Field(foreign_key="tool.id")
    tool_as_given: str | None = Field(default=None, max_length=200)
    purpose: str = Field(max_length=40)
    cost_czk: Decimal | None = Field(default=None, sa_type=AMOUNT)
    rating: int | None = None
    extra: dict | None = Field(default=None, sa_column=Column(JSON))
    source: str = Field(default="import", max_length=20)
    version: int = 1
    created_at: dt.datetime = _created()
    updated_at: dt.datetime = _created()


class DistrictGoal(SQLModel, table=True):
    """A district's participation need or goal, optionally tied to a tool feature."""

    __tablename__ = "district_goal"
    __table_args__ = (
        CheckConstraint("type IN ('need', 'goal')", name="type_valid"),
        CheckConstraint(_not_blank("title"), name="title_not_blank"),
        CheckConstraint(
            "feature IS NULL OR feature IN ('proposals', 'voting', 'surveys', 'mapping', "
            "'issue_reporting', 'messaging', 'results_exports')",
            name="feature_valid",
        ),
        CheckConstraint("target_value IS NULL OR target_value >= 0", name="target_non_negative"),
        CheckConstraint("status IN ('open', 'met', 'dropped')", name="status_valid"),
    )

    id: int | None = Field(default=None, primary_key=True)
    district_id: int = Field(foreign_key="district.id", index=True)
    type: str = Field(max_length=10)
    title: str = Field(max_length=300)
    description: str | None = None
    feature: str | None = Field(default=None, max_length=30, description="tool feature it needs")
    target_value: Decimal | None = Field(default=None, sa_type=Numeric(14, 2))
    target_unit: str | None = Field(default=None, max_length=50)
    due_date: dt.date | None = None
    status: str = Field(default="open", max_length=10)
    version: int = 1
    created_at: dt.datetime = _created()


# ------------------------------------------------------------------ accounts and audit


class UserAccount(SQLModel, table=True):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(_one_of("role", "role"), name="role_valid"),
        CheckConstraint(
            "(role = 'district') = (district_id IS NOT NULL)", name="district_role_has_district"
        ),
        CheckConstraint(_not_blank("username"), name="username_not_blank"),
        CheckConstraint("failed_logins >= 0", name="failed_logins_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=100)
    password_hash: str = Field(max_length=300)
    role: str = Field(max_length=20)
    district_id: int | None = Field(default=None, foreign_key="district.id")
    is_active: bool = True
    failed_logins: int = 0
    locked_until: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    last_login_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: dt.datetime = _created()


class ApiToken(SQLModel, table=True):
    """A bearer token for the JSON API, owned by a user. Only the SHA-256 of the token is
    kept (the token is 32 random bytes, so a fast hash is enough); ``prefix`` (its first
    8 characters) tells tokens apart in listings."""

    __tablename__ = "api_token"
    __table_args__ = (
        CheckConstraint("length(token_hash) = 64", name="token_hash_sha256"),
        CheckConstraint("length(prefix) = 8", name="prefix_length"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    name: str | None = Field(default=None, max_length=100, description="what it is for")
    token_hash: str = Field(unique=True, max_length=64, description="sha256 hex of the token")
    prefix: str = Field(max_length=8)
    created_at: dt.datetime = _created()
    last_used_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    revoked_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class AuditEvent(SQLModel, table=True):
    """Who changed what, when, from where; before and after. Never edited."""

    __tablename__ = "audit_event"
    __table_args__ = (
        CheckConstraint(_not_blank("action"), name="action_not_blank"),
        Index("ix_audit_event_at", "at"),
        Index("ix_audit_event_entity", "entity", "entity_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = _created()
    user_id: int | None = Field(default=None, foreign_key="user_account.id")
    username: str | None = Field(default=None, max_length=100)
    action: str = Field(max_length=40, description="insert, update, login, disable...")
    entity: str = Field(max_length=40, description="table name")
    entity_id: int | None = None
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    source: str = Field(max_length=20, description="form, api, import, cli")
    remote_addr: str | None = Field(default=None, max_length=100)
    import_run_id: int | None = Field(default=None, foreign_key="import_run.id")
    before: dict | None = Field(default=None, sa_column=Column(JSON))
    after: dict | None = Field(default=None, sa_column=Column(JSON))


# ------------------------------------------------------------------ imports


class ImportRun(SQLModel, table=True):
    __tablename__ = "import_run"
    __table_args__ = (
        CheckConstraint("status IN ('running', 'completed', 'failed')", name="status_valid"),
    )

    id: int | None = Field(default=None, primary_key=True)
    started_at: dt.datetime = _created()
    finished_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    status: str = Field(default="running", max_length=20)
    inbox: str = Field(max_length=1000)
    error: str | None = None
    counts: dict | None = Field(default=None, sa_column=Column(JSON))
    triggered_by: str | None = Field(default=None, max_length=100)


class ImportFile(SQLModel, table=True):
    __tablename__ = "import_file"
    __table_args__ = (
        CheckConstraint("status IN ('accepted', 'skipped', 'rejected')", name="status_valid"),
        CheckConstraint("rows_total >= 0", name="rows_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="import_run.id", index=True)
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    path: str = Field(max_length=1000, description="relative to the inbox, / separators")
    status: str = Field(max_length=20)
    reason_cs: str | None = None
    reason_en: str | None = None
    sha256: str | None = Field(default=None, max_length=64)
    size_bytes: int | None = None
    kinds: list | None = Field(default=None, sa_column=Column(JSON))
    rows_total: int = 0
    notes: list | None = Field(
        default=None, sa_column=Column(JSON), description="[{cs, en}] warnings about the file"
    )


class RejectedRecord(SQLModel, table=True):
    """A row that broke the rules, kept with its raw values and all its reasons."""

    __tablename__ = "rejected_record"
    __table_args__ = (
        CheckConstraint("kind IN ('projects', 'activities', 'tool_usage')", name="kind_valid"),
        CheckConstraint("row_number >= 1", name="row_number_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="import_run.id", index=True)
    file_id: int = Field(foreign_key="import_file.id", index=True)
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    kind: str = Field(max_length=20)
    location: str | None = Field(default=None, max_length=200, description="XLSX sheet")
    row_number: int = Field(description="as the user sees it: spreadsheet row, CSV line")
    raw: dict = Field(sa_column=Column(JSON, nullable=False))
    reasons_cs: list = Field(sa_column=Column(JSON, nullable=False))
    reasons_en: list = Field(sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = _created()
