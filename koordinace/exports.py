"""Exports of database content as CSV, XLSX or JSON (one DataFrame per kind)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from models import (
    Activity,
    District,
    ImportFile,
    ImportRun,
    Project,
    RejectedRecord,
    Tool,
    ToolAlias,
    ToolUsage,
)
from models.reference import CRITERIA, FEATURES

FORMATS = ("csv", "xlsx", "json")


def districts_frame(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(
            District.code,
            District.name,
            District.short_name,
            District.slug,
            District.population,
            District.population_year,
            District.population_source,
            District.is_pilot,
        ).order_by(District.code)
    ).all()
    columns = [
        "code",
        "name",
        "short_name",
        "slug",
        "population",
        "population_year",
        "population_source",
        "is_pilot",
    ]
    return pd.DataFrame(rows, columns=columns)


def tools_frame(session: Session) -> pd.DataFrame:
    tools = session.execute(select(Tool).order_by(Tool.name)).scalars().all()
    aliases: dict[int, list[str]] = {}
    for alias in session.execute(select(ToolAlias).order_by(ToolAlias.alias)).scalars():
        if alias.alias != next((t.name for t in tools if t.id == alias.tool_id), None):
            aliases.setdefault(alias.tool_id, []).append(alias.alias)
    records = []
    for t in tools:
        record = {
            "name": t.name,
            "aliases": "; ".join(aliases.get(t.id, [])),
            "catalogued": t.catalogued,
            "needs_review": t.needs_review,
            "category": t.category,
            "licence": t.licence,
            "cost_model": t.cost_model,
            "czech": t.czech,
            "website": t.website,
        }
        record.update({f: getattr(t, f"has_{f}") for f in FEATURES})
        record.update({f"score_{c}": getattr(t, f"score_{c}") for c in CRITERIA})
        records.append(record)
    return pd.DataFrame.from_records(records)


def write_frame(frame: pd.DataFrame, fmt: str, out: Path | None = None) -> str | None:
    """Write a frame to ``out`` (or return it as text for stdout; not for xlsx)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        if out is None:
            raise ValueError("XLSX needs --out FILE")
        flatten_for_table(frame).to_excel(out, index=False, engine="openpyxl")
        return None
    if fmt == "csv":
        buffer = io.StringIO()
        flatten_for_table(frame).to_csv(buffer, index=False, lineterminator="\n")
        text = buffer.getvalue()
    else:
        records = json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))
        text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        return text
    Path(out).write_text(text, encoding="utf-8")
    return None


# ------------------------------------------------------------------ participation data
# Canonical field names of FORMATS.md plus district_code; dates ISO, amounts plain numbers.


def _frame(session: Session, statement, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(session.execute(statement).all(), columns=columns)


def _iso(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for c in columns:
        frame[c] = frame[c].map(lambda d: d.isoformat() if d is not None else None)
    return frame


def _number(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for c in columns:
        frame[c] = pd.to_numeric(frame[c].map(lambda v: None if v is None else float(v)))
    return frame


def projects_frame(session: Session) -> pd.DataFrame:
    columns = [
        "district_code", "project_id", "title", "kind", "stage", "start_date", "end_date",
        "budget_czk", "topic", "progress_pct", "coordinator", "description", "url", "updated_on",
    ]  # fmt: skip
    statement = (
        select(
            District.code,
            Project.code,
            Project.title,
            Project.kind,
            Project.stage,
            Project.start_date,
            Project.end_date,
            Project.budget_czk,
            Project.topic,
            Project.progress_pct,
            Project.coordinator,
            Project.description,
            Project.url,
            Project.updated_on,
        )  # fmt: skip
        .join(District, District.id == Project.district_id)
        .order_by(District.code, Project.code)
    )
    frame = _frame(session, statement, columns)
    return _number(
        _iso(frame, "start_date", "end_date", "updated_on"), "budget_czk", "progress_pct"
    )


def activities_frame(session: Session) -> pd.DataFrame:
    columns = [
        "district_code", "project_id", "activity_id", "date", "activity", "channel",
        "participants", "proposals", "votes", "youth_participants", "note",
    ]  # fmt: skip
    statement = (
        select(
            District.code,
            Project.code,
            Activity.activity_id,
            Activity.date,
            Activity.activity,
            Activity.channel,
            Activity.participants,
            Activity.proposals,
            Activity.votes,
            Activity.youth_participants,
            Activity.note,
        )  # fmt: skip
        .join(District, District.id == Activity.district_id)
        .join(Project, Project.id == Activity.project_id)
        .order_by(District.code, Project.code, Activity.date, Activity.id)
    )
    frame = _frame(session, statement, columns)
    for c in ("proposals", "votes", "youth_participants"):
        frame[c] = frame[c].astype("Int64")
    return _iso(frame, "date")


def tool_usage_frame(session: Session) -> pd.DataFrame:
    columns = [
        "district_code",
        "project_id",
        "tool",
        "uncatalogued",
        "purpose",
        "cost_czk",
        "rating",
    ]
    statement = (
        select(
            District.code,
            Project.code,
            Tool.name,
            ~Tool.catalogued,
            ToolUsage.purpose,
            ToolUsage.cost_czk,
            ToolUsage.rating,
        )  # fmt: skip
        .join(District, District.id == ToolUsage.district_id)
        .join(Project, Project.id == ToolUsage.project_id)
        .join(Tool, Tool.id == ToolUsage.tool_id)
        .order_by(District.code, Project.code, Tool.name, ToolUsage.purpose)
    )
    frame = _number(_frame(session, statement, columns), "cost_czk")
    frame["uncatalogued"] = frame["uncatalogued"].astype(bool)
    frame["rating"] = frame["rating"].astype("Int64")
    return frame


def rejected_frame(session: Session, run_id: int | None = None) -> pd.DataFrame:
    """Rejected rows (of the latest completed run by default), so a district can fix its file."""
    if run_id is None:
        run_id = session.execute(
            select(ImportRun.id)
            .where(ImportRun.status == "completed")
            .order_by(ImportRun.id.desc())
            .limit(1)
        ).scalar()
    columns = [
        "run_id", "district_code", "file", "sheet", "kind", "row", "reasons_cs", "reasons_en",
        "raw",
    ]  # fmt: skip
    statement = (
        select(
            RejectedRecord.run_id,
            District.code,
            ImportFile.path,
            RejectedRecord.location,
            RejectedRecord.kind,
            RejectedRecord.row_number,
            RejectedRecord.reasons_cs,
            RejectedRecord.reasons_en,
            RejectedRecord.raw,
        )  # fmt: skip
        .join(ImportFile, ImportFile.id == RejectedRecord.file_id)
        .outerjoin(District, District.id == RejectedRecord.district_id)
        .where(RejectedRecord.run_id == run_id)
        .order_by(ImportFile.path, RejectedRecord.row_number)
    )
    return _frame(session, statement, columns)


def flatten_for_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists and dicts as text, for CSV and XLSX cells."""
    out = frame.copy()
    for c in out.columns:
        if out[c].map(lambda v: isinstance(v, list | dict)).any():
            out[c] = out[c].map(
                lambda v: (
                    " | ".join(v)
                    if isinstance(v, list)
                    else json.dumps(v, ensure_ascii=False)
                    if isinstance(v, dict)
                    else v
                )
            )
    return out


KIND_FRAMES = {
    "districts": districts_frame,
    "tools": tools_frame,
    "projects": projects_frame,
    "activities": activities_frame,
    "tool-usage": tool_usage_frame,
    "rejected": rejected_frame,
}


def runs_frame(session: Session, limit: int = 10) -> pd.DataFrame:
    runs = session.execute(select(ImportRun).order_by(ImportRun.id.desc()).limit(limit)).scalars()
    rows = []
    for run in runs:
        files = (
            session.execute(select(ImportFile.status).where(ImportFile.run_id == run.id))
            .scalars()
            .all()
        )
        counts = run.counts or {}

        def fmt(kind: str, counts=counts) -> str:
            c = counts.get(kind)
            if not c:
                return ""
            return f"+{c['inserted']} ~{c['updated']} ={c['unchanged']} ✗{c['rejected']}"

        rows.append(
            {
                "run": run.id,
                "start": run.started_at.strftime("%d. %m. %Y %H:%M") if run.started_at else "",
                "status": run.status + (f": {run.error[:80]}" if run.error else ""),
                "files": "/".join(str(files.count(s)) for s in ("accepted", "skipped", "rejected")),
                "projects": fmt("projects"),
                "activities": fmt("activities"),
                "tool_usage": fmt("tool_usage"),
            }
        )
    return pd.DataFrame(rows)


def files_frame(session: Session, run_id: int) -> pd.DataFrame:
    from sqlalchemy import func

    rejected = (
        select(RejectedRecord.file_id, func.count().label("n"))
        .where(RejectedRecord.run_id == run_id)
        .group_by(RejectedRecord.file_id)
        .subquery()
    )
    statement = (
        select(
            ImportFile.path,
            ImportFile.status,
            ImportFile.rows_total,
            func.coalesce(rejected.c.n, 0),
            ImportFile.reason_cs,
        )
        .outerjoin(rejected, rejected.c.file_id == ImportFile.id)
        .where(ImportFile.run_id == run_id)
        .order_by(ImportFile.path)
    )
    frame = _frame(session, statement, ["file", "status", "rows", "rejected", "reason"])
    frame["reason"] = frame["reason"].fillna("")
    return frame
