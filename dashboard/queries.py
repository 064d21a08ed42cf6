"""Read queries for the pages: SQL-side work, returning DataFrames. Pages never open sessions."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from models import District
from models.db import session_scope


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
