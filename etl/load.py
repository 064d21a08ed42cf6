"""Write a run's valid records in bulk: match natural keys, insert / update / unchanged.

Called inside the run's one transaction (``conn``). Rows are compared field by field on
a canonical text form, only for the fields the source file has a column for: a column
the file lacks keeps the stored value. Bulk Core statements (executemany), never
row-by-row ORM objects.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Date, insert, select

from models import Activity, Project, ProjectUpdate, Tool, ToolAlias, ToolUsage
from models.base import utcnow

PROJECT_FIELDS = (
    "title",
    "kind",
    "stage",
    "start_date",
    "end_date",
    "budget_czk",
    "topic",
    "progress_pct",
    "coordinator",
    "description",
    "url",
    "updated_on",
    "extra",
)
ACTIVITY_FIELDS = (
    "participants",
    "proposals",
    "votes",
    "youth_participants",
    "note",
    "extra",
)
HISTORY_COLUMNS = ["district_id", "code", "stage", "progress_pct", "updated_on"]
USAGE_FIELDS = ("cost_czk", "rating", "extra")  # tool_as_given is kept from the first import
FIELD_TYPES = {
    "start_date": "date",
    "end_date": "date",
    "updated_on": "date",
    "date": "date",
    "budget_czk": "amount",
    "cost_czk": "amount",
    "progress_pct": "amount",
    "participants": "int",
    "proposals": "int",
    "votes": "int",
    "youth_participants": "int",
    "rating": "int",
    "extra": "json",
}


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }


@dataclass
class LoadCounts:
    projects: Counts = field(default_factory=Counts)
    activities: Counts = field(default_factory=Counts)
    tool_usage: Counts = field(default_factory=Counts)
    history: int = 0
    new_tools: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ canonical values


def canonical(series: pd.Series, kind: str | None) -> np.ndarray:
    """A text form of a column for comparing incoming and stored values ("" = empty).

    Computed once per distinct value and spread to the rows (columns repeat heavily);
    JSON values (dicts, unhashable) one by one.
    """
    if kind == "json":
        return np.array([_canonical_text(v, kind) for v in series.tolist()], dtype=object)
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    texts = np.empty(len(uniques) + 1, dtype=object)
    texts[:-1] = [_canonical_text(v, kind) for v in uniques]
    texts[-1] = ""
    return texts[codes]


def _canonical_text(value, kind: str | None) -> str:
    value = python_value(value, kind)
    if value is None:
        return ""
    if kind == "date":
        return value.isoformat()
    if kind == "amount":
        return f"{value:.2f}"
    if kind == "json":
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _to_float(value):
    if value is None or value is pd.NA:
        return np.nan
    if isinstance(value, Decimal):
        return float(value)
    return value


def python_value(value, kind: str | None):
    """A plain Python value from a frame cell (None for any missing marker)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if kind == "date":
        if isinstance(value, pd.Timestamp | dt.datetime):
            return value.date()
        if isinstance(value, np.datetime64):
            return pd.Timestamp(value).date()
        return value
    if kind == "amount":
        return float(round(float(value), 2))
    if kind == "int":
        return int(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def column_values(series: pd.Series, kind: str | None) -> list:
    """A column as a list of plain Python values (None for missing), vectorised."""
    if kind == "int":
        numbers = pd.to_numeric(series, errors="coerce").astype("Int64")
        return numbers.astype(object).where(numbers.notna(), None).tolist()
    if kind == "amount":
        numbers = pd.to_numeric(series.astype(object).map(_to_float), errors="coerce").round(2)
        return numbers.astype(object).where(numbers.notna(), None).tolist()
    if kind == "date":
        if pd.api.types.is_datetime64_any_dtype(series):
            series = series.dt.date
        elif series.map(type).isin((pd.Timestamp, dt.datetime)).any():
            return [python_value(v, "date") for v in series.tolist()]
    # date objects, dicts, text or plain numbers, with any missing marker as None
    return series.astype(object).where(series.notna(), None).tolist()


@dataclass(frozen=True)
class Repeat:
    """The same value for every row (processed for the database once, not per row)."""

    value: object
    n: int

    def __len__(self) -> int:
        return self.n


class BulkWriter:
    """Executemany on the run's own DBAPI connection, with tuples (not dicts) and the
    dialect's own bind processing per column: Core's per-row parameter handling costs
    more than the database's work at hundreds of thousands of rows."""

    CHUNK = 50_000

    def __init__(self, conn: Connection):
        self.conn = conn
        self.dialect = conn.dialect
        self.mark = "?" if self.dialect.paramstyle == "qmark" else "%s"

    def _processed(self, table, name: str, values: list | Repeat) -> list | Repeat:
        column_type = table.__table__.c[name].type
        process = column_type.dialect_impl(self.dialect).bind_processor(self.dialect)
        if isinstance(values, Repeat):
            value = values.value
            return Repeat(process(value) if process and value is not None else value, values.n)
        if process is None:
            return values
        if isinstance(column_type, Date) and self.dialect.name == "sqlite":
            # Same text as SQLAlchemy's SQLite DATE storage format, ten times cheaper.
            return [None if v is None else v.isoformat() for v in values]
        return [None if v is None else process(v) for v in values]

    def _execute(self, sql: str, columns: list) -> None:
        total = len(columns[0]) if columns else 0
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            for start in range(0, total, self.CHUNK):
                stop = min(start + self.CHUNK, total)
                chunk = [
                    itertools.repeat(c.value, stop - start)
                    if isinstance(c, Repeat)
                    else c[start:stop]
                    for c in columns
                ]
                cursor.executemany(sql, list(zip(*chunk, strict=False)))  # repeats are endless
        finally:
            cursor.close()

    def insert(self, table, values: dict[str, list | Repeat]) -> int:
        names = list(values)
        sql = (
            f"INSERT INTO {table.__tablename__} ({', '.join(names)}) "
            f"VALUES ({', '.join([self.mark] * len(names))})"
        )
        self._execute(sql, [self._processed(table, n, values[n]) for n in names])
        return len(next(iter(values.values()), []))

    def update(self, table, ids: list[int], values: dict[str, list | Repeat]) -> int:
        names = list(values)
        assignments = ", ".join(f"{n} = {self.mark}" for n in names)
        sql = f"UPDATE {table.__tablename__} SET {assignments} WHERE id = {self.mark}"
        columns = [self._processed(table, n, values[n]) for n in names]
        self._execute(sql, [*columns, ids])
        return len(ids)


def frame_values(frame: pd.DataFrame, columns: list[str]) -> dict[str, list]:
    return {c: column_values(frame[c], FIELD_TYPES.get(c)) for c in columns}


def constant(value, n: int) -> Repeat:
    return Repeat(value, n)


# ------------------------------------------------------------------ generic upsert


def _merge_present(
    incoming: pd.DataFrame, stored: pd.DataFrame, fields: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.Series]:
    """For matched rows: the values to store (incoming where present, else stored) and
    a mask of rows whose stored values differ."""
    changed = pd.Series(False, index=incoming.index)
    merged = pd.DataFrame(index=incoming.index)
    for name in fields:
        kind = FIELD_TYPES.get(name)
        present = incoming[f"has_{name}"].to_numpy(dtype=bool)
        new = incoming[name]
        old = stored[name]
        value = new.where(present, old) if len(new) else new
        merged[name] = value
        differs = canonical(value, kind) != canonical(old, kind)
        changed |= pd.Series(differs, index=incoming.index)
    return merged, changed


def _fetch(conn: Connection, statement, columns: list[str]) -> pd.DataFrame:
    rows = conn.execute(statement).all()
    return pd.DataFrame(rows, columns=columns)


def _typed_keys(frame: pd.DataFrame, ints: list[str], texts: list[str]) -> pd.DataFrame:
    """Key columns with one dtype on both sides of a merge (empty frames are object)."""
    for c in ints:
        frame[c] = pd.to_numeric(frame[c]).astype("Int64")
    for c in texts:
        frame[c] = frame[c].astype("string")
    return frame


def _as_object(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), None)


# ------------------------------------------------------------------ projects


def load_projects(
    conn: Connection, incoming: pd.DataFrame, district_ids: list[int], run_id: int, counts: Counts
) -> tuple[dict[tuple[int, str], int], int]:
    """Upsert projects; return ((district_id, code) -> project id, history rows added).

    ``incoming`` has district_id, project_id (the code), the PROJECT_FIELDS and a boolean
    ``has_<field>`` per field.
    """
    columns = ["id", "district_id", "code", "version", *PROJECT_FIELDS]
    stored = _fetch(
        conn,
        select(*(getattr(Project, c) for c in columns)).where(
            Project.district_id.in_(district_ids)
        ),
        columns,
    )
    now = utcnow()
    incoming = incoming.rename(columns={"project_id": "code"}).reset_index(drop=True)
    _typed_keys(incoming, ["district_id"], ["code"])
    _typed_keys(stored, ["district_id", "id", "version"], ["code"])
    matched = incoming.merge(
        stored[["id", "district_id", "code", "version"]], on=["district_id", "code"], how="left"
    )
    is_new = matched["id"].isna().to_numpy()
    writer = BulkWriter(conn)
    new_rows = matched[is_new]
    if len(new_rows):
        values = frame_values(new_rows, ["district_id", "code", *PROJECT_FIELDS])
        counts.inserted += _insert_new(writer, Project, values, now)

    moved = new_rows  # every new project starts its history
    old_rows = matched[~is_new]
    if len(old_rows):
        stored_idx = stored.set_index(["district_id", "code"])
        before = stored_idx.loc[list(zip(old_rows["district_id"], old_rows["code"], strict=True))]
        before = _as_object(before.reset_index(drop=True))
        before.index = old_rows.index
        merged, changed = _merge_present(old_rows, before, PROJECT_FIELDS)
        counts.unchanged += int((~changed).sum())
        upd = merged[changed.to_numpy()]
        if len(upd):
            counts.updated += _update_rows(writer, Project, upd, old_rows, PROJECT_FIELDS, now)
            stage_or_progress = np.zeros(len(upd), dtype=bool)
            for name in ("stage", "progress_pct"):
                kind = FIELD_TYPES.get(name)
                stage_or_progress |= canonical(upd[name], kind) != canonical(
                    before.loc[upd.index, name], kind
                )
            progressed = upd[stage_or_progress].assign(
                district_id=old_rows["district_id"], code=old_rows["code"]
            )
            moved = pd.concat([new_rows[HISTORY_COLUMNS], progressed[HISTORY_COLUMNS]])

    found = conn.execute(
        select(Project.id, Project.district_id, Project.code).where(
            Project.district_id.in_(district_ids)
        )
    ).all()
    ids = {(d, c): i for i, d, c in found}
    added = _append_history(writer, moved, ids, run_id, now)
    return ids, added


def _append_history(
    writer: BulkWriter, moved: pd.DataFrame, ids: dict, run_id: int, now: dt.datetime
) -> int:
    """A history entry per new project and per stage/progress change (append-only)."""
    if moved.empty:
        return 0
    n = len(moved)
    today = dt.date.today()
    effective = column_values(moved["updated_on"], "date")
    values = {
        "project_id": [
            ids[(int(d), c)] for d, c in zip(moved["district_id"], moved["code"], strict=True)
        ],
        "effective_date": [d or today for d in effective],
        "stage": column_values(moved["stage"], None),
        "progress_pct": column_values(moved["progress_pct"], "amount"),
        "source": constant("import", n),
        "import_run_id": constant(run_id, n),
        "created_at": constant(now, n),
    }
    return writer.insert(ProjectUpdate, values)


# ------------------------------------------------------------------ activities


def load_activities(
    conn: Connection, incoming: pd.DataFrame, district_ids: list[int], counts: Counts
) -> None:
    """Upsert activities. ``incoming`` has district_id, project_fk, activity_id, date,
    activity, channel, the ACTIVITY_FIELDS and ``has_<field>`` flags."""
    columns = [
        "id",
        "district_id",
        "project_fk",
        "activity_id",
        "date",
        "activity",
        "channel",
        "version",
        *ACTIVITY_FIELDS,
    ]
    stored = _fetch(
        conn,
        select(
            Activity.id,
            Activity.district_id,
            Activity.project_id,
            Activity.activity_id,
            Activity.date,
            Activity.activity,
            Activity.channel,
            Activity.version,
            *(getattr(Activity, c) for c in ACTIVITY_FIELDS),
        ).where(Activity.district_id.in_(district_ids)),
        columns,
    )
    incoming = incoming.reset_index(drop=True)
    if stored.empty:  # a first import: everything is new, nothing to match
        matched = incoming.assign(id=pd.NA, version=pd.NA)
    else:
        matched = _match_activities(incoming, stored)
    _upsert(
        conn,
        Activity,
        matched,
        stored,
        ACTIVITY_FIELDS,
        insert_columns=["district_id", "activity_id", "date", "activity", "channel"],
        fk_column=("project_id", "project_fk"),
        counts=counts,
    )


def _match_activities(incoming: pd.DataFrame, stored: pd.DataFrame) -> pd.DataFrame:
    """Incoming rows with the id and version of the stored activity of the same identity."""
    incoming["_date"] = canonical(incoming["date"], "date")
    stored["_date"] = canonical(stored["date"], "date")
    texts = ["activity_id", "activity", "channel", "_date"]
    _typed_keys(incoming, ["district_id", "project_fk"], texts)
    _typed_keys(stored, ["district_id", "project_fk", "id", "version"], texts)
    with_id = incoming["activity_id"].notna().to_numpy()
    keys_id = ["district_id", "activity_id"]
    keys_tuple = ["district_id", "project_fk", "_date", "activity", "channel"]
    stored_meta = stored[["id", "version", *keys_tuple, "activity_id"]]
    a = incoming[with_id].merge(
        stored_meta[stored_meta["activity_id"].notna()][["id", "version", *keys_id]],
        on=keys_id,
        how="left",
    )
    b = incoming[~with_id].merge(
        stored_meta[stored_meta["activity_id"].isna()][["id", "version", *keys_tuple]],
        on=keys_tuple,
        how="left",
    )
    return pd.concat([a, b], ignore_index=True)


# ------------------------------------------------------------------ tool usage


def resolve_tools(conn: Connection) -> dict[str, int]:
    """Compact alias key -> tool id, for every catalogued and uncatalogued tool."""
    return dict(conn.execute(select(ToolAlias.key, ToolAlias.tool_id)).all())


def add_uncatalogued_tools(
    conn: Connection, names_by_key: dict[str, str], now: dt.datetime
) -> dict[str, int]:
    """Create tools not in the catalogue (flagged for review); return key -> id."""
    created = {}
    for key, name in names_by_key.items():
        existing = conn.execute(select(Tool.id).where(Tool.name == name)).scalar()
        if existing is None:
            existing = conn.execute(
                insert(Tool).values(
                    name=name,
                    catalogued=False,
                    needs_review=True,
                    has_proposals=False,
                    has_voting=False,
                    has_surveys=False,
                    has_mapping=False,
                    has_issue_reporting=False,
                    has_messaging=False,
                    has_results_exports=False,
                    created_at=now,
                )
            ).inserted_primary_key[0]
        conn.execute(insert(ToolAlias).values(tool_id=existing, alias=name, key=key))
        created[key] = existing
    return created


def load_tool_usage(
    conn: Connection, incoming: pd.DataFrame, district_ids: list[int], counts: Counts
) -> None:
    """Upsert tool usage. ``incoming`` has district_id, project_fk, tool_id, purpose,
    the USAGE_FIELDS and ``has_<field>`` flags."""
    columns = ["id", "district_id", "project_fk", "tool_id", "purpose", "version", *USAGE_FIELDS]
    stored = _fetch(
        conn,
        select(
            ToolUsage.id,
            ToolUsage.district_id,
            ToolUsage.project_id,
            ToolUsage.tool_id,
            ToolUsage.purpose,
            ToolUsage.version,
            *(getattr(ToolUsage, c) for c in USAGE_FIELDS),
        ).where(ToolUsage.district_id.in_(district_ids)),
        columns,
    )
    keys = ["district_id", "project_fk", "tool_id", "purpose"]
    incoming = _typed_keys(incoming.reset_index(drop=True), keys[:3], ["purpose"])
    _typed_keys(stored, [*keys[:3], "id", "version"], ["purpose"])
    matched = incoming.merge(stored[["id", "version", *keys]], on=keys, how="left")
    _upsert(
        conn,
        ToolUsage,
        matched,
        stored,
        USAGE_FIELDS,
        insert_columns=["district_id", "tool_id", "tool_as_given", "purpose"],
        fk_column=("project_id", "project_fk"),
        counts=counts,
    )


def _upsert(
    conn: Connection,
    table,
    matched: pd.DataFrame,
    stored: pd.DataFrame,
    fields: tuple[str, ...],
    *,
    insert_columns: list[str],
    fk_column: tuple[str, str],
    counts: Counts,
) -> None:
    now = utcnow()
    writer = BulkWriter(conn)
    is_new = matched["id"].isna().to_numpy()
    new_rows = matched[is_new]
    if len(new_rows):
        db_fk, frame_fk = fk_column
        values = frame_values(new_rows, [*insert_columns, frame_fk, *fields])
        values[db_fk] = values.pop(frame_fk)
        counts.inserted += _insert_new(writer, table, values, now)
    old_rows = matched[~is_new]
    if not len(old_rows):
        return
    before = stored.set_index("id").loc[old_rows["id"].astype(int).to_numpy(), list(fields)]
    before = _as_object(before.reset_index(drop=True))
    before.index = old_rows.index
    merged, changed = _merge_present(old_rows, before, fields)
    counts.unchanged += int((~changed).sum())
    upd = merged[changed.to_numpy()]
    if len(upd):
        counts.updated += _update_rows(writer, table, upd, old_rows, fields, now)


def _insert_new(writer: BulkWriter, table, values: dict, now: dt.datetime) -> int:
    """Insert new imported rows: version 1, created and updated now."""
    n = len(next(iter(values.values())))
    values.update(
        source=constant("import", n),
        version=constant(1, n),
        created_at=constant(now, n),
        updated_at=constant(now, n),
    )
    return writer.insert(table, values)


def _update_rows(
    writer: BulkWriter,
    table,
    changed: pd.DataFrame,
    matched: pd.DataFrame,
    fields: tuple[str, ...],
    now: dt.datetime,
) -> int:
    """Write changed rows: new field values, version + 1, updated_at."""
    values = frame_values(changed, list(fields))
    versions = matched.loc[changed.index, "version"].astype(int) + 1
    values["version"] = versions.tolist()
    values["updated_at"] = constant(now, len(changed))
    ids = matched.loc[changed.index, "id"].astype(int).tolist()
    return writer.update(table, ids, values)
