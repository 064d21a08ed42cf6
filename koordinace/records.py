"""Manual edits of participation data: the one write service behind the entry forms and
the JSON API.

Every write here

- authorises first, on the server (``authorise``): city and admin may write any
  district, a district coordinator only their own, leadership never;
- validates with the import's own code: the values go through ``etl.normalise`` as a
  one-row table whose headers are the canonical field names, so "15. 3. 2026",
  "1 234,50" or "45 %" are read, and refused, exactly as in an imported file, with the
  same messages; field-specific reasons come back per field (``Invalid.fields``);
  references to projects and tool names are resolved as the import resolves them;
- locks optimistically: the caller sends the ``version`` it started from and the
  update is ``WHERE id = :id AND version = :version`` (a lost race is a ``Conflict``);
- writes one ``AuditEvent`` (before/after) in the same transaction.

The caller owns the transaction (``models.db.session_scope``): nothing here commits.
Expected refusals (``Forbidden``, ``NotFound``, ``Invalid``, ``Conflict`` found by a
check) are raised before anything is written. A write lost at the database to a
concurrent one (the version check of the update, a unique index) rolls the session back
before ``Conflict`` is raised, so nothing of the attempt survives even when the caller
catches the error.

Records are returned as JSON-safe dicts (``get_record``): the kind's fields as named in
files and exports (``project_id`` is the district's project code, also for a project
itself; ``tool`` is the tool's name), plus ``id``, ``district_id``, ``extra``,
``source``, ``version`` and ``updated_at``. Dates are ISO strings, amounts and
percentages floats (two decimals in the database, exact in a float at their size).

One deliberate difference from the import: Excel stores a cell shown as "45 %" as the
number 0.45 and the import reads a column of such numbers as percentages. A number
typed into a form or sent through the API is the percentage itself (0.45 is 0.45 %).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from etl import values as V
from etl.checks import unknown_project_reason
from etl.load import FIELD_TYPES, add_uncatalogued_tools, python_value
from etl.normalise import Reason, normalise_table, storable_text, unstorable_reason
from etl.readers import RawTable
from models import (
    Activity,
    AuditEvent,
    District,
    Project,
    ProjectUpdate,
    Tool,
    ToolAlias,
    ToolUsage,
)
from models.base import utcnow
from models.vocabulary import FieldSpec, compact_key, record_kind, vocabulary

RECORD = "_record"
"""Key of ``Invalid.fields`` for reasons about the whole record (no single field)."""
WRITE_ANYWHERE = frozenset({"city", "admin"})
SOURCES = frozenset({"form", "api", "cli"})
ENTITIES = {"project": "projects", "activity": "activities", "tool_usage": "tool_usage"}
"""Entity (table) name -> record kind (``vocabulary.toml``)."""
_MODELS = {"project": Project, "activity": Activity, "tool_usage": ToolUsage}
_ROW = 1  # the one row of the table handed to the normaliser
EFFECTIVE_DATE = ("Datum účinnosti", "Effective date")
NOTE = ("Poznámka", "Note")
UPDATE_FIELDS = ("stage", "progress_pct", "note", "effective_date")
ACTIVITY_IDENTITY = ("project_id", "activity_id", "date", "activity", "channel")
USAGE_IDENTITY = ("project_id", "tool", "purpose")


# ------------------------------------------------------------------ actors and errors


@dataclass(frozen=True)
class Actor:
    """Who writes: the signed-in account (form), the API client, or the command line."""

    username: str
    role: str  # "city" | "district" | "leadership" | "admin"
    district_id: int | None  # set for role "district"
    user_id: int | None = None
    source: str = "form"  # "form" | "api" | "cli"
    remote_addr: str | None = None


class RecordError(Exception):
    """A write that cannot be carried out: an HTTP-like ``status``, a message in Czech
    and English, and reasons per field (``RECORD`` for the whole record)."""

    status = 400

    def __init__(self, cs: str, en: str, fields: dict[str, list[Reason]] | None = None):
        super().__init__(en)
        self.cs = cs
        self.en = en
        self.fields: dict[str, list[Reason]] = fields or {}

    def __str__(self) -> str:
        return f"{self.cs} / {self.en}"

    def as_json(self, lang: str | None = None) -> dict:
        """``{"error": ..., "errors": {field: [...]}}``: each message a {cs, en} dict, or
        one language's text when ``lang`` is "cs" or "en"."""

        def text(cs: str, en: str):
            if lang in ("cs", "en"):
                return cs if lang == "cs" else en
            return {"cs": cs, "en": en}

        out: dict[str, Any] = {"error": text(self.cs, self.en)}
        if self.fields:
            out["errors"] = {
                name: [text(cs, en) for cs, en in reasons] for name, reasons in self.fields.items()
            }
        return out


class Forbidden(RecordError):
    status = 403


class NotFound(RecordError):
    status = 404


class Invalid(RecordError):
    """Values that break a rule: ``fields`` maps each field to its reasons (``RECORD``:
    reasons about the whole record); the message defaults to a general one."""

    status = 422

    def __init__(
        self,
        cs: str = "Záznam nelze uložit: opravte označené údaje",
        en: str = "The record cannot be saved: correct the marked values",
        fields: dict[str, list[Reason]] | None = None,
    ):
        super().__init__(cs, en, fields)


Change = tuple[str, str, str, Any, Any]  # (field, label_cs, label_en, your value, stored value)


class Conflict(RecordError):
    """The record changed since the caller read it, or the same record already exists.

    ``current``: the stored record (JSON-safe, with its version); ``changes``: the fields
    where what the caller has differs from what is stored.
    """

    status = 409

    def __init__(self, cs: str, en: str, current: dict | None, changes: list[Change]):
        super().__init__(cs, en)
        self.current = current or {}
        self.changes = changes

    def as_json(self, lang: str | None = None) -> dict:
        out = super().as_json(lang)
        out["current"] = self.current
        out["changes"] = [
            {
                "field": name,
                "label_cs": label_cs,
                "label_en": label_en,
                "yours": yours,
                "stored": stored,
            }
            for name, label_cs, label_en, yours, stored in self.changes
        ]
        return out


# ------------------------------------------------------------------ authorisation


def can_write(actor: Actor, district_id: int) -> bool:
    """City and admin: any district; a district coordinator: their own; leadership: none."""
    if actor.role in WRITE_ANYWHERE:
        return True
    if actor.role == "district":
        return actor.district_id is not None and actor.district_id == district_id
    return False


def authorise(actor: Actor, district_id: int, *, district_name: str | None = None) -> None:
    """Raise ``Forbidden`` unless ``actor`` may write data of the district."""
    if can_write(actor, district_id):
        return
    name = district_name or f"č. {district_id}"
    name_en = district_name or f"no. {district_id}"
    raise Forbidden(
        f"Nemáte oprávnění zapisovat údaje městské části {name}",
        f"You are not allowed to write data of the district {name_en}",
    )


def _authorised_district(session: Session, actor: Actor, district_id: int) -> District:
    if actor.source not in SOURCES:
        raise ValueError(f"unknown source {actor.source!r} (expected one of {sorted(SOURCES)})")
    district = session.get(District, district_id)
    authorise(actor, district_id, district_name=district.name if district else None)
    if district is None:
        raise NotFound(
            f"Městská část č. {district_id} neexistuje",
            f"District no. {district_id} does not exist",
        )
    return district


def _stored(session: Session, entity: str, record_id: int):
    if entity not in _MODELS:
        raise NotFound(
            f"Neznámý druh záznamu „{entity}“ (povolené: {', '.join(_MODELS)})",
            f"Unknown kind of record '{entity}' (allowed: {', '.join(_MODELS)})",
        )
    row = session.get(_MODELS[entity], record_id)
    if row is None:
        raise NotFound(
            f"Záznam {entity} č. {record_id} neexistuje",
            f"Record {entity} no. {record_id} does not exist",
        )
    return row


# ------------------------------------------------------------------ validation


def _unknown_field(name: str, kind: str) -> Reason:
    allowed = ", ".join(f.name for f in record_kind(kind).fields)
    return (
        f"Neznámé pole „{name}“ (povolená: {allowed})",
        f"Unknown field '{name}' (allowed: {allowed})",
    )


def _not_scalar(spec: FieldSpec) -> Reason:
    return (
        f"{spec.label_cs}: hodnota musí být text nebo číslo",
        f"{spec.label_en}: the value must be text or a number",
    )


def _cell(spec: FieldSpec, value):
    """A value as typed in a form or sent by the API -> a cell as a file would hold it."""
    if value is None or isinstance(value, str | dt.date):
        return value
    if isinstance(value, bool):
        return str(value)  # refused by the parsers like a cell "True" would be
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, int | float):
        if spec.type == "percent" and not (isinstance(value, float) and math.isnan(value)):
            # a typed number is the percentage itself, never an Excel fraction cell
            return format(Decimal(repr(value)), "f")
        return value
    raise TypeError


def _typed(name: str, value):
    """A clean frame cell as the Python value stored (Decimal for amounts)."""
    kind = FIELD_TYPES.get(name)
    value = python_value(value, kind)
    if value is not None and kind == "amount":
        return Decimal(f"{value:.2f}")
    return value


def _normalise(kind: str, values: dict) -> tuple[dict, dict[str, list[Reason]]]:
    """One record of ``kind`` through the import's normaliser.

    Returns the typed values of the given fields and the reasons per field (unknown
    fields included); a field with a reason has no typed value.
    """
    specs = {f.name: f for f in record_kind(kind).fields}
    errors: dict[str, list[Reason]] = {}
    cells = {}
    for name, value in values.items():
        spec = specs.get(name)
        if spec is None:
            errors.setdefault(name, []).append(_unknown_field(name, kind))
            continue
        try:
            cells[name] = _cell(spec, value)
        except TypeError:
            errors.setdefault(name, []).append(_not_scalar(spec))
    if not cells:
        return {}, errors
    frame = pd.DataFrame([cells], index=[_ROW], dtype=object)
    table = RawTable(
        kind=kind,
        location=None,
        frame=frame,
        columns={name: name for name in cells},
        district_column=None,
        header_row=0,
    )
    result = normalise_table(table, district_code=0, folder="", district_lookup={})
    for name, reason in result.field_reasons(_ROW):
        errors.setdefault(name or RECORD, []).append(reason)
    row = result.clean.loc[_ROW]
    typed = {name: _typed(name, row[name]) for name in cells if name not in errors}
    return typed, errors


def _complete(kind: str, values: dict) -> dict:
    """Every field of the kind: the given values, None for the others (a new record)."""
    names = [f.name for f in record_kind(kind).fields]
    return {**dict.fromkeys(names), **values}


def _kind_fields(kind: str, record: dict) -> dict:
    names = {f.name for f in record_kind(kind).fields}
    return {k: v for k, v in record.items() if k in names}


# ------------------------------------------------------------------ JSON-safe records


def _json(value):
    if isinstance(value, dt.datetime):  # stored as UTC (SQLite gives it back naive)
        utc = value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return utc.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _fields_of(entity: str) -> tuple[str, ...]:
    return tuple(f.name for f in record_kind(ENTITIES[entity]).fields)


def _as_dict(session: Session, entity: str, row) -> dict:
    out: dict[str, Any] = {"id": row.id, "district_id": row.district_id}
    for name in _fields_of(entity):
        if name == "project_id":
            if entity == "project":
                value = row.code
            else:
                value = session.get(Project, row.project_id).code
        elif name == "tool":
            value = session.get(Tool, row.tool_id).name
        else:
            value = getattr(row, name)
        out[name] = value
    if entity == "tool_usage":
        out["tool_as_given"] = row.tool_as_given
    out.update(extra=row.extra, source=row.source, version=row.version, updated_at=row.updated_at)
    return {k: _json(v) for k, v in out.items()}


def get_record(*, session: Session, entity: str, record_id: int) -> dict:
    """The stored record as a JSON-safe dict (see the module docstring); NotFound."""
    return _as_dict(session, entity, _stored(session, entity, record_id))


def _comparable(kind: str, values: dict) -> dict:
    """Values as the stored record would show them (JSON-safe); a value that does not
    parse is kept as given."""
    fields = _kind_fields(kind, values)
    typed, _ = _normalise(kind, fields)
    return {k: _json(typed[k]) if k in typed else v for k, v in fields.items()}


def _differences(kind: str, yours: dict, stored: dict, compare: dict | None = None) -> list[Change]:
    """Fields where ``compare`` (default ``yours``) differs from ``stored``; each with the
    caller's value (``yours``, else ``compare``) and the stored one."""
    compare = yours if compare is None else compare
    spec = record_kind(kind)
    mine = _comparable(kind, {**compare, **yours})
    against = _comparable(kind, compare)
    changes = []
    for f in spec.fields:
        if f.name in against and against[f.name] != stored.get(f.name):
            changes.append((f.name, f.label_cs, f.label_en, mine[f.name], stored.get(f.name)))
    return changes


def _stale(
    session: Session, entity: str, row, version: int, yours: dict, base: dict | None
) -> Conflict:
    current = _as_dict(session, entity, row)
    kind = ENTITIES[entity]
    if base is not None:
        changes = _differences(kind, yours, current, _kind_fields(kind, base))
    else:
        changes = _differences(kind, yours, current)
    return Conflict(
        f"Záznam mezitím změnil někdo jiný (uložená verze {current['version']}, "
        f"vaše verze {version}); zkontrolujte změny a uložte znovu",
        f"Someone else changed the record meanwhile (stored version {current['version']}, "
        f"your version {version}); review the changes and save again",
        current,
        changes,
    )


def _lost(session: Session, entity: str, record_id: int | None, version, yours, base):
    """A race lost at the database: roll back the attempt, report what is stored now."""
    session.rollback()
    row = session.get(_MODELS[entity], record_id) if record_id is not None else None
    if row is None:
        return Conflict(
            "Záznam mezitím uložil někdo jiný; zkuste to znovu",
            "Someone else saved the record meanwhile; try again",
            None,
            [],
        )
    return _stale(session, entity, row, version, yours, base)


# ------------------------------------------------------------------ references


def _project_by_code(session: Session, district_id: int, code: str) -> Project | None:
    return session.scalars(
        select(Project).where(Project.district_id == district_id, Project.code == code)
    ).first()


def _resolve_project(
    session: Session, district: District, typed: dict, errors: dict[str, list[Reason]]
) -> Project | None:
    code = typed.get("project_id")
    if code is None:
        return None
    project = _project_by_code(session, district.id, code)
    if project is None:
        errors.setdefault("project_id", []).append(unknown_project_reason(code, district.name))
    return project


def _tool_id(session: Session, name: str) -> tuple[str, int | None]:
    """The tool's compact key and the id it resolves to (catalogue aliases), if any."""
    key = compact_key(name)
    found = session.scalar(select(ToolAlias.tool_id).where(ToolAlias.key == key))
    return key, found


def _new_tool(session: Session, key: str, name: str) -> int:
    """An unknown tool kept as uncatalogued (flagged for review), as the import does."""
    return add_uncatalogued_tools(session.connection(), {key: name}, utcnow())[key]


# ------------------------------------------------------------------ audit


def _audit(
    session: Session,
    actor: Actor,
    *,
    action: str,
    entity: str,
    entity_id: int,
    district_id: int,
    before: dict | None,
    after: dict,
) -> None:
    session.add(
        AuditEvent(
            at=utcnow(),
            user_id=actor.user_id,
            username=actor.username,
            action=action,
            entity=entity,
            entity_id=entity_id,
            district_id=district_id,
            source=actor.source,
            remote_addr=actor.remote_addr,
            before=before,
            after=after,
        )
    )
    session.flush()


def _history(
    session: Session,
    actor: Actor,
    project: Project,
    *,
    effective: dt.date,
    stage: str,
    progress,
    note: str | None = None,
) -> ProjectUpdate:
    entry = ProjectUpdate(
        project_id=project.id,
        effective_date=effective,
        stage=stage,
        progress_pct=progress,
        note=note,
        source=actor.source,
        user_id=actor.user_id,
    )
    session.add(entry)
    session.flush()
    return entry


def _entry_dict(entry: ProjectUpdate) -> dict:
    return {
        "id": entry.id,
        "effective_date": _json(entry.effective_date),
        "stage": entry.stage,
        "progress_pct": _json(entry.progress_pct),
        "note": entry.note,
    }


# ------------------------------------------------------------------ create


def _insert(session: Session, entity: str, row, yours: dict, find) -> None:
    """Add a new record; a twin saved meanwhile by another session (a unique index
    refuses the insert) is a Conflict with the stored twin (``find()`` after rollback)."""
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        twin = find()
        if twin is None:
            raise
        current = _as_dict(session, entity, twin)
        raise Conflict(
            "Stejný záznam mezitím uložil někdo jiný",
            "Someone else saved the same record meanwhile",
            current,
            _differences(ENTITIES[entity], yours, current),
        ) from None


def _new_row(actor: Actor) -> dict:
    """The bookkeeping columns of a record created by hand."""
    now = utcnow()
    return {"source": actor.source, "version": 1, "created_at": now, "updated_at": now}


def _created(session: Session, actor: Actor, entity: str, row) -> dict:
    """The new record as returned, after its audit event ("create", no before)."""
    after = _as_dict(session, entity, row)
    _audit(
        session,
        actor,
        action="create",
        entity=entity,
        entity_id=row.id,
        district_id=row.district_id,
        before=None,
        after=after,
    )
    return after


def create_project(*, session: Session, actor: Actor, district_id: int, values: dict) -> dict:
    """A new project of the district; its history starts with its stage. Conflict when
    the district already has a project with that code."""
    district = _authorised_district(session, actor, district_id)
    typed, errors = _normalise("projects", _complete("projects", values))
    if errors:
        raise Invalid(fields=errors)
    existing = _project_by_code(session, district_id, typed["project_id"])
    if existing is not None:
        current = _as_dict(session, "project", existing)
        raise Conflict(
            f"Projekt „{typed['project_id']}“ už v městské části {district.name} existuje",
            f"Project '{typed['project_id']}' already exists in {district.name}",
            current,
            _differences("projects", values, current),
        )
    code = typed.pop("project_id")
    project = Project(
        district_id=district_id,
        code=code,
        **typed,
        **_new_row(actor),
    )
    _insert(
        session, "project", project, values, lambda: _project_by_code(session, district_id, code)
    )
    _history(
        session,
        actor,
        project,
        effective=project.updated_on or dt.date.today(),
        stage=project.stage,
        progress=project.progress_pct,
    )
    return _created(session, actor, "project", project)


def _activity_identity(session: Session, district_id: int, project_fk: int, typed: dict):
    """The stored activity of the same identity (the import's natural key), if any."""
    query = select(Activity).where(Activity.district_id == district_id)
    if typed.get("activity_id") is not None:
        query = query.where(Activity.activity_id == typed["activity_id"])
    else:
        query = query.where(
            Activity.activity_id.is_(None),
            Activity.project_id == project_fk,
            Activity.date == typed["date"],
            Activity.activity == typed["activity"],
            Activity.channel == typed["channel"],
        )
    return session.scalars(query).first()


def _duplicate_activity(session: Session, existing: Activity, yours: dict) -> Conflict:
    current = _as_dict(session, "activity", existing)
    if current["activity_id"] is not None:
        cs, en = f"„{current['activity_id']}“", f"'{current['activity_id']}'"
    else:
        day = dt.date.fromisoformat(current["date"])
        activity = vocabulary("activity")
        channel = vocabulary("channel")
        a_cs, a_en = (activity.label(current["activity"], lang) for lang in ("cs", "en"))
        c_cs, c_en = (channel.label(current["channel"], lang) for lang in ("cs", "en"))
        cs = f"({current['project_id']}, {V.format_date_cs(day)}, {a_cs}, {c_cs})"
        en = f"({current['project_id']}, {day.isoformat()}, {a_en}, {c_en})"
    return Conflict(
        f"Aktivita {cs} už je uložena (záznam č. {existing.id})",
        f"Activity {en} is already stored (record no. {existing.id})",
        current,
        _differences("activities", yours, current),
    )


def create_activity(*, session: Session, actor: Actor, district_id: int, values: dict) -> dict:
    """A new activity of a project of the district (``project_id``: the project's code).
    Conflict when an activity of the same identity is stored."""
    district = _authorised_district(session, actor, district_id)
    typed, errors = _normalise("activities", _complete("activities", values))
    project = _resolve_project(session, district, typed, errors)
    if errors:
        raise Invalid(fields=errors)
    existing = _activity_identity(session, district_id, project.id, typed)
    if existing is not None:
        raise _duplicate_activity(session, existing, values)
    typed.pop("project_id")
    activity = Activity(
        district_id=district_id,
        project_id=project.id,
        **typed,
        **_new_row(actor),
    )
    _insert(
        session,
        "activity",
        activity,
        values,
        lambda: _activity_identity(session, district_id, project.id, {**typed, "project_id": None}),
    )
    return _created(session, actor, "activity", activity)


def _duplicate_usage(session: Session, existing: ToolUsage, yours: dict) -> Conflict:
    current = _as_dict(session, "tool_usage", existing)
    purpose = vocabulary("purpose")
    return Conflict(
        f"Použití nástroje {current['project_id']} – {current['tool']} – "
        f"{purpose.label(current['purpose'], 'cs')} už je uloženo (záznam č. {existing.id})",
        f"Tool usage {current['project_id']} – {current['tool']} – "
        f"{purpose.label(current['purpose'], 'en')} is already stored (record no. {existing.id})",
        current,
        _differences("tool_usage", yours, current),
    )


def _usage_identity(session: Session, district_id: int, project_fk: int, tool_id, purpose):
    if tool_id is None:
        return None  # a tool first seen now has no usage yet
    return session.scalars(
        select(ToolUsage).where(
            ToolUsage.district_id == district_id,
            ToolUsage.project_id == project_fk,
            ToolUsage.tool_id == tool_id,
            ToolUsage.purpose == purpose,
        )
    ).first()


def create_tool_usage(*, session: Session, actor: Actor, district_id: int, values: dict) -> dict:
    """A tool used by a project of the district for a purpose. The tool is found by the
    catalogue's aliases as in the import; an unknown tool is kept as uncatalogued.
    Conflict when the project already uses the tool for the purpose."""
    district = _authorised_district(session, actor, district_id)
    typed, errors = _normalise("tool_usage", _complete("tool_usage", values))
    project = _resolve_project(session, district, typed, errors)
    if errors:
        raise Invalid(fields=errors)
    key, tool_id = _tool_id(session, typed["tool"])
    existing = _usage_identity(session, district_id, project.id, tool_id, typed["purpose"])
    if existing is not None:
        raise _duplicate_usage(session, existing, values)
    if tool_id is None:
        tool_id = _new_tool(session, key, typed["tool"])
    usage = ToolUsage(
        district_id=district_id,
        project_id=project.id,
        tool_id=tool_id,
        tool_as_given=typed["tool"],
        purpose=typed["purpose"],
        cost_czk=typed["cost_czk"],
        rating=typed["rating"],
        **_new_row(actor),
    )
    _insert(
        session,
        "tool_usage",
        usage,
        values,
        lambda: _usage_identity(session, district_id, project.id, tool_id, typed["purpose"]),
    )
    return _created(session, actor, "tool_usage", usage)


# ------------------------------------------------------------------ update and correct


def _claim(
    session: Session,
    entity: str,
    row,
    version: int,
    changes: dict,
    actor: Actor,
    yours: dict,
    base: dict | None,
) -> None:
    """``UPDATE … SET changes, version + 1 WHERE id = :id AND version = :version``: of
    two sessions writing from the same version, one wins and the other gets Conflict."""
    model = _MODELS[entity]
    table = model.__table__
    statement = (
        update(table)
        .where(table.c.id == row.id, table.c.version == version)
        .values(
            **changes,
            source=actor.source,
            version=table.c.version + 1,
            updated_at=utcnow(),
        )
    )
    try:
        result = session.connection().execute(statement)
    except (OperationalError, IntegrityError) as exc:
        # OperationalError: SQLite refuses the write of a session whose snapshot is stale
        # (another session committed since it read); IntegrityError: a unique key raced.
        error = _lost(session, entity, row.id, version, yours, base)
        if isinstance(exc, OperationalError) and error.current.get("version") == version:
            raise  # not a conflict: the database is busy or failing
        raise error from None
    if result.rowcount != 1:
        raise _lost(session, entity, row.id, version, yours, base)
    session.refresh(row)


def record_project_update(
    *, session: Session, actor: Actor, project_id: int, values: dict, version: int
) -> dict:
    """Append a stage/progress entry to a project's history (``values``: stage required,
    progress_pct, note, effective_date — default today).

    When the entry is not older than the latest one, the project takes its stage, its
    progress (when given) and ``updated_on`` = the effective date, version + 1; a
    back-dated entry only joins the history. Returns the project (JSON-safe)."""
    project = _stored(session, "project", project_id)
    district = session.get(District, project.district_id)
    authorise(actor, project.district_id, district_name=district.name)
    if actor.source not in SOURCES:
        raise ValueError(f"unknown source {actor.source!r}")

    errors: dict[str, list[Reason]] = {}
    for name in values:
        if name not in UPDATE_FIELDS:
            allowed = ", ".join(UPDATE_FIELDS)
            errors[name] = [
                (
                    f"Neznámé pole „{name}“ (povolená: {allowed})",
                    f"Unknown field '{name}' (allowed: {allowed})",
                )
            ]
    typed, found = _normalise(
        "projects",
        {"stage": values.get("stage"), **{k: values[k] for k in ("progress_pct",) if k in values}},
    )
    for name, reasons in found.items():
        errors.setdefault(name, []).extend(reasons)
    try:
        effective = V.parse_date(values.get("effective_date")) or dt.date.today()
    except V.InvalidValue as err:
        effective = None
        errors.setdefault("effective_date", []).append(
            (f"{EFFECTIVE_DATE[0]}: {err.cs}", f"{EFFECTIVE_DATE[1]}: {err.en}")
        )
    note = values.get("note")
    if note is None or isinstance(note, str | int | float):
        note = V.clean_text(note)
        if note is not None and not storable_text(note):
            errors.setdefault("note", []).append(unstorable_reason(*NOTE))
    else:
        errors.setdefault("note", []).append(
            (f"{NOTE[0]}: hodnota musí být text", f"{NOTE[1]}: the value must be text")
        )
    if errors:
        raise Invalid(fields=errors)

    yours = {k: values[k] for k in ("stage", "progress_pct") if k in values}
    if project.version != version:
        raise _stale(session, "project", project, version, yours, None)
    before = _as_dict(session, "project", project)
    latest = session.scalar(
        select(func.max(ProjectUpdate.effective_date)).where(ProjectUpdate.project_id == project.id)
    )
    if latest is None or effective >= latest:
        changes = {"stage": typed["stage"], "updated_on": effective}
        if "progress_pct" in typed:
            changes["progress_pct"] = typed["progress_pct"]
        _claim(session, "project", project, version, changes, actor, yours, None)
    entry = _history(
        session,
        actor,
        project,
        effective=effective,
        stage=typed["stage"],
        progress=typed.get("progress_pct"),
        note=note,
    )
    after = {**_as_dict(session, "project", project), "update": _entry_dict(entry)}
    _audit(
        session,
        actor,
        action="update",
        entity="project_update",
        entity_id=entry.id,
        district_id=project.district_id,
        before=before,
        after=after,
    )
    return _as_dict(session, "project", project)


def correct_record(
    *,
    session: Session,
    actor: Actor,
    entity: str,
    record_id: int,
    values: dict,
    version: int,
    base: dict | None = None,
) -> dict:
    """Correct fields of a stored record (``values``: only the fields that change).

    The merged record (stored + changes) is validated as a whole by the import's
    normaliser. The district never changes (``district_id`` is not a field). ``base``:
    the record as the user started from (a ``get_record`` dict), for the Conflict's list
    of changes. A project whose stage or progress changes gets a history entry (dated
    ``updated_on``, else today, as in the import). Nothing to change: no write.
    """
    row = _stored(session, entity, record_id)
    district = session.get(District, row.district_id)
    authorise(actor, row.district_id, district_name=district.name)
    if actor.source not in SOURCES:
        raise ValueError(f"unknown source {actor.source!r}")
    kind = ENTITIES[entity]
    stored = _as_dict(session, entity, row)

    unknown = {k: [_unknown_field(k, kind)] for k in values if k not in _fields_of(entity)}
    merged = {**_kind_fields(kind, stored), **_kind_fields(kind, values)}
    typed, errors = _normalise(kind, merged)
    errors = {**unknown, **errors}
    project = None
    if entity != "project":
        project = _resolve_project(session, district, typed, errors)
    if errors:
        raise Invalid(fields=errors)
    if row.version != version:
        raise _stale(session, entity, row, version, values, base)

    changed = {k: v for k, v in typed.items() if _json(v) != stored.get(k)}
    if not changed:
        return stored

    columns = dict(changed)
    if entity == "project":
        if "project_id" in columns:
            columns["code"] = columns.pop("project_id")
            other = _project_by_code(session, row.district_id, columns["code"])
            if other is not None:
                current = _as_dict(session, "project", other)
                raise Conflict(
                    f"Projekt „{columns['code']}“ už v městské části {district.name} existuje",
                    f"Project '{columns['code']}' already exists in {district.name}",
                    current,
                    _differences(kind, values, current),
                )
    else:
        columns.pop("project_id", None)
        columns["project_id"] = project.id
    new_tool = None
    identity = {"activity": ACTIVITY_IDENTITY, "tool_usage": USAGE_IDENTITY}.get(entity, ())
    if entity == "tool_usage":
        tool_id = row.tool_id
        if "tool" in changed:
            columns["tool_as_given"] = columns.pop("tool")
            key, tool_id = _tool_id(session, columns["tool_as_given"])
            if tool_id is None:
                new_tool = (key, columns["tool_as_given"])
            else:
                columns["tool_id"] = tool_id
    if set(identity) & changed.keys():
        if entity == "activity":
            existing = _activity_identity(session, row.district_id, project.id, typed)
            duplicate = _duplicate_activity
        else:
            existing = _usage_identity(
                session, row.district_id, project.id, tool_id, typed["purpose"]
            )
            duplicate = _duplicate_usage
        if existing is not None and existing.id != row.id:
            raise duplicate(session, existing, {**_kind_fields(kind, stored), **values})

    if new_tool is not None:
        columns["tool_id"] = _new_tool(session, *new_tool)
    _claim(session, entity, row, version, columns, actor, values, base)
    if entity == "project" and {"stage", "progress_pct"} & changed.keys():
        _history(
            session,
            actor,
            row,
            effective=row.updated_on or dt.date.today(),
            stage=row.stage,
            progress=row.progress_pct,
        )
    after = _as_dict(session, entity, row)
    _audit(
        session,
        actor,
        action="correct",
        entity=entity,
        entity_id=row.id,
        district_id=row.district_id,
        before=stored,
        after=after,
    )
    return after
