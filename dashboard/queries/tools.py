"""Queries of the tools page (Nástroje): which tools the districts use, how satisfied
they are with them, what they cost per participant, and the catalogue itself.

Usage-based queries take :class:`Filters` (districts, kind, topic, period = the project
overlaps it) and aggregate in SQL; the catalogue and the list of uncatalogued tools are
reference data and ignore the filters.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import case, distinct, func, select

from dashboard.filters import Filters
from dashboard.metrics import MIN_RATINGS
from models import Activity, District, Project, Tool, ToolUsage
from models.db import session_scope

FEATURES = (
    "proposals",
    "voting",
    "surveys",
    "mapping",
    "issue_reporting",
    "messaging",
    "results_exports",
)
SCORES = ("cost", "capacity", "features", "accessibility", "ethics", "track_record")


def _usages(filters: Filters, *columns):
    """``select(columns)`` over tool usages joined to their project and district, filtered."""
    return filters.projects(
        select(*columns)
        .select_from(ToolUsage)
        .join(Project, Project.id == ToolUsage.project_id)
        .join(District, District.id == ToolUsage.district_id)
        .join(Tool, Tool.id == ToolUsage.tool_id)
    )


def selected_districts(filters: Filters) -> pd.DataFrame:
    """The districts the filters select (the pilot ones when none is chosen), by name."""
    with session_scope() as session:
        rows = session.execute(
            select(District.code, District.name)
            .where(filters.district_clause())
            .order_by(District.name)
        ).all()
    return pd.DataFrame(rows, columns=["code", "name"])


def usage_matrix(filters: Filters) -> pd.DataFrame:
    """How many processes (distinct projects) of each district use each tool.

    Columns: district_code, district, tool, projects — one row per selected district and
    per tool used anywhere in the selection (0 where that district does not use it).
    Rows come tools first, ordered by total use (descending, then name), then districts
    by name.
    """
    statement = _usages(
        filters,
        District.code,
        Tool.name,
        func.count(distinct(ToolUsage.project_id)).label("projects"),
    ).group_by(District.code, Tool.name)
    with session_scope() as session:
        rows = session.execute(statement).all()
    counts = pd.DataFrame(rows, columns=["district_code", "tool", "projects"])
    districts = selected_districts(filters)
    if counts.empty or districts.empty:
        return pd.DataFrame(
            {
                "district_code": pd.Series(dtype="int64"),
                "district": pd.Series(dtype=object),
                "tool": pd.Series(dtype=object),
                "projects": pd.Series(dtype="int64"),
            }
        )
    totals = counts.groupby("tool")["projects"].sum()
    tools = sorted(totals.index, key=lambda name: (-int(totals[name]), name.casefold()))
    grid = pd.MultiIndex.from_product([tools, districts["code"].tolist()], names=["tool", "code"])
    frame = (
        counts.set_index(["tool", "district_code"])["projects"]
        .rename_axis(["tool", "code"])
        .reindex(grid, fill_value=0)
        .reset_index()
        .merge(districts, on="code", how="left", sort=False)
    )
    frame = frame.rename(columns={"code": "district_code", "name": "district"})
    frame["projects"] = frame["projects"].astype("int64")
    return frame[["district_code", "district", "tool", "projects"]]


def satisfaction(filters: Filters) -> pd.DataFrame:
    """Per tool used in the selection: usages, ratings and the mean rating.

    Columns: tool, usages, ratings, mean_rating. ``mean_rating`` is computed only for
    tools with at least ``MIN_RATINGS`` ratings (NULL → NaN otherwise), so a mean of one
    or two ratings cannot leak into a chart, a table or the API. Ordered by mean rating
    (descending; hidden ones last), then name.
    """
    ratings = func.count(ToolUsage.rating)
    statement = _usages(
        filters,
        Tool.name,
        func.count(ToolUsage.id).label("usages"),
        ratings.label("ratings"),
        case((ratings >= MIN_RATINGS, func.avg(ToolUsage.rating)), else_=None).label("mean"),
    ).group_by(Tool.name)
    with session_scope() as session:
        rows = session.execute(statement).all()
    frame = pd.DataFrame(rows, columns=["tool", "usages", "ratings", "mean_rating"])
    frame["usages"] = frame["usages"].astype("int64")
    frame["ratings"] = frame["ratings"].astype("int64")
    frame["mean_rating"] = [float("nan") if v is None else float(v) for v in frame["mean_rating"]]
    frame["mean_rating"] = frame["mean_rating"].astype("float64")
    frame["_key"] = frame["tool"].str.casefold()
    frame = frame.sort_values(
        ["mean_rating", "_key"], ascending=[False, True], na_position="last"
    ).drop(columns="_key")
    return frame.reset_index(drop=True)


def cost_per_participant(filters: Filters) -> pd.DataFrame:
    """Per tool: the known costs of its usages per participant of the projects using it.

    Only usages with a stated cost count. For each tool: ``cost`` = the sum of those
    usages' costs; ``participants`` = the participants of all activities of the projects
    in which the tool was used with a cost (each project once, even when it used the tool
    for several purposes); ``cost_per_participant`` = cost / participants (NaN when those
    projects report no participants).

    Columns: tool, usages, projects, cost, participants, cost_per_participant; ordered by
    cost per participant (descending; unknown last), then name.
    """
    costed = (
        _usages(
            filters,
            ToolUsage.tool_id,
            ToolUsage.project_id,
            func.sum(ToolUsage.cost_czk).label("cost"),
            func.count(ToolUsage.id).label("usages"),
        )
        .where(ToolUsage.cost_czk.is_not(None))
        .group_by(ToolUsage.tool_id, ToolUsage.project_id)
        .subquery()
    )
    people = (
        select(Activity.project_id, func.sum(Activity.participants).label("participants"))
        .group_by(Activity.project_id)
        .subquery()
    )
    statement = (
        select(
            Tool.name,
            func.sum(costed.c.usages),
            func.count(costed.c.project_id),
            func.sum(costed.c.cost),
            func.sum(func.coalesce(people.c.participants, 0)),
        )
        .select_from(costed)
        .join(Tool, Tool.id == costed.c.tool_id)
        .outerjoin(people, people.c.project_id == costed.c.project_id)
        .group_by(Tool.name)
    )
    with session_scope() as session:
        rows = session.execute(statement).all()
    frame = pd.DataFrame(
        rows, columns=["tool", "usages", "projects", "cost", "participants"]
    ).astype({"usages": "int64", "projects": "int64"})
    frame["cost"] = frame["cost"].astype(object).map(float).astype("float64")
    frame["participants"] = frame["participants"].astype(object).map(int).astype("int64")
    known = frame["participants"] > 0
    frame["cost_per_participant"] = (frame["cost"] / frame["participants"]).where(known)
    frame["_key"] = frame["tool"].str.casefold()
    frame = frame.sort_values(
        ["cost_per_participant", "_key"], ascending=[False, True], na_position="last"
    ).drop(columns="_key")
    return frame.reset_index(drop=True)


def catalogue() -> pd.DataFrame:
    """The catalogued tools with their properties (not filtered), by name.

    Columns: name, category, licence, cost_model, czech, website, description_cs,
    description_en, the seven ``has_<feature>`` booleans, the six ``score_<criterion>``.
    """
    columns = [
        Tool.name,
        Tool.category,
        Tool.licence,
        Tool.cost_model,
        Tool.czech,
        Tool.website,
        Tool.description_cs,
        Tool.description_en,
        *(getattr(Tool, f"has_{f}") for f in FEATURES),
        *(getattr(Tool, f"score_{c}") for c in SCORES),
    ]
    with session_scope() as session:
        rows = session.execute(select(*columns).where(Tool.catalogued.is_(True))).all()
    names = [c.key for c in columns]
    frame = pd.DataFrame(rows, columns=names)
    order = sorted(range(len(frame)), key=lambda i: frame["name"].iloc[i].casefold())
    frame = frame.iloc[order].reset_index(drop=True)
    for feature in FEATURES:
        frame[f"has_{feature}"] = frame[f"has_{feature}"].astype(bool)
    for criterion in SCORES:
        frame[f"score_{criterion}"] = frame[f"score_{criterion}"].astype("Int64")
    return frame


def uncatalogued() -> pd.DataFrame:
    """Tools first seen in an import (not in the catalogue), for review; not filtered.

    Columns: name, needs_review, usages, districts (list of district names, by name),
    spellings (the names as the districts wrote them). Ordered by usages, then name.
    """
    statement = (
        select(
            Tool.name,
            Tool.needs_review,
            District.name,
            ToolUsage.tool_as_given,
            func.count(ToolUsage.id),
        )
        .select_from(Tool)
        .outerjoin(ToolUsage, ToolUsage.tool_id == Tool.id)
        .outerjoin(District, District.id == ToolUsage.district_id)
        .where(Tool.catalogued.is_(False))
        .group_by(Tool.name, Tool.needs_review, District.name, ToolUsage.tool_as_given)
    )
    with session_scope() as session:
        rows = session.execute(statement).all()
    records: dict[str, dict] = {}
    for name, needs_review, district, given, count in rows:
        entry = records.setdefault(
            name,
            {"name": name, "needs_review": bool(needs_review), "usages": 0, "d": set(), "s": set()},
        )
        entry["usages"] += int(count)
        if district:
            entry["d"].add(district)
        if given and given != name:
            entry["s"].add(given)
    frame = pd.DataFrame(
        [
            {
                "name": e["name"],
                "needs_review": e["needs_review"],
                "usages": e["usages"],
                "districts": sorted(e["d"], key=str.casefold),
                "spellings": sorted(e["s"], key=str.casefold),
            }
            for e in records.values()
        ],
        columns=["name", "needs_review", "usages", "districts", "spellings"],
    )
    if frame.empty:
        return frame.astype({"usages": "int64", "needs_review": bool})
    frame["_key"] = frame["name"].str.casefold()
    frame = frame.sort_values(["usages", "_key"], ascending=[False, True]).drop(columns="_key")
    return frame.reset_index(drop=True)
