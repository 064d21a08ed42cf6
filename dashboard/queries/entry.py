"""Choices for the entry forms: a district's projects, activities and tool usages."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from dashboard.queries import frame
from models import Activity, District, Project, Tool, ToolUsage


def district_choices(district_ids: list[int] | None = None) -> pd.DataFrame:
    """Districts a user may write to (all when ``district_ids`` is None): pilot ones first."""
    statement = select(District.id, District.name, District.is_pilot).order_by(
        District.is_pilot.desc(), District.name
    )
    if district_ids is not None:
        statement = statement.where(District.id.in_(district_ids))
    return frame(statement, ["id", "name", "is_pilot"])


def district_code(district_id: int) -> int | None:
    rows = frame(select(District.code).where(District.id == district_id), ["code"])
    return None if rows.empty else int(rows["code"].iloc[0])


def projects(district_id: int) -> pd.DataFrame:
    """The district's projects, newest first: id, code, title, stage, progress, version."""
    return frame(
        select(
            Project.id,
            Project.code,
            Project.title,
            Project.stage,
            Project.progress_pct,
            Project.version,
        )
        .where(Project.district_id == district_id)
        .order_by(Project.start_date.desc().nulls_last(), Project.code),
        ["id", "code", "title", "stage", "progress_pct", "version"],
    )


def activities(district_id: int, limit: int = 500) -> pd.DataFrame:
    """The district's latest activities with their project code."""
    return frame(
        select(
            Activity.id,
            Project.code,
            Activity.activity_id,
            Activity.date,
            Activity.activity,
            Activity.channel,
            Activity.participants,
        )
        .join(Project, Project.id == Activity.project_id)
        .where(Activity.district_id == district_id)
        .order_by(Activity.date.desc(), Activity.id.desc())
        .limit(limit),
        ["id", "project", "activity_id", "date", "activity", "channel", "participants"],
    )


def tool_usages(district_id: int) -> pd.DataFrame:
    return frame(
        select(ToolUsage.id, Project.code, Tool.name, ToolUsage.purpose)
        .join(Project, Project.id == ToolUsage.project_id)
        .join(Tool, Tool.id == ToolUsage.tool_id)
        .where(ToolUsage.district_id == district_id)
        .order_by(Project.code, Tool.name),
        ["id", "project", "tool", "purpose"],
    )


def tool_names() -> list[str]:
    """Catalogued tool names, for the tool field's suggestions."""
    return (
        frame(select(Tool.name).where(Tool.catalogued).order_by(Tool.name), ["name"])["name"]
        .astype(str)
        .tolist()
    )
