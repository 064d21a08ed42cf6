"""Queries of the Průběh / Progress page: processes per district and stage, the timeline
of processes, and the list of processes. SQL does the filtering, counting and ranking.

A process is *overdue* when its planned end has passed and it is neither completed nor
cancelled. Every query honours the filters (period overlap, districts, kind, topic).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

import pandas as pd
from sqlalchemy import case, func, select

from dashboard.filters import Filters
from models import District, Project
from models.db import session_scope
from models.vocabulary import vocabulary

#: Stages in which a process is over (not active, never overdue).
CLOSED_STAGES = ("completed", "cancelled")
#: How many processes the timeline shows at most (readability).
TIMELINE_LIMIT = 60

PROCESS_COLUMNS = [
    "id",
    "district_code",
    "district",
    "district_short",
    "code",
    "title",
    "kind",
    "stage",
    "progress_pct",
    "start_date",
    "end_date",
    "budget_czk",
    "topic",
    "overdue",
]


def district_key(name: str) -> tuple:
    """Natural order of district names: Praha 1, Praha 3, …, Praha 22, Praha-Běchovice."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", name)
        if part
    )


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    """By district (natural order), then start date (undated last), then id."""
    if frame.empty:
        return frame.reset_index(drop=True)
    keys = []
    for name, start, pid in zip(frame["district"], frame["start_date"], frame["id"], strict=True):
        undated = start is None or pd.isna(start)
        keys.append((district_key(name), undated, dt.date.max if undated else start, pid))
    order = sorted(range(len(frame)), key=keys.__getitem__)
    return frame.iloc[order].reset_index(drop=True)


def _overdue(today: dt.date):
    return (
        Project.end_date.is_not(None)
        & (Project.end_date < today)
        & Project.stage.notin_(CLOSED_STAGES)
    )


def _process_select(today: dt.date):
    return (
        select(
            Project.id,
            District.code,
            District.name,
            District.short_name,
            Project.code,
            Project.title,
            Project.kind,
            Project.stage,
            Project.progress_pct,
            Project.start_date,
            Project.end_date,
            Project.budget_czk,
            Project.topic,
            case((_overdue(today), True), else_=False),
        )
        .select_from(Project)
        .join(District, District.id == Project.district_id)
    )


def _frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame([tuple(r) for r in rows], columns=PROCESS_COLUMNS)
    frame["overdue"] = frame["overdue"].astype(bool)
    frame["district_code"] = frame["district_code"].astype("int64")
    for column in ("progress_pct", "budget_czk"):  # Decimal → float (NaN when missing)
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def stage_counts(filters: Filters) -> pd.DataFrame:
    """Processes per selected district and stage: every district × every stage (zeros
    included), districts in natural order, stages in vocabulary order.

    Columns: district_code, district, stage, count.
    """
    counts = filters.projects(
        select(District.code, Project.stage, func.count(Project.id))
        .select_from(Project)
        .join(District, District.id == Project.district_id)
        .group_by(District.code, Project.stage)
    )
    districts = select(District.code, District.name).where(filters.district_clause())
    with session_scope() as session:
        found = {(int(code), stage): int(n) for code, stage, n in session.execute(counts)}
        chosen = sorted(session.execute(districts).all(), key=lambda r: district_key(r.name))
    stages = vocabulary("stage").values
    return pd.DataFrame(
        [
            (int(code), name, stage, found.get((int(code), stage), 0))
            for code, name in chosen
            for stage in stages
        ],
        columns=["district_code", "district", "stage", "count"],
    ).astype({"count": "int64"})


class Timeline(NamedTuple):
    """The processes for the timeline: at most ``limit`` of ``total`` dated ones."""

    rows: pd.DataFrame  # PROCESS_COLUMNS, by district then start date
    total: int  # processes with a start date matching the filters
    undated: int  # processes without a start date (not on the timeline)


def timeline(
    filters: Filters, today: dt.date | None = None, limit: int = TIMELINE_LIMIT
) -> Timeline:
    """Processes overlapping the period, for the timeline. When more than ``limit``
    match, the most relevant are kept: overdue ones first (the latest planned end first),
    then active ones (the nearest planned end first, those without one last), then the
    completed and cancelled ones (the latest planned end first).
    """
    today = today or dt.date.today()
    active = Project.stage.notin_(CLOSED_STAGES)
    priority = case((_overdue(today), 0), (active, 1), else_=2)
    ranked = filters.projects(_process_select(today).where(Project.start_date.is_not(None)))
    ranked = ranked.order_by(
        priority,
        case((active & ~_overdue(today), Project.end_date), else_=None).asc().nulls_last(),
        Project.end_date.desc().nulls_last(),
        Project.start_date.desc(),
        Project.id,
    ).limit(limit)
    totals = filters.projects(
        select(
            func.count(Project.id),
            func.sum(case((Project.start_date.is_(None), 1), else_=0)),
        )
        .select_from(Project)
        .join(District, District.id == Project.district_id)
    )
    with session_scope() as session:
        rows = session.execute(ranked).all()
        everything, undated = session.execute(totals).one()
    undated = int(undated or 0)
    return Timeline(_sorted(_frame(rows)), int(everything or 0) - undated, undated)


def processes(filters: Filters, today: dt.date | None = None) -> pd.DataFrame:
    """The processes matching the filters, for the list: by district, then start date.

    Columns: PROCESS_COLUMNS (budget and progress as floats, NaN when not given).
    """
    today = today or dt.date.today()
    statement = filters.projects(_process_select(today))
    with session_scope() as session:
        rows = session.execute(statement).all()
    return _sorted(_frame(rows))
