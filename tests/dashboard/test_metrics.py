"""Metric functions against hand-computed expectations (the sample inbox, both backends)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select

from dashboard import metrics
from dashboard.filters import Filters
from models import Activity, District, Project
from models.db import session_scope


def _expected_participants(url: str, codes=None, start=None, end=None, kinds=None) -> pd.Series:
    """Participants per district computed the slow, obvious way: load rows, sum in Python."""
    with session_scope(url) as s:
        rows = s.execute(
            select(
                District.code, District.is_pilot, Activity.date, Activity.participants, Project.kind
            )
            .join(Activity, Activity.district_id == District.id)
            .join(Project, Project.id == Activity.project_id)
        ).all()
    totals: dict[int, int] = {}
    for code, is_pilot, date, participants, kind in rows:
        if (codes and code not in codes) or (not codes and not is_pilot):
            continue
        if (start and date < start) or (end and date > end) or (kinds and kind not in kinds):
            continue
        totals[code] = totals.get(code, 0) + participants
    return pd.Series(totals).sort_index()


def test_participation_by_district_matches_a_plain_sum(sample_db):
    frame = metrics.participation_by_district(Filters())
    assert len(frame) == 10 and frame["is_pilot"].all()
    got = frame.set_index("code")["participants"].sort_index()
    assert got.to_dict() == _expected_participants(sample_db).to_dict()
    row = frame.set_index("code").loc[500054]
    assert row["per_1000"] == row["participants"] / 29563 * 1000


def test_filters_change_the_numbers_the_same_way(sample_db):
    f = Filters(
        start=dt.date(2022, 1, 1),
        end=dt.date(2023, 12, 31),
        districts=(500054, 547361),
        kinds=("participatory_budgeting",),
    )
    frame = metrics.participation_by_district(f)
    assert sorted(frame["code"]) == [500054, 547361]
    expected = _expected_participants(
        sample_db, codes=(500054, 547361), start=f.start, end=f.end, kinds=f.kinds
    )
    assert frame.set_index("code")["participants"].sort_index().to_dict() == {
        code: int(expected.get(code, 0)) for code in (500054, 547361)
    }


def test_pilot_median_and_process_counts(sample_db):
    frame = metrics.participation_by_district(Filters())
    assert metrics.pilot_median(frame, "per_1000") == frame["per_1000"].median()
    counts = metrics.process_counts(Filters())
    with session_scope(sample_db) as s:
        total = s.scalar(
            select(func.count()).select_from(Project).join(District).where(District.is_pilot)
        )
        completed = s.scalar(
            select(func.count()).select_from(Project).where(Project.stage == "completed")
        )
    assert counts["completed_processes"] == completed
    assert counts["active_processes"] + completed <= total
    assert counts["pb_allocated"] > 0


def test_freshness_counts_days_since_the_last_import(sample_db):
    frame = metrics.freshness(today=dt.date.today() + dt.timedelta(days=40))
    pilot = frame[frame["is_pilot"]]
    assert (pilot["days"] == 40).all() and pilot["stale"].all()
    fresh = metrics.freshness()
    assert (fresh[fresh["is_pilot"]]["days"] == 0).all()
    assert fresh[~fresh["is_pilot"]]["stale"].all()  # never imported
