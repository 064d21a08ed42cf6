"""Queries of the Městská část / District page: one district against the pilot median, its
processes, their history and its data freshness — aggregated in SQL, on SQLite and
PostgreSQL alike.

The headline numbers come from the metric functions the overview uses
(:func:`dashboard.metrics.participation_by_district` with ``districts=()`` for the pilot,
:func:`~dashboard.metrics.process_counts` per district, :func:`~dashboard.metrics.freshness`),
so a district's figures here are the overview's. Only the youth share has no metric
function yet; :func:`youth_share` computes it as METRICS["youth_share"] defines it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd
from sqlalchemy import Select, func, or_, select

from dashboard import metrics, queries
from dashboard.filters import Filters
from models import District, Project, ProjectUpdate
from models.db import session_scope
from models.vocabulary import compact_key

#: The headline metrics in the order the page shows them (keys of ``metrics.METRICS``).
HEADLINE = (
    "participants",
    "participation_rate",
    "active_processes",
    "completed_processes",
    "pb_allocated",
    "youth_share",
    "freshness",
)
#: Column of :func:`headline_by_district` that holds each headline metric.
COLUMN = {
    "participants": "participants",
    "participation_rate": "per_1000",
    "active_processes": "active_processes",
    "completed_processes": "completed_processes",
    "pb_allocated": "pb_allocated",
    "youth_share": "youth_share",
    "freshness": "days",
}
HISTORY_LIMIT = 200

_DISTRICT_COLUMNS = (
    District.code,
    District.name,
    District.short_name,
    District.slug,
    District.population,
    District.population_year,
    District.is_pilot,
)


def _only(filters: Filters, code: int) -> Filters:
    """The same period, kinds and topics, for one district."""
    return dataclasses.replace(filters, districts=(int(code),))


# ------------------------------------------------------------------ the district


def find_district(key: str | int | None) -> dict | None:
    """The district named in the URL: by official code (``500054``) or slug
    (``praha-lipence``); failing those, by full or short name in any spelling
    (``Praha 14``, ``lipence``). None when nothing matches."""
    text = str(key or "").strip()
    if not text:
        return None
    names = [c.key for c in _DISTRICT_COLUMNS]
    conditions = [District.slug == text.lower()]
    if text.isdigit():
        conditions.append(District.code == int(text))
    with session_scope() as session:
        row = session.execute(select(*_DISTRICT_COLUMNS).where(or_(*conditions))).first()
        if row is None:
            wanted = compact_key(text)
            candidates = session.execute(select(*_DISTRICT_COLUMNS)).all()  # 57 reference rows
            row = next(
                (
                    r
                    for r in candidates
                    if wanted in (compact_key(r.name), compact_key(r.short_name))
                ),
                None,
            )
    return dict(zip(names, row, strict=True)) if row is not None else None


# ------------------------------------------------------------------ headline figures


def youth_share(filters: Filters) -> pd.DataFrame:
    """Youth share per selected district (``filters.districts``; () = the pilot), from
    :func:`dashboard.metrics.youth_share_by_district`.

    Columns: code, reporting_participants, youth, youth_share (NaN where nothing is
    reported). Every selected district is listed.
    """
    frame = metrics.youth_share_by_district(filters)
    frame = frame.rename(columns={"share": "youth_share"})
    columns = ["code", "reporting_participants", "youth", "youth_share"]
    return frame[columns].sort_values("code").reset_index(drop=True)


def headline_by_district(code: int, filters: Filters, today: dt.date | None = None):
    """Every headline figure for the pilot districts and for district ``code`` (also when it
    is not a pilot one), for the period, kinds and topics of ``filters`` (its districts are
    ignored: this page is about one district).

    Columns: code, name, is_pilot, participants, per_1000, active_processes,
    completed_processes, pb_allocated, youth_share, days.
    """
    code = int(code)
    pilot_filters = dataclasses.replace(filters, districts=())
    frame = metrics.participation_by_district(pilot_filters)
    youth = youth_share(pilot_filters)
    if code not in set(frame["code"]):
        own = _only(filters, code)
        frame = pd.concat([frame, metrics.participation_by_district(own)], ignore_index=True)
        youth = pd.concat([youth, youth_share(own)], ignore_index=True)
    counts = pd.DataFrame(
        [{"code": c, **metrics.process_counts(_only(filters, c))} for c in frame["code"]]
    )
    fresh = metrics.freshness(today)[["code", "days"]]
    frame = (
        frame[["code", "name", "is_pilot", "participants", "per_1000"]]
        .merge(counts, on="code", how="left")
        .merge(youth[["code", "youth_share"]], on="code", how="left")
        .merge(fresh, on="code", how="left")
    )
    frame["is_pilot"] = frame["is_pilot"].astype(bool)
    frame["days"] = frame["days"].astype("Float64").astype(float)  # NaN: never updated
    return frame


def comparison(code: int, filters: Filters, today: dt.date | None = None) -> pd.DataFrame:
    """District ``code`` against the pilot median, one row per headline metric (HEADLINE
    order). Columns: metric, district (the district's value), median (the median over the
    pilot districts, :func:`metrics.pilot_median`), pilot (pilot districts with a value)."""
    return compare(headline_by_district(code, filters, today), code)


def compare(frame: pd.DataFrame, code: int) -> pd.DataFrame:
    """The metric rows of :func:`comparison` from a :func:`headline_by_district` frame."""
    own = frame[frame["code"] == int(code)]
    rows = []
    for key in HEADLINE:
        column = COLUMN[key]
        value = float(own[column].iloc[0]) if len(own) else math.nan
        pilot = frame.loc[frame["is_pilot"], column]
        rows.append(
            {
                "metric": key,
                "district": value,
                "median": metrics.pilot_median(frame, column),
                "pilot": int(pilot.notna().sum()),
            }
        )
    return pd.DataFrame(rows, columns=["metric", "district", "median", "pilot"])


# ------------------------------------------------------------------ processes


def processes(code: int, filters: Filters) -> pd.DataFrame:
    """The district's processes for the filters (period = overlap), newest start first.

    Columns: id, project_code, title, kind, stage, progress_pct, start_date, end_date,
    budget_czk, topic, updated_on.
    """
    statement = _only(filters, code).projects(
        select(
            Project.id,
            Project.code,
            Project.title,
            Project.kind,
            Project.stage,
            Project.progress_pct,
            Project.start_date,
            Project.end_date,
            Project.budget_czk,
            Project.topic,
            Project.updated_on,
        )
        .join(District, District.id == Project.district_id)
        .order_by(Project.start_date.desc().nulls_last(), Project.title, Project.id)
    )
    frame = queries.frame(
        statement,
        [
            "id",
            "project_code",
            "title",
            "kind",
            "stage",
            "progress_pct",
            "start_date",
            "end_date",
            "budget_czk",
            "topic",
            "updated_on",
        ],
    )
    for column in ("progress_pct", "budget_czk"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def stage_counts(code: int, filters: Filters) -> pd.DataFrame:
    """Processes of the district per stage, for the filters. Columns: stage, processes
    (only stages that occur; the figure puts them in vocabulary order)."""
    statement = (
        _only(filters, code)
        .projects(
            select(Project.stage, func.count(Project.id))
            .select_from(Project)
            .join(District, District.id == Project.district_id)
        )
        .group_by(Project.stage)
    )
    frame = queries.frame(statement, ["stage", "processes"])
    frame["processes"] = frame["processes"].astype("int64")
    return frame


def _history(code: int, filters: Filters, project_id: int | None, *columns) -> Select:
    statement = _only(filters, code).projects(
        select(*columns)
        .select_from(ProjectUpdate)
        .join(Project, Project.id == ProjectUpdate.project_id)
        .join(District, District.id == Project.district_id)
    )
    if project_id is not None:
        statement = statement.where(Project.id == int(project_id))
    if filters.start:
        statement = statement.where(ProjectUpdate.effective_date >= filters.start)
    if filters.end:
        statement = statement.where(ProjectUpdate.effective_date <= filters.end)
    return statement


def history(
    code: int, filters: Filters, project_id: int | None = None, limit: int = HISTORY_LIMIT
) -> tuple[pd.DataFrame, int]:
    """The stage/progress history (project_update rows) of the district's processes in
    the filters — or of one of them — effective in the period, newest first.

    Returns (frame, total): at most ``limit`` rows with columns project_id, title,
    effective_date, stage, progress_pct, source, note; and how many rows there are in all.
    """
    statement = (
        _history(
            code,
            filters,
            project_id,
            Project.id,
            Project.title,
            ProjectUpdate.effective_date,
            ProjectUpdate.stage,
            ProjectUpdate.progress_pct,
            ProjectUpdate.source,
            ProjectUpdate.note,
        )
        .order_by(ProjectUpdate.effective_date.desc(), ProjectUpdate.id.desc())
        .limit(limit)
    )
    frame = queries.frame(
        statement,
        ["project_id", "title", "effective_date", "stage", "progress_pct", "source", "note"],
    )
    frame["progress_pct"] = pd.to_numeric(frame["progress_pct"], errors="coerce").astype(float)
    with session_scope() as session:
        total = session.execute(
            _history(code, filters, project_id, func.count(ProjectUpdate.id))
        ).scalar_one()
    return frame, int(total)


# ------------------------------------------------------------------ freshness


def freshness(code: int, today: dt.date | None = None) -> dict | None:
    """The district's row of :func:`metrics.freshness`: last_import, last_manual,
    last_update, days (None when never updated), stale."""
    frame = metrics.freshness(today)
    row = frame[frame["code"] == int(code)]
    if row.empty:
        return None
    record = row.iloc[0].to_dict()

    def clean(value):
        return None if value is None or value is pd.NaT or pd.isna(value) else value

    return {
        "last_import": clean(record["last_import"]),
        "last_manual": clean(record["last_manual"]),
        "last_update": clean(record["last_update"]),
        "days": None if pd.isna(record["days"]) else int(record["days"]),
        "stale": bool(record["stale"]),
    }
