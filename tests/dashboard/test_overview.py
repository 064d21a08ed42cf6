"""Přehled / Overview: its queries against hand-computed expectations (the sample inbox, both
backends), its figures on small hand-built frames, and its callbacks called as functions."""

from __future__ import annotations

import csv
import datetime as dt
import math
import statistics
import sys

import pandas as pd
import pytest
from sqlalchemy import select

from dashboard.figures import overview as figs
from dashboard.filters import Filters
from dashboard.queries import overview as q
from koordinace.settings import PROJECT_DIR
from models import Activity, District, Project
from models.db import session_scope

PRAHA_1, PRAHA_3, PRAHA_7 = 500054, 500097, 500186  # two pilot districts, one not
PB = "participatory_budgeting"


@pytest.fixture(scope="module")
def page():
    """The page module as the app loaded it (``register_page`` needs the app first)."""
    import dashboard.wsgi  # noqa: F401 - creating the app imports the pages

    return sys.modules["pages.overview"]


# ------------------------------------------------------------------ slow, obvious expectations


def _rows(url: str):
    with session_scope(url) as s:
        districts = {
            r.code: r
            for r in s.execute(
                select(
                    District.id,
                    District.code,
                    District.name,
                    District.population,
                    District.is_pilot,
                )
            ).all()
        }
        activities = s.execute(
            select(
                Activity.district_id,
                Activity.date,
                Activity.participants,
                Project.kind,
                Project.topic,
            ).join(Project, Project.id == Activity.project_id)
        ).all()
        projects = s.execute(
            select(
                Project.district_id,
                Project.kind,
                Project.topic,
                Project.stage,
                Project.start_date,
                Project.end_date,
                Project.budget_czk,
            )
        ).all()
    return districts, activities, projects


def _chosen(districts, f: Filters) -> dict[int, object]:
    """District id → row of the selected districts (the pilot when none is selected)."""
    return {
        r.id: r
        for code, r in districts.items()
        if (code in f.districts if f.districts else r.is_pilot)
    }


def _participants(districts, activities, f: Filters) -> dict[int, int]:
    """Code → participants of each selected district, summed in Python."""
    chosen = _chosen(districts, f)
    totals = {r.code: 0 for r in chosen.values()}
    for district_id, date, participants, kind, topic in activities:
        if district_id not in chosen:
            continue
        if (f.start and date < f.start) or (f.end and date > f.end):
            continue
        if (f.kinds and kind not in f.kinds) or (f.topics and topic not in f.topics):
            continue
        totals[chosen[district_id].code] += participants
    return totals


def _expected(url: str, f: Filters) -> dict:
    districts, activities, projects = _rows(url)
    chosen = _chosen(districts, f)
    participants = _participants(districts, activities, f)
    population = sum(districts[c].population for c in participants)
    pilot = _participants(districts, activities, Filters(f.start, f.end, (), f.kinds, f.topics))
    rates = [pilot[c] / districts[c].population * 1000 for c in pilot]
    active = completed = 0
    allocated = 0.0
    for district_id, kind, topic, stage, start, end, budget in projects:
        if district_id not in chosen:
            continue
        if (f.kinds and kind not in f.kinds) or (f.topics and topic not in f.topics):
            continue
        if (f.end and start and start > f.end) or (f.start and end and end < f.start):
            continue
        active += stage not in ("completed", "cancelled")
        completed += stage == "completed"
        if kind == PB and stage != "cancelled":
            allocated += float(budget or 0)
    return {
        "participants": sum(participants.values()),
        "population": population,
        "per_1000": sum(participants.values()) / population * 1000,
        "median_per_1000": statistics.median(rates),
        "districts": len(participants),
        "active_processes": active,
        "completed_processes": completed,
        "pb_allocated": allocated,
        "by_code": participants,
    }


# ------------------------------------------------------------------ queries (both backends)

FILTER_CASES = [
    Filters(),
    Filters(
        start=dt.date(2022, 1, 1),
        end=dt.date(2023, 12, 31),
        districts=(PRAHA_1, PRAHA_3, PRAHA_7),
        kinds=(PB, "survey"),
    ),
    Filters(districts=(PRAHA_3,), topics=("transport", "public_space")),
]


@pytest.mark.parametrize("f", FILTER_CASES, ids=["pilot", "period-kinds-3", "praha3-topics"])
def test_key_figures_match_a_plain_computation(sample_db, f):
    got = q.key_figures(f)
    expected = _expected(sample_db, f)
    assert got["participants"] == expected["participants"] > 0
    assert got["population"] == expected["population"]
    assert got["districts"] == expected["districts"]
    assert math.isclose(got["per_1000"], expected["per_1000"])
    assert math.isclose(got["median_per_1000"], expected["median_per_1000"])
    assert got["active_processes"] == expected["active_processes"]
    assert got["completed_processes"] == expected["completed_processes"]
    assert math.isclose(got["pb_allocated"], expected["pb_allocated"])
    # Imported just now: nothing is stale; Praha 7 (not in the pilot) has never been imported.
    assert got["stale"] == (1 if PRAHA_7 in f.districts else 0)
    assert got["stale_names"] == (["Praha 7"] if PRAHA_7 in f.districts else [])


def test_the_pilot_median_ignores_the_district_selection(sample_db):
    everyone = q.key_figures(Filters(kinds=(PB,)))
    one = q.key_figures(Filters(kinds=(PB,), districts=(PRAHA_1,)))
    assert one["median_per_1000"] == everyone["median_per_1000"]
    assert one["per_1000"] != everyone["per_1000"] and one["districts"] == 1


def test_district_map_has_every_district_and_rates_for_the_selected(sample_db):
    f = FILTER_CASES[1]
    frame = q.district_map(f)
    expected = _expected(sample_db, f)["by_code"]
    with open(PROJECT_DIR / "models" / "data" / "districts.csv", encoding="utf-8") as fh:
        population = {int(r["code"]): int(r["population"]) for r in csv.DictReader(fh)}
    assert len(frame) == 57 and set(frame["code"]) == set(population)
    chosen = frame[frame["selected"]]
    assert sorted(chosen["code"]) == sorted(f.districts)
    for row in chosen.itertuples():
        assert row.participants == expected[row.code]
        assert math.isclose(row.per_1000, expected[row.code] / population[row.code] * 1000)
    assert frame.loc[~frame["selected"], "per_1000"].isna().all()
    default = q.district_map(Filters())
    assert default["selected"].sum() == 10 and (default["selected"] == default["is_pilot"]).all()


def test_stale_districts_are_those_of_the_selection(sample_db):
    later = dt.date.today() + dt.timedelta(days=40)
    pilot = q.stale_districts(Filters(), today=later)
    assert len(pilot) == 10 and pilot["stale"].all() and (pilot["days"] == 40).all()
    assert q.key_figures(Filters(), today=later)["stale"] == 10
    two = q.stale_districts(Filters(districts=(PRAHA_1, PRAHA_7)))
    assert dict(zip(two["name"], two["stale"], strict=True)) == {"Praha 1": False, "Praha 7": True}


# ------------------------------------------------------------------ figures (no database)


def _map_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": [500054, 500097, 500186, 539449],
            "name": ["Praha 1", "Praha 3", "Praha 7", "Praha-Lipence"],
            "is_pilot": [True, True, False, True],
            "population": [29563, 76041, 44000, 2800],
            "selected": [True, True, False, True],
            "participants": pd.array([1500, 900, None, 35], dtype="Int64"),
            "per_1000": [50.7395, 11.8357, float("nan"), 12.5],
        }
    )


def test_geojson_has_every_district_of_the_reference_data():
    features = figs.geojson()["features"]
    with open(PROJECT_DIR / "models" / "data" / "districts.csv", encoding="utf-8") as fh:
        codes = {int(r["code"]) for r in csv.DictReader(fh)}
    assert {f["properties"]["kod_mc"] for f in features} == codes
    assert figs.geojson() is figs.geojson()  # read once


def test_map_draws_every_district_once_and_colours_the_selected():
    fig = figs.district_map(_map_frame(), lang="cs", data_as_of=dt.date(2026, 10, 31))
    outside, inside = fig.data
    assert outside.type == inside.type == "choropleth"
    assert list(outside.locations) == [500186] and list(inside.locations) == [
        500054,
        500097,
        539449,
    ]
    assert inside.featureidkey == "properties.kod_mc" and [
        f["properties"]["kod_mc"] for f in inside.geojson["features"]
    ] == [500054, 500097, 539449]
    assert list(inside.z) == [50.7395, 11.8357, 12.5] and inside.zmin == 0
    assert outside.showscale is False and inside.showscale is not False
    assert list(inside.customdata[0][:3]) == ["Praha 1", "50,7", "1\u00a0500"]
    assert list(outside.customdata[0]) == ["Praha 7", "mimo výběr"]
    assert fig.layout.geo.fitbounds == "locations" and fig.layout.geo.visible is False
    texts = [a.text for a in fig.layout.annotations]
    assert "data base © IPR Prague" in texts
    assert fig.layout.title.text == "Účastníci na 1 000 obyvatel podle městských částí"
    assert fig.layout.title.subtitle.text == "Data k 31.\u00a010.\u00a02026"


def test_map_in_english_and_with_nothing_selected():
    frame = _map_frame().assign(selected=False, per_1000=float("nan"))
    fig = figs.district_map(frame, lang="en")
    assert len(fig.data) == 1 and len(fig.data[0].locations) == 4
    assert fig.layout.title.text == "Participants per 1,000 residents by district"
    assert fig.data[0].customdata[0][1] == "not selected"
    empty = figs.district_map(frame.iloc[0:0], lang="cs")
    assert len(empty.data) == 0
    assert empty.layout.annotations[0].text == "Pro zvolené filtry nejsou žádná data."


def test_ranking_puts_the_highest_on_top_and_marks_the_median():
    frame = _map_frame()[lambda d: d["selected"]]
    fig = figs.ranking(frame, 12.5, lang="cs", data_as_of=dt.date(2026, 10, 31))
    (bars,) = fig.data
    assert bars.orientation == "h"
    assert list(bars.y) == ["Praha 3", "Praha-Lipence", "Praha 1"]  # bottom → top
    assert list(bars.text) == ["11,8", "12,5", "50,7"]
    assert [c[0] for c in bars.customdata] == [500097, 539449, 500054]
    (line,) = fig.layout.shapes
    assert line.x0 == line.x1 == 12.5 and line.line.dash == "dash"
    assert "Medián pilotu: 12,5" in [a.text for a in fig.layout.annotations]
    assert fig.layout.xaxis.title.text == "účastníci na 1 000 obyvatel"
    assert fig.layout.xaxis.range[1] > 50.7395


def test_ranking_without_median_or_data():
    frame = _map_frame()[lambda d: d["selected"]]
    fig = figs.ranking(frame, float("nan"), lang="en")
    assert not fig.layout.shapes
    assert fig.layout.title.text == "Districts ranked by participants per 1,000 residents"
    empty = figs.ranking(frame.iloc[0:0], 10.0, lang="en")
    assert len(empty.data) == 0
    assert empty.layout.annotations[0].text == "There is no data for the selected filters."


def test_tables_for_screen_readers():
    frame = _map_frame()
    table, columns = figs.ranking_table(frame[frame["selected"]], 12.5, "cs")
    assert list(table["district"]) == ["Praha 1", "Praha-Lipence", "Praha 3", "Medián pilotních MČ"]
    assert list(table["rank"]) == ["1", "2", "3", ""]
    assert table.iloc[0]["population"] == "29\u00a0563"
    assert columns["per_1000"] == "Účastníci na 1 000 obyvatel"
    table, columns = figs.map_table(frame, "en")
    assert table.set_index("district")["per_1000"].to_dict() == {
        "Praha 1": "50.7",
        "Praha 3": "11.8",
        "Praha 7": "not selected",
        "Praha-Lipence": "12.5",
    }


# ------------------------------------------------------------------ callbacks as functions


def _texts(component) -> list[str]:
    """Every string in a Dash component tree."""
    if component is None:
        return []
    if isinstance(component, str | int | float):
        return [str(component)]
    if isinstance(component, list | tuple):
        return [s for c in component for s in _texts(c)]
    return _texts(getattr(component, "children", None))


def test_callbacks_follow_the_filters(sample_db, page):
    expected = _expected(sample_db, FILTER_CASES[1])
    args = ("2022-01-01", "2023-12-31", [PRAHA_1, PRAHA_3, PRAHA_7], [PB, "survey"], [])
    kpis = page.update_kpis(*args)
    assert len(kpis.children) == 6
    text = _texts(kpis)
    assert f"{expected['participants']:,}".replace(",", "\u00a0") in text
    assert "v 3 vybraných městských částech" in text
    assert "1 z 3" in text and "Praha 7" in text
    assert "Procesy ve fázi Dokončeno." in text  # each card shows its metric's definition

    fig, table = page.update_map(*args)
    assert len(fig.data) == 2 and sorted(fig.data[1].locations) == sorted(args[2])
    assert len(fig.data[0].locations) + len(fig.data[1].locations) == 57
    assert table is not None

    fig, table = page.update_ranking(*args)
    assert sorted(fig.data[0].y) == ["Praha 1", "Praha 3", "Praha 7"]
    assert fig.layout.shapes[0].x0 == pytest.approx(expected["median_per_1000"])

    fig, _ = page.update_ranking(None, None, [], [], [])
    assert len(fig.data[0].y) == 10


def test_callbacks_show_a_message_instead_of_a_traceback(sample_db, page, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(page.overview_queries, "key_figures", broken)
    monkeypatch.setattr(page.overview_queries, "district_map", broken)
    monkeypatch.setattr(page.overview_queries, "participation", broken)
    args = (None, None, [], [], [])
    assert "Zkuste to prosím znovu" in " ".join(_texts(page.update_kpis(*args)))
    for callback in (page.update_map, page.update_ranking):
        fig, table = callback(*args)
        assert len(fig.data) == 0 and table is None
        assert fig.layout.annotations[0].text.startswith("Graf se nepodařilo připravit")
    assert sum("database down" in str(r.exc_info[1]) for r in caplog.records if r.exc_info) == 3


def test_a_click_on_a_district_links_to_its_page(page):
    keep = Filters(start=dt.date(2022, 1, 1), kinds=(PB,))
    assert page.district_href({"points": [{"location": 500054}]}, keep) == (
        "/districts/500054?from=2022-01-01&kind=participatory_budgeting"
    )
    bar = {"points": [{"y": "Praha 3", "customdata": [500097, "11,8", "900", "76 041"]}]}
    assert page.district_href(bar, Filters()) == "/districts/500097"
    assert page.district_href(None, Filters()) is None
    assert page.district_href({"points": [{"y": "x"}]}, Filters()) is None
