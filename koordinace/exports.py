"""Exports of database content as CSV, XLSX or JSON (one DataFrame per kind)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from models import District, Tool, ToolAlias
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
        frame.to_excel(out, index=False, engine="openpyxl")
        return None
    if fmt == "csv":
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, lineterminator="\n")
        text = buffer.getvalue()
    else:
        records = json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))
        text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        return text
    Path(out).write_text(text, encoding="utf-8")
    return None
