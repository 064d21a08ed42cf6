"""Queries of the audit log page (Záznam změn): the audit events, filtered and counted in
SQL, newest first, and one event with its before and after.

:class:`AuditFilters` is the page's filter set (period, users, actions, record types,
districts, sources) with its URL round trip; an empty tuple means "any". The period is
in Prague local time: ``start`` from its midnight, ``end`` up to the end of that day.
Read only: nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Select, func, select

from dashboard.queries import frame
from models import AuditEvent, District
from models.db import session_scope

PRAGUE = ZoneInfo("Europe/Prague")
LIMIT = 500  # the newest this many matching events are listed

EVENT_COLUMNS = [
    "id",
    "at",
    "username",
    "action",
    "entity",
    "entity_id",
    "district",
    "district_code",
    "source",
    "remote_addr",
    "import_run_id",
]


def _items(raw) -> tuple[str, ...]:
    """Query or control values (a string, a list, None) as a sorted tuple of non-blank str."""
    if raw is None:
        return ()
    items = raw if isinstance(raw, list | tuple) else [raw]
    return tuple(sorted({str(i).strip() for i in items if str(i).strip()}))


def _codes(raw) -> tuple[int, ...]:
    out = set()
    for item in _items(raw):
        for part in item.split(","):
            try:
                out.add(int(part.strip()))
            except ValueError:
                continue  # an unknown code in a hand-edited link is ignored
    return tuple(sorted(out))


def _date(raw) -> dt.date | None:
    if isinstance(raw, list | tuple):
        raw = raw[0] if raw else None
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(str(raw)[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class AuditFilters:
    start: dt.date | None = None
    end: dt.date | None = None
    users: tuple[str, ...] = field(default_factory=tuple)
    actions: tuple[str, ...] = field(default_factory=tuple)
    entities: tuple[str, ...] = field(default_factory=tuple)
    districts: tuple[int, ...] = field(default_factory=tuple)  # official district codes
    sources: tuple[str, ...] = field(default_factory=tuple)

    # ------------------------------------------------------------ URL round trip

    @classmethod
    def from_args(cls, args: dict) -> AuditFilters:
        """From Dash page kwargs or ``parse_qs`` output (a repeated key gives a list)."""
        return cls(
            start=_date(args.get("from")),
            end=_date(args.get("to")),
            users=_items(args.get("user")),
            actions=_items(args.get("action")),
            entities=_items(args.get("entity")),
            districts=_codes(args.get("district")),
            sources=_items(args.get("source")),
        )

    @classmethod
    def from_query(cls, search: str | None) -> AuditFilters:
        return cls.from_args(parse_qs((search or "").lstrip("?")))

    @classmethod
    def from_controls(cls, start, end, users, actions, entities, districts, sources):
        return cls(
            start=_date(start),
            end=_date(end),
            users=_items(users),
            actions=_items(actions),
            entities=_items(entities),
            districts=_codes([str(c) for c in districts or ()]),
            sources=_items(sources),
        )

    def to_query(self) -> str:
        """``?…`` for the URL ('' when no filter is set); lists as repeated keys."""
        params: list[tuple[str, str]] = []
        if self.start:
            params.append(("from", self.start.isoformat()))
        if self.end:
            params.append(("to", self.end.isoformat()))
        for key, values in (
            ("user", self.users),
            ("action", self.actions),
            ("entity", self.entities),
            ("district", tuple(str(c) for c in self.districts)),
            ("source", self.sources),
        ):
            params.extend((key, value) for value in values)
        return "?" + urlencode(params) if params else ""

    # ------------------------------------------------------------ SQL

    def apply(self, statement: Select) -> Select:
        """Restrict a select over AuditEvent outer-joined to District."""
        if self.start:
            statement = statement.where(AuditEvent.at >= local_midnight(self.start))
        if self.end:
            statement = statement.where(
                AuditEvent.at < local_midnight(self.end + dt.timedelta(days=1))
            )
        if self.users:
            statement = statement.where(AuditEvent.username.in_(self.users))
        if self.actions:
            statement = statement.where(AuditEvent.action.in_(self.actions))
        if self.entities:
            statement = statement.where(AuditEvent.entity.in_(self.entities))
        if self.districts:
            statement = statement.where(District.code.in_(self.districts))
        if self.sources:
            statement = statement.where(AuditEvent.source.in_(self.sources))
        return statement


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of ``day`` in Prague as a UTC datetime (how ``at`` is stored)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=PRAGUE).astimezone(dt.UTC)


def as_local(value: dt.datetime | None) -> dt.datetime | None:
    """A stored timestamp (UTC; naive from SQLite) in Prague local time."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(PRAGUE)


def _events_select(*columns) -> Select:
    return (
        select(*columns)
        .select_from(AuditEvent)
        .outerjoin(District, District.id == AuditEvent.district_id)
    )


def events(filters: AuditFilters, limit: int = LIMIT) -> pd.DataFrame:
    """The newest ``limit`` events matching ``filters`` (newest first), without before and
    after. Columns: :data:`EVENT_COLUMNS`; ``at`` in Prague local time."""
    statement = (
        filters.apply(
            _events_select(
                AuditEvent.id,
                AuditEvent.at,
                AuditEvent.username,
                AuditEvent.action,
                AuditEvent.entity,
                AuditEvent.entity_id,
                District.name,
                District.code,
                AuditEvent.source,
                AuditEvent.remote_addr,
                AuditEvent.import_run_id,
            )
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    result = frame(statement, EVENT_COLUMNS)
    result["at"] = [as_local(v) for v in result["at"]]
    return result


def count(filters: AuditFilters) -> int:
    """How many events match ``filters`` (all of them, not only the listed ones)."""
    statement = filters.apply(_events_select(func.count(AuditEvent.id)))
    with session_scope() as session:
        return int(session.execute(statement).scalar() or 0)


def event(event_id: int) -> dict | None:
    """One event with every field, ``before`` and ``after`` included; None if unknown."""
    statement = _events_select(
        AuditEvent.id,
        AuditEvent.at,
        AuditEvent.user_id,
        AuditEvent.username,
        AuditEvent.action,
        AuditEvent.entity,
        AuditEvent.entity_id,
        District.name.label("district"),
        District.code.label("district_code"),
        AuditEvent.source,
        AuditEvent.remote_addr,
        AuditEvent.import_run_id,
        AuditEvent.before,
        AuditEvent.after,
    ).where(AuditEvent.id == event_id)
    with session_scope() as session:
        row = session.execute(statement).mappings().first()
    if row is None:
        return None
    found = dict(row)
    found["at"] = as_local(found["at"])
    return found


def choices() -> dict[str, list[str]]:
    """The distinct usernames, actions, record types and sources in the log, sorted:
    the filter options (a value that never occurs is not offered)."""
    out = {}
    with session_scope() as session:
        for key, column in (
            ("users", AuditEvent.username),
            ("actions", AuditEvent.action),
            ("entities", AuditEvent.entity),
            ("sources", AuditEvent.source),
        ):
            values = session.execute(select(column).distinct().where(column.is_not(None))).scalars()
            out[key] = sorted(values, key=str.casefold)
    return out


# ------------------------------------------------------------------ before → after


@dataclass(frozen=True)
class Change:
    field: str
    before: object
    after: object
    changed: bool
    in_before: bool = True
    in_after: bool = True


def changes(before: dict | None, after: dict | None) -> list[Change]:
    """Field by field, ``before`` against ``after``: every field of either (before's order,
    then fields only ``after`` has); ``changed`` when the values differ or one side lacks
    the field. A value that is not a dict (a list, a scalar) is one field named ``""``."""
    before = _as_fields(before)
    after = _as_fields(after)
    fields = list(before) + [f for f in after if f not in before]
    return [
        Change(
            field=name,
            before=before.get(name),
            after=after.get(name),
            changed=(name in before) != (name in after)
            or _canonical(before.get(name)) != _canonical(after.get(name)),
            in_before=name in before,
            in_after=name in after,
        )
        for name in fields
    ]


def _as_fields(value) -> dict:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    return {"": value}


def _canonical(value) -> str:
    """Compare JSON values by content (nested dicts in any key order)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
