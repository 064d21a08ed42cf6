"""Read queries for the pages: SQL-side work, returning DataFrames. Pages never open sessions.

Shared queries live here; each page's own queries in ``dashboard/queries/<page>.py``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select

from models import District, ImportFile, ImportRun, ProjectUpdate, RejectedRecord
from models.db import session_scope


def frame(statement, columns: list[str]) -> pd.DataFrame:
    """Run a select and return its rows as a DataFrame with ``columns``."""
    with session_scope() as session:
        rows = session.execute(statement).all()
    return pd.DataFrame(rows, columns=columns)


def districts() -> pd.DataFrame:
    """All districts with population, pilot ones first, then by name."""
    with session_scope() as session:
        rows = session.execute(
            select(
                District.code,
                District.name,
                District.slug,
                District.population,
                District.population_year,
                District.is_pilot,
            ).order_by(District.is_pilot.desc(), District.name)
        ).all()
    return pd.DataFrame(
        rows, columns=["code", "name", "slug", "population", "population_year", "is_pilot"]
    )


def is_demo() -> bool:
    """True when the data came from the bundled sample inbox (``koordinace demo``)."""
    with session_scope() as session:
        return (
            session.execute(
                select(ImportRun.id).where(ImportRun.triggered_by == "demo").limit(1)
            ).first()
            is not None
        )


def last_import() -> dict | None:
    """The latest completed import run: when, its record counts and files."""
    with session_scope() as session:
        run = session.execute(
            select(ImportRun.id, ImportRun.finished_at, ImportRun.counts)
            .where(ImportRun.status == "completed")
            .order_by(ImportRun.id.desc())
            .limit(1)
        ).first()
        if run is None:
            return None
        files = dict(
            session.execute(
                select(ImportFile.status, func.count())
                .where(ImportFile.run_id == run.id)
                .group_by(ImportFile.status)
            ).all()
        )
    return {
        "id": run.id,
        "finished_at": run.finished_at,
        "counts": run.counts or {},
        "files": files,
    }


def rejected_rows(run_id: int, limit: int = 50) -> pd.DataFrame:
    """Rejected rows of a run with their district, file, sheet, row and reasons."""
    with session_scope() as session:
        rows = session.execute(
            select(
                District.name,
                ImportFile.path,
                RejectedRecord.location,
                RejectedRecord.row_number,
                RejectedRecord.reasons_cs,
                RejectedRecord.reasons_en,
            )
            .join(ImportFile, ImportFile.id == RejectedRecord.file_id)
            .outerjoin(District, District.id == RejectedRecord.district_id)
            .where(RejectedRecord.run_id == run_id)
            .order_by(ImportFile.path, RejectedRecord.row_number)
            .limit(limit)
        ).all()
    frame = pd.DataFrame(
        rows, columns=["district", "file", "sheet", "row", "reasons_cs", "reasons_en"]
    )
    frame["sheet"] = frame["sheet"].astype(object).where(frame["sheet"].notna(), "")
    return frame


def data_as_of() -> dt.date | None:
    """The date of the newest data: the last completed import or manual update."""
    with session_scope() as session:
        imported = session.execute(
            select(func.max(ImportRun.finished_at)).where(ImportRun.status == "completed")
        ).scalar()
        manual = session.execute(
            select(func.max(ProjectUpdate.created_at)).where(ProjectUpdate.source != "import")
        ).scalar()
    stamps = [s for s in (imported, manual) if s is not None]
    return max(stamps).date() if stamps else None
