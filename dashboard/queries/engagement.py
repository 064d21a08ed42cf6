"""Queries of the Zapojení / Engagement page: participants by month, channel, activity type,
youth share and participatory budgeting's proposals and votes — aggregated in SQL, on
SQLite and PostgreSQL alike, for the filters (period = activity date).

Participants per 1,000 residents come from :func:`dashboard.metrics.participation_by_district`
(the overview's numbers); :func:`participation` only adds the pilot median beside them.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Select, func, select

from dashboard import metrics, queries
from dashboard.filters import Filters
from models import Activity, District, Project

PB = "participatory_budgeting"


def _activities(filters: Filters, *columns) -> Select:
    """``select(*columns)`` over activities joined to their project and district, filtered."""
    return filters.activities(
        select(*columns)
        .select_from(Activity)
        .join(Project, Project.id == Activity.project_id)
        .join(District, District.id == Activity.district_id)
    )


def _ints(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = frame[column].fillna(0).astype("int64")
    return frame


def monthly_participants(filters: Filters) -> pd.DataFrame:
    """Participants and activities per district and calendar month of the activity date.

    Columns: code, name, month (date of the month's first day), participants, activities;
    only months with activities, ordered by district name and month. ``extract`` is
    portable: SQLite compiles it to ``strftime``, PostgreSQL has ``EXTRACT``.
    """
    year = func.extract("year", Activity.date)
    month = func.extract("month", Activity.date)
    statement = _activities(
        filters,
        District.code,
        District.name,
        year.label("year"),
        month.label("month"),
        func.sum(Activity.participants),
        func.count(Activity.id),
    ).group_by(District.code, District.name, year, month)
    frame = queries.frame(
        statement, ["code", "name", "year", "month", "participants", "activities"]
    )
    frame = _ints(frame, "year", "month", "participants", "activities")
    frame["month"] = pd.to_datetime(
        {"year": frame["year"], "month": frame["month"], "day": 1}
    ).dt.date
    frame = frame.drop(columns="year")
    return frame.sort_values(["name", "month"], ignore_index=True)


def participation(filters: Filters) -> tuple[pd.DataFrame, float]:
    """:func:`dashboard.metrics.participation_with_pilot_median` (the same numbers as
    every other page)."""
    return metrics.participation_with_pilot_median(filters)


def channel_split(filters: Filters) -> pd.DataFrame:
    """Participants and activities per district and channel (online, in person, hybrid).

    Columns: code, name, channel, participants, activities.
    """
    statement = _activities(
        filters,
        District.code,
        District.name,
        Activity.channel,
        func.sum(Activity.participants),
        func.count(Activity.id),
    ).group_by(District.code, District.name, Activity.channel)
    frame = queries.frame(statement, ["code", "name", "channel", "participants", "activities"])
    return _ints(frame, "participants", "activities").sort_values(
        ["name", "channel"], ignore_index=True
    )


def activity_types(filters: Filters) -> pd.DataFrame:
    """Participants and activities per activity type. Columns: activity, participants,
    activities."""
    statement = _activities(
        filters, Activity.activity, func.sum(Activity.participants), func.count(Activity.id)
    ).group_by(Activity.activity)
    frame = queries.frame(statement, ["activity", "participants", "activities"])
    return _ints(frame, "participants", "activities").sort_values("activity", ignore_index=True)


def youth_share(filters: Filters) -> pd.DataFrame:
    """Youth share per selected district: :func:`dashboard.metrics.youth_share_by_district`
    (one definition for every page)."""
    return metrics.youth_share_by_district(filters)


def participatory_budgeting(filters: Filters) -> pd.DataFrame:
    """Proposals and votes of participatory-budgeting processes per district, from their
    activities in the period.

    Columns: code, name, processes (PB processes with an activity in the period),
    activities, proposals, votes, proposal_reports, vote_reports (activities giving the
    figure). Only districts with such activities.
    """
    statement = (
        _activities(
            filters,
            District.code,
            District.name,
            func.count(func.distinct(Project.id)),
            func.count(Activity.id),
            func.sum(Activity.proposals),
            func.sum(Activity.votes),
            func.count(Activity.proposals),
            func.count(Activity.votes),
        )
        .where(Project.kind == PB)
        .group_by(District.code, District.name)
    )
    frame = queries.frame(
        statement,
        [
            "code",
            "name",
            "processes",
            "activities",
            "proposals",
            "votes",
            "proposal_reports",
            "vote_reports",
        ],
    )
    frame = _ints(
        frame, "processes", "activities", "proposals", "votes", "proposal_reports", "vote_reports"
    )
    return frame.sort_values("name", ignore_index=True)
