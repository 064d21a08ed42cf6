"""Write a run's valid records in bulk: match natural keys, insert / update / unchanged.

Called inside the run's one transaction (``conn``). Rows are compared field by field on
a canonical text form, only for the fields the source file has a column for: a column
the file lacks keeps the stored value. Bulk Core statements (executemany), never
row-by-row ORM objects.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from sqlalchemy import Connection, bindparam, insert, select, update

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


def canonical(series: pd.Series, kind: str | None) -> pd.Series:
    """A text form of a column for comparing incoming and stored values ("" = empty)."""
    if kind == "date":
        parsed = pd.to_datetime(series, errors="coerce")
        return parsed.dt.strftime("%Y-%m-%d").fillna("").astype(object)
    if kind == "amount":
        numbers = pd.to_numeric(series.astype(object).map(_to_float), errors="coerce").round(2)
        return numbers.map(lambda x: "" if pd.isna(x) else f"{x:.2f}").astype(object)
    if kind == "int":
        numbers = pd.to_numeric(series, errors="coerce")
        return numbers.map(lambda x: "" if pd.isna(x) else str(int(x))).astype(object)
    if kind == "json":
        return series.map(
            lambda v: (
                ""
                if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
                else json.dumps(v, sort_keys=True, ensure_ascii=False)
            )
        ).astype(object)
    return series.astype("string").fillna("").astype(object)


def _to_float(value):
    if value is None or value is pd.NA:
        return np.nan
    if isinstance(value, Decimal):
        return float(value)
    return value


def python_value(value, kind: str | None):
    """A database parameter from a frame cell."""
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
        return Decimal(str(round(float(value), 2)))
    if kind == "int":
        return int(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Frame rows as parameter dicts, each value converted for the database."""
    converted = {
        c: [python_value(v, FIELD_TYPES.get(c)) for v in frame[c].tolist()] for c in columns
    }
    return [dict(zip(columns, row, strict=True)) for row in zip(*converted.values(), strict=True)]


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
        differs = canonical(value, kind).to_numpy() != canonical(old, kind).to_numpy()
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
    today = dt.date.today()
    history: list[dict] = []
    incoming = incoming.rename(columns={"project_id": "code"}).reset_index(drop=True)
    _typed_keys(incoming, ["district_id"], ["code"])
    _typed_keys(stored, ["district_id", "id", "version"], ["code"])
    matched = incoming.merge(
        stored[["id", "district_id", "code", "version"]], on=["district_id", "code"], how="left"
    )
    is_new = matched["id"].isna().to_numpy()

    new_rows = matched[is_new]
    if len(new_rows):
        params = records(new_rows, ["district_id", "code", *PROJECT_FIELDS])
        for p in params:
            p.update(source="import", version=1, created_at=now, updated_at=now)
        conn.execute(insert(Project), params)
        counts.inserted += len(params)

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
            params = records(upd, list(PROJECT_FIELDS))
            ids = old_rows.loc[upd.index, "id"].astype(int).tolist()
            versions = old_rows.loc[upd.index, "version"].astype(int).tolist()
            for p, pid, ver in zip(params, ids, versions, strict=True):
                p.update(_id=pid, version=ver + 1, updated_at=now)
            conn.execute(
                update(Project)
                .where(Project.id == bindparam("_id"))
                .values({c: bindparam(c) for c in (*PROJECT_FIELDS, "version", "updated_at")}),
                params,
            )
            counts.updated += len(params)
            # history: stage or progress changed
            for name in ("stage", "progress_pct"):
                kind = FIELD_TYPES.get(name)
                differs = (
                    canonical(upd[name], kind).to_numpy()
                    != canonical(before.loc[upd.index, name], kind).to_numpy()
                )
                upd = upd.assign(**{f"_chg_{name}": differs})
            moved = upd[upd["_chg_stage"] | upd["_chg_progress_pct"]]
            for (_, row), pid in zip(
                moved.iterrows(), old_rows.loc[moved.index, "id"].astype(int), strict=True
            ):
                history.append(_history(pid, row, run_id, today, now))

    found = conn.execute(
        select(Project.id, Project.district_id, Project.code).where(
            Project.district_id.in_(district_ids)
        )
    ).all()
    ids = {(d, c): i for i, d, c in found}
    for _, row in new_rows.iterrows():
        history.append(
            _history(ids[(int(row["district_id"]), row["code"])], row, run_id, today, now)
        )
    if history:
        conn.execute(insert(ProjectUpdate), history)
    return ids, len(history)


def _history(project_id: int, row: pd.Series, run_id: int, today: dt.date, now) -> dict:
    effective = python_value(row.get("updated_on"), "date") or today
    return {
        "project_id": project_id,
        "effective_date": effective,
        "stage": row["stage"],
        "progress_pct": python_value(row.get("progress_pct"), "amount"),
        "note": None,
        "source": "import",
        "import_run_id": run_id,
        "user_id": None,
        "created_at": now,
    }


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
    matched = pd.concat([a, b], ignore_index=True)
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
    is_new = matched["id"].isna().to_numpy()
    new_rows = matched[is_new]
    if len(new_rows):
        db_fk, frame_fk = fk_column
        params = records(new_rows, [*insert_columns, frame_fk, *fields])
        for p in params:
            p[db_fk] = p.pop(frame_fk)
            p.update(source="import", version=1, created_at=now, updated_at=now)
        conn.execute(insert(table), params)
        counts.inserted += len(params)
    old_rows = matched[~is_new]
    if not len(old_rows):
        return
    before = stored.set_index("id").loc[old_rows["id"].astype(int).to_numpy(), list(fields)]
    before = _as_object(before.reset_index(drop=True))
    before.index = old_rows.index
    merged, changed = _merge_present(old_rows, before, fields)
    counts.unchanged += int((~changed).sum())
    upd = merged[changed.to_numpy()]
    if not len(upd):
        return
    params = records(upd, list(fields))
    ids = old_rows.loc[upd.index, "id"].astype(int).tolist()
    versions = old_rows.loc[upd.index, "version"].astype(int).tolist()
    for p, rid, ver in zip(params, ids, versions, strict=True):
        p.update(_id=rid, version=ver + 1, updated_at=now)
    conn.execute(
        update(table)
        .where(table.id == bindparam("_id"))
        .values({c: bindparam(c) for c in (*fields, "version", "updated_at")}),
        params,
    )
    counts.updated += len(params)
