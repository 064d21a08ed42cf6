"""Queries of the Přehled / Overview page: the key figures, the map and the ranking.

Every number comes from :mod:`dashboard.metrics` (participants, rates per 1,000, the pilot
median, freshness, process counts), so the overview shows what the other pages show.
The pilot median is taken over **all** pilot districts for the same period, kinds and
topics — the benchmark a selection of districts is compared with (as on the engagement
page).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import metrics, queries
from dashboard.filters import Filters


def participation(filters: Filters) -> tuple[pd.DataFrame, float]:
    """:func:`dashboard.metrics.participation_with_pilot_median` (the same numbers as
    every other page)."""
    return metrics.participation_with_pilot_median(filters)


def district_map(filters: Filters) -> pd.DataFrame:
    """All districts (the map draws every one), the selected ones with their participation.

    Columns: code, name, is_pilot, population, selected, participants, per_1000
    (participants and per_1000 are missing for districts outside the selection).
    """
    every = queries.districts()[["code", "name", "is_pilot", "population"]]
    chosen = metrics.participation_by_district(filters)[["code", "participants", "per_1000"]]
    frame = every.merge(chosen, on="code", how="left")
    frame["selected"] = frame["code"].isin(chosen["code"])
    frame["participants"] = frame["participants"].astype("Int64")
    return frame.sort_values("code", ignore_index=True)


def stale_districts(filters: Filters, today: dt.date | None = None) -> pd.DataFrame:
    """Freshness (``metrics.freshness``) of the selected districts (the pilot when none is
    selected). Columns as ``metrics.freshness``."""
    frame = metrics.freshness(today)
    if filters.districts:
        chosen = frame["code"].isin(filters.districts)
    else:
        chosen = frame["is_pilot"].astype(bool)
    return frame[chosen].reset_index(drop=True)


def key_figures(filters: Filters, today: dt.date | None = None) -> dict:
    """The overview's KPIs for the filters.

    active_processes, completed_processes, pb_allocated (``metrics.process_counts``);
    participants, population, per_1000 (pilot-wide: the selected districts' participants
    over their population × 1,000), median_per_1000 (pilot median of district rates),
    districts (how many selected), stale (how many of them with stale data), stale_names.
    """
    figures: dict = dict(metrics.process_counts(filters))
    frame, median = participation(filters)
    counted = frame[frame["population"].notna()]
    participants = int(counted["participants"].sum())
    population = int(counted["population"].sum())
    freshness = stale_districts(filters, today)
    stale = freshness[freshness["stale"]]
    figures.update(
        participants=int(frame["participants"].sum()),
        population=population,
        per_1000=participants / population * 1000 if population else float("nan"),
        median_per_1000=median,
        districts=len(frame),
        stale=len(stale),
        stale_names=list(stale["name"]),
    )
    return figures
