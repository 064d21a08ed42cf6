"""Metric definitions (DESIGN.md), one place: each with its text for the app, and the
SQL that computes it. The overview, the district page, exports and the API all call
these functions, so the same numbers come out everywhere.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import case, func, select

from dashboard.filters import Filters
from models import (
    Activity,
    AuditEvent,
    District,
    ImportFile,
    ImportRun,
    Project,
)
from models.db import session_scope

STALE_AFTER_DAYS = 30
MIN_RATINGS = 3


@dataclass(frozen=True)
class Metric:
    key: str
    label_cs: str
    label_en: str
    definition_cs: str
    definition_en: str

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_cs

    def definition(self, lang: str) -> str:
        return self.definition_en if lang == "en" else self.definition_cs


METRICS = {
    m.key: m
    for m in (
        Metric(
            "participants",
            "Účastníci",
            "Participants",
            "Součet účastníků aktivit (online i prezenčně). Kdo přišel na dvě aktivity, "
            "počítá se dvakrát.",
            "Sum of activity participants (online and in person added). One person at two "
            "activities counts twice.",
        ),
        Metric(
            "participation_rate",
            "Účastníci na 1 000 obyvatel",
            "Participants per 1,000 residents",
            "Účastníci na 1 000 obyvatel městské části (počet obyvatel ČSÚ k 31. 12. 2019); "
            "srovnání s mediánem pilotních městských částí.",
            "Participants per 1,000 residents of the district (population ČSÚ, end of "
            "2019); compared with the pilot districts' median.",
        ),
        Metric(
            "youth_share",
            "Podíl mládeže",
            "Youth share",
            "Účastníci do 26 let / účastníci, jen u aktivit, které mládež uvádějí.",
            "Participants under 26 / participants, only for activities that report youth.",
        ),
        Metric(
            "progress",
            "Postup",
            "Progress",
            "Poslední fáze a procento plnění projektu podle data účinnosti.",
            "A project's latest stage and progress % by effective date.",
        ),
        Metric(
            "freshness",
            "Aktuálnost dat",
            "Data freshness",
            f"Dny od posledního importu nebo ruční úpravy městské části; po "
            f"{STALE_AFTER_DAYS} dnech jsou data zastaralá.",
            f"Days since the district's last import or manual update; stale after "
            f"{STALE_AFTER_DAYS} days.",
        ),
        Metric(
            "tool_satisfaction",
            "Spokojenost s nástrojem",
            "Tool satisfaction",
            f"Průměrné hodnocení (1–5) s počtem hodnocení; při méně než {MIN_RATINGS} "
            f"hodnoceních se nezobrazuje.",
            f"Mean rating (1–5) with the number of ratings; not shown below {MIN_RATINGS} ratings.",
        ),
        Metric(
            "active_processes",
            "Běžící procesy",
            "Active processes",
            "Procesy, které nejsou dokončené ani zrušené.",
            "Processes neither completed nor cancelled.",
        ),
        Metric(
            "completed_processes",
            "Dokončené procesy",
            "Completed processes",
            "Procesy ve fázi Dokončeno.",
            "Processes in the Completed stage.",
        ),
        Metric(
            "pb_allocated",
            "Alokace participativních rozpočtů",
            "Participatory budgeting allocated",
            "Součet rozpočtů procesů typu participativní rozpočet (mimo zrušené).",
            "Sum of the budgets of participatory-budgeting processes (cancelled excluded).",
        ),
        Metric(
            "stale_districts",
            "Městské části se zastaralými daty",
            "Districts with stale data",
            f"Vybrané městské části bez importu či úpravy za posledních {STALE_AFTER_DAYS} dní.",
            f"Selected districts with no import or update in the last {STALE_AFTER_DAYS} days.",
        ),
    )
}


def participation_by_district(filters: Filters) -> pd.DataFrame:
    """Per selected district: population, participants, participants per 1,000 residents.

    Columns: code, name, slug, population, population_year, is_pilot, participants,
    per_1000. Districts without activities have 0 participants.
    """
    activity_filter = filters.activities(
        select(Activity.district_id, func.sum(Activity.participants).label("participants"))
        .join(Project, Project.id == Activity.project_id)
        .join(District, District.id == Activity.district_id)
        .group_by(Activity.district_id)
    ).subquery()
    statement = (
        select(
            District.code,
            District.name,
            District.slug,
            District.population,
            District.population_year,
            District.is_pilot,
            func.coalesce(activity_filter.c.participants, 0).label("participants"),
        )
        .outerjoin(activity_filter, activity_filter.c.district_id == District.id)
        .where(filters.district_clause())
        .order_by(District.name)
    )
    with session_scope() as session:
        rows = session.execute(statement).all()
    frame = pd.DataFrame(
        rows,
        columns=[
            "code",
            "name",
            "slug",
            "population",
            "population_year",
            "is_pilot",
            "participants",
        ],
    )
    frame["participants"] = frame["participants"].astype("int64")
    frame["per_1000"] = frame["participants"] / frame["population"] * 1000
    return frame


def participation_with_pilot_median(filters: Filters) -> tuple[pd.DataFrame, float]:
    """The selected districts' participation and the pilot median of participants per
    1,000 residents over **all** pilot districts for the same period, kinds and topics,
    whatever districts are selected, so every page compares against the same median."""
    frame = participation_by_district(filters)
    pilot = (
        frame
        if not filters.districts
        else participation_by_district(dataclasses.replace(filters, districts=()))
    )
    return frame, pilot_median(pilot, "per_1000")


def pilot_median(frame: pd.DataFrame, column: str) -> float:
    """The median of ``column`` over the pilot districts in ``frame`` (NaN if none)."""
    pilot = frame.loc[frame["is_pilot"].astype(bool), column]
    return float(pilot.median()) if len(pilot) else float("nan")


def freshness(today: dt.date | None = None) -> pd.DataFrame:
    """Per district: the last import of its files, the last manual update, days since.

    Columns: code, name, is_pilot, last_import, last_manual, last_update, days, stale.
    """
    today = today or dt.date.today()
    imports = (
        select(ImportFile.district_id, func.max(ImportRun.finished_at).label("last_import"))
        .join(ImportRun, ImportRun.id == ImportFile.run_id)
        .where(ImportRun.status == "completed", ImportFile.status == "accepted")
        .group_by(ImportFile.district_id)
        .subquery()
    )
    # A manual update is any write through the entry forms or the API: each leaves an
    # audit event with the district (an activity entered today counts, not only stages).
    manual = (
        select(AuditEvent.district_id, func.max(AuditEvent.at).label("last_manual"))
        .where(
            AuditEvent.source.in_(("form", "api")),
            AuditEvent.entity.in_(("project", "project_update", "activity", "tool_usage")),
        )
        .group_by(AuditEvent.district_id)
        .subquery()
    )
    statement = (
        select(
            District.code,
            District.name,
            District.is_pilot,
            imports.c.last_import,
            manual.c.last_manual,
        )
        .outerjoin(imports, imports.c.district_id == District.id)
        .outerjoin(manual, manual.c.district_id == District.id)
        .order_by(District.name)
    )
    with session_scope() as session:
        rows = session.execute(statement).all()
    frame = pd.DataFrame(rows, columns=["code", "name", "is_pilot", "last_import", "last_manual"])

    def latest(*stamps):
        known = [v for v in stamps if v is not None and not pd.isna(v)]
        return max(known) if known else None

    last = [latest(a, b) for a, b in zip(frame["last_import"], frame["last_manual"], strict=True)]
    frame["last_update"] = last
    frame["days"] = pd.array(
        [(today - v.date()).days if v is not None else None for v in last], dtype="Int64"
    )
    frame["stale"] = (frame["days"].isna() | (frame["days"] > STALE_AFTER_DAYS)).astype(bool)
    return frame


def process_counts(filters: Filters) -> dict[str, int | float]:
    """Active and completed processes and the PB money allocated, for the filters."""
    statement = filters.projects(
        select(
            func.sum(case((Project.stage.notin_(("completed", "cancelled")), 1), else_=0)),
            func.sum(case((Project.stage == "completed", 1), else_=0)),
            func.sum(
                case(
                    (
                        (Project.kind == "participatory_budgeting")
                        & (Project.stage != "cancelled"),
                        Project.budget_czk,
                    ),
                    else_=0,
                )
            ),
        )
        .select_from(Project)
        .join(District, District.id == Project.district_id)
    )
    with session_scope() as session:
        active, completed, allocated = session.execute(statement).one()
    return {
        "active_processes": int(active or 0),
        "completed_processes": int(completed or 0),
        "pb_allocated": float(allocated or 0),
    }


def youth_share_by_district(filters: Filters) -> pd.DataFrame:
    """Youth share per selected district, over the activities that report youth.

    Columns: code, name, activities (all), reporting (activities reporting youth),
    reporting_participants (their participants), youth, share (youth /
    reporting_participants, NaN when nothing is reported). Every selected district is
    listed, also one with no activities or no youth figures.
    """
    reports = Activity.youth_participants.is_not(None)
    counts = (
        filters.activities(
            select(
                Activity.district_id,
                func.count(Activity.id).label("activities"),
                func.sum(case((reports, 1), else_=0)).label("reporting"),
                func.sum(case((reports, Activity.participants), else_=0)).label("reporting_p"),
                func.sum(Activity.youth_participants).label("youth"),
            )
            .select_from(Activity)
            .join(Project, Project.id == Activity.project_id)
            .join(District, District.id == Activity.district_id)
        )
        .group_by(Activity.district_id)
        .subquery()
    )
    statement = (
        select(
            District.code,
            District.name,
            counts.c.activities,
            counts.c.reporting,
            counts.c.reporting_p,
            counts.c.youth,
        )
        .outerjoin(counts, counts.c.district_id == District.id)
        .where(filters.district_clause())
        .order_by(District.name)
    )
    with session_scope() as session:
        rows = session.execute(statement).all()
    columns = ["code", "name", "activities", "reporting", "reporting_participants", "youth"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns[2:]:
        frame[column] = frame[column].fillna(0).astype("int64")
    known = (frame["reporting"] > 0) & (frame["reporting_participants"] > 0)
    frame["share"] = (frame["youth"] / frame["reporting_participants"]).where(known)
    return frame
