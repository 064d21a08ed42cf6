"""The Městská část / District page: its queries against expectations computed the slow,
obvious way from rows (sample inbox, both backends), its figure functions on small
hand-built frames, and its callbacks called as plain functions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import statistics
import sys
from decimal import Decimal

import flask
import pandas as pd
import pytest
from sqlalchemy import select

from dashboard import metrics
from dashboard.figures import MUTED, STAGE_COLOURS
from dashboard.figures import district as fig
from dashboard.filters import Filters
from dashboard.i18n import NBSP
from dashboard.queries import district as q
from models import Activity, District, Project, ProjectUpdate
from models.db import session_scope

PRAHA_14 = 547361
PRAHA_2 = 500089  # not a pilot district: no data
LIPENCE = 539449
FILTERED = Filters(
    start=dt.date(2022, 1, 1),
    end=dt.date(2024, 6, 30),
    kinds=("participatory_budgeting", "participatory_planning"),
)


# ------------------------------------------------------------------ slow expectations


def _projects(url: str) -> list[dict]:
    with session_scope(url) as s:
        rows = s.execute(
            select(
                Project.id,
                District.code,
                District.is_pilot,
                Project.title,
                Project.kind,
                Project.topic,
                Project.stage,
                Project.start_date,
                Project.end_date,
                Project.budget_czk,
            ).join(District, District.id == Project.district_id)
        ).all()
    return [r._asdict() for r in rows]


def _in(project: dict, f: Filters) -> bool:
    """Does a project pass the period (overlap), kind and topic filters?"""
    if f.kinds and project["kind"] not in f.kinds:
        return False
    if f.topics and project["topic"] not in f.topics:
        return False
    if f.end and project["start_date"] is not None and project["start_date"] > f.end:
        return False
    return not (f.start and project["end_date"] is not None and project["end_date"] < f.start)


def _expected(url: str, f: Filters, today: dt.date | None = None) -> dict[int, dict]:
    """Every headline figure per district (pilot ones and Praha 2), from plain rows."""
    with session_scope(url) as s:
        districts = s.execute(select(District.code, District.population, District.is_pilot)).all()
        activities = s.execute(
            select(
                District.code,
                Activity.date,
                Activity.participants,
                Activity.youth_participants,
                Project.kind,
                Project.topic,
            )
            .join(Activity, Activity.district_id == District.id)
            .join(Project, Project.id == Activity.project_id)
        ).all()
    fresh = metrics.freshness(today).set_index("code")["days"]
    out = {}
    for code, population, is_pilot in districts:
        if not is_pilot and code != PRAHA_2:
            continue
        mine = [
            a
            for a in activities
            if a.code == code
            and not (f.start and a.date < f.start)
            and not (f.end and a.date > f.end)
            and not (f.kinds and a.kind not in f.kinds)
            and not (f.topics and a.topic not in f.topics)
        ]
        participants = sum(a.participants for a in mine)
        reporting = [a for a in mine if a.youth_participants is not None]
        reported = sum(a.participants for a in reporting)
        projects = [p for p in _projects(url) if p["code"] == code and _in(p, f)]
        days = fresh.get(code)
        out[code] = {
            "is_pilot": is_pilot,
            "participants": participants,
            "participation_rate": participants / population * 1000,
            "active_processes": sum(p["stage"] not in ("completed", "cancelled") for p in projects),
            "completed_processes": sum(p["stage"] == "completed" for p in projects),
            "pb_allocated": float(
                sum(
                    p["budget_czk"] or 0
                    for p in projects
                    if p["kind"] == "participatory_budgeting" and p["stage"] != "cancelled"
                )
            ),
            "youth_share": (
                sum(a.youth_participants for a in reporting) / reported if reported else math.nan
            ),
            "freshness": math.nan if days is None or pd.isna(days) else float(days),
        }
    return out


def _median(values) -> float:
    known = [v for v in values if not math.isnan(v)]
    return statistics.median(known) if known else math.nan


def _close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


# ------------------------------------------------------------------ queries


def test_find_district_by_code_slug_or_name(sample_db):
    assert q.find_district("500054")["name"] == "Praha 1"
    assert q.find_district(500054)["slug"] == "praha-1"
    lipence = q.find_district("praha-lipence")
    assert lipence["code"] == LIPENCE and lipence["is_pilot"] is True
    assert q.find_district("Praha-Lipence")["code"] == LIPENCE
    assert q.find_district("lipence")["code"] == LIPENCE  # short name, any case
    assert q.find_district("Praha 14")["population"] == 47761
    assert q.find_district("praha-2")["is_pilot"] is False
    assert q.find_district("nowhere") is None
    assert q.find_district("999999") is None
    assert q.find_district("") is None and q.find_district(None) is None


@pytest.mark.parametrize("f", [Filters(), FILTERED], ids=["all", "filtered"])
def test_comparison_matches_the_rows_and_the_overview(sample_db, f):
    expected = _expected(sample_db, f)
    frame = q.comparison(PRAHA_14, f)
    assert list(frame["metric"]) == list(q.HEADLINE)
    pilot = {c: v for c, v in expected.items() if v["is_pilot"]}
    assert len(pilot) == 10
    for row in frame.itertuples():
        assert _close(row.district, float(expected[PRAHA_14][row.metric])), row.metric
        median = _median([float(v[row.metric]) for v in pilot.values()])
        assert _close(row.median, median), row.metric
    # The overview's own functions give the same numbers.
    overview = metrics.participation_by_district(
        Filters(start=f.start, end=f.end, kinds=f.kinds, topics=f.topics)
    )
    by_metric = frame.set_index("metric")
    assert by_metric.loc["participants", "median"] == metrics.pilot_median(overview, "participants")
    assert by_metric.loc["participation_rate", "median"] == metrics.pilot_median(
        overview, "per_1000"
    )
    counts = metrics.process_counts(
        Filters(start=f.start, end=f.end, districts=(PRAHA_14,), kinds=f.kinds)
    )
    assert by_metric.loc["active_processes", "district"] == counts["active_processes"]
    assert by_metric.loc["pb_allocated", "district"] == counts["pb_allocated"]


def test_filters_change_the_comparison(sample_db):
    everything = q.comparison(PRAHA_14, Filters()).set_index("metric")
    narrow = q.comparison(PRAHA_14, FILTERED).set_index("metric")
    assert narrow.loc["participants", "district"] < everything.loc["participants", "district"]
    assert narrow.loc["participants", "median"] < everything.loc["participants", "median"]
    # The page ignores the districts filter: the pilot median stays the pilot's.
    other = dataclasses.replace(FILTERED, districts=(500054,))
    assert q.comparison(PRAHA_14, other).equals(q.comparison(PRAHA_14, FILTERED))


def test_a_district_outside_the_pilot_is_compared_with_the_pilot(sample_db):
    expected = _expected(sample_db, Filters())
    frame = q.comparison(PRAHA_2, Filters()).set_index("metric")
    assert frame.loc["participants", "district"] == 0
    assert frame.loc["active_processes", "district"] == 0
    assert math.isnan(frame.loc["youth_share", "district"])  # nothing reported
    assert math.isnan(frame.loc["freshness", "district"])  # never imported
    pilot = [v["participants"] for v in expected.values() if v["is_pilot"]]
    assert frame.loc["participants", "median"] == statistics.median(pilot)
    assert (frame["pilot"] == 10).all()


def test_processes_are_the_districts_in_the_filters_newest_first(sample_db):
    for f in (Filters(), FILTERED):
        frame = q.processes(PRAHA_14, f)
        expected = [p for p in _projects(sample_db) if p["code"] == PRAHA_14 and _in(p, f)]
        assert sorted(frame["id"]) == sorted(p["id"] for p in expected)
        starts = [d for d in frame["start_date"] if d is not None]
        assert starts == sorted(starts, reverse=True)
        budgets = {p["id"]: p["budget_czk"] for p in expected}
        for row in frame.itertuples():
            want = budgets[row.id]
            assert (want is None and math.isnan(row.budget_czk)) or row.budget_czk == float(want)
    assert len(q.processes(PRAHA_14, FILTERED)) < len(q.processes(PRAHA_14, Filters()))
    assert q.processes(PRAHA_2, Filters()).empty


def test_stage_counts_count_the_listed_processes(sample_db):
    for f in (Filters(), FILTERED):
        counts = q.stage_counts(PRAHA_14, f).set_index("stage")["processes"].to_dict()
        listed = q.processes(PRAHA_14, f)["stage"].value_counts().to_dict()
        assert counts == listed and sum(counts.values()) > 0


def _add_updates(url: str, project_id: int, day: dt.date) -> None:
    """Two later updates of one project: a manual form edit and an API one."""
    with session_scope(url) as s:
        s.add_all(
            [
                ProjectUpdate(
                    project_id=project_id,
                    effective_date=day,
                    stage="voting",
                    progress_pct=Decimal("60"),
                    source="form",
                    note="Hlasování zahájeno",
                ),
                ProjectUpdate(
                    project_id=project_id,
                    effective_date=dt.date(2030, 1, 1),
                    stage="implementation",
                    progress_pct=Decimal("80"),
                    source="api",
                ),
            ]
        )


def test_history_newest_first_for_one_process_or_all(sample_db):
    project = q.processes(PRAHA_14, Filters()).iloc[0]
    pid, day = int(project["id"]), project["start_date"] + dt.timedelta(days=1)
    before, total_before = q.history(PRAHA_14, Filters())
    assert total_before == len(before) == len(q.processes(PRAHA_14, Filters()))
    (imported,) = before.loc[before["project_id"] == pid, "effective_date"]
    assert imported != day
    _add_updates(sample_db, pid, day)
    frame, total = q.history(PRAHA_14, Filters())
    assert total == total_before + 2
    dates = list(frame["effective_date"])
    assert dates == sorted(dates, reverse=True) and dates[0] == dt.date(2030, 1, 1)
    one, n = q.history(PRAHA_14, Filters(), pid)
    assert n == 3 and set(one["project_id"]) == {pid}
    assert list(one["effective_date"]) == sorted([imported, day, dt.date(2030, 1, 1)])[::-1]
    assert one["source"].iloc[0] == "api" and set(one["source"]) == {"api", "form", "import"}
    assert one["progress_pct"].iloc[0] == 80.0
    # The period applies to the effective date.
    in_period, _ = q.history(PRAHA_14, Filters(start=day, end=day), pid)
    assert list(in_period["source"]) == ["form"]
    assert list(in_period["note"]) == ["Hlasování zahájeno"]
    limited, n_all = q.history(PRAHA_14, Filters(), limit=5)
    assert len(limited) == 5 and n_all == total


def test_freshness_is_the_metrics_row(sample_db):
    later = dt.date.today() + dt.timedelta(days=45)
    row = q.freshness(PRAHA_14, today=later)
    assert row["days"] == 45 and row["stale"] is True and row["last_manual"] is None
    assert row["last_import"] is not None and row["last_update"] == row["last_import"]
    assert q.freshness(PRAHA_14)["stale"] is False
    never = q.freshness(PRAHA_2)
    assert never["days"] is None and never["last_update"] is None and never["stale"] is True
    assert q.freshness(1) is None


# ------------------------------------------------------------------ figures


def _comparison_frame(district=(120.0, 4.0, 3.0, 2.0, 1.5e6, 0.25, 3.0)) -> pd.DataFrame:
    medians = (100.0, 3.5, 4.0, 2.0, 1.0e6, 0.2, 0.0)
    return pd.DataFrame(
        {
            "metric": list(q.HEADLINE),
            "district": list(district),
            "median": list(medians),
            "pilot": [10] * 7,
        }
    )


def test_format_value_in_czech_and_english():
    assert fig.format_value("participants", 1234567.0, "cs") == f"1{NBSP}234{NBSP}567"
    assert fig.format_value("participants", 12.5, "cs") == "12,5"  # a median of counts
    assert fig.format_value("participants", 1234567.0, "en") == "1,234,567"
    assert fig.format_value("pb_allocated", 1.5e6, "cs") == f"1{NBSP}500{NBSP}000{NBSP}Kč"
    assert fig.format_value("pb_allocated", 1.5e6, "en") == f"CZK{NBSP}1,500,000"
    assert fig.format_value("youth_share", 0.2049, "cs") == f"20,5{NBSP}%"
    assert fig.format_value("freshness", 3.0, "cs") == f"3{NBSP}dní"
    assert fig.format_value("participation_rate", 2895.81, "en") == "2,895.8"
    assert fig.format_value("youth_share", math.nan, "cs") == "–"
    assert fig.format_difference("participants", 120.0, 100.0, "cs") == "+20"
    assert fig.format_difference("active_processes", 3.0, 4.0, "cs") == "−1"
    assert fig.format_difference("youth_share", math.nan, 0.2, "cs") == "–"


def test_comparison_table_labels_and_definitions():
    table = fig.comparison_table(_comparison_frame(), "cs")
    assert list(table["metric"]) == [metrics.METRICS[k].label("cs") for k in q.HEADLINE]
    assert table["definition"].iloc[0] == metrics.METRICS["participants"].definition("cs")
    assert table.loc[4, "district"] == f"1{NBSP}500{NBSP}000{NBSP}Kč"
    assert table.loc[4, "difference"] == f"+500{NBSP}000{NBSP}Kč"
    english = fig.comparison_table(_comparison_frame(), "en")
    assert english.loc[0, "metric"] == "Participants"


def test_comparison_figure_draws_a_dumbbell_per_metric():
    figure = fig.comparison_figure(_comparison_frame(), "Praha 14", "cs", dt.date(2026, 10, 31))
    assert figure.layout.title.text == "Praha 14 a medián pilotních městských částí"
    assert "31." in figure.layout.title.subtitle.text
    points = [d for d in figure.data if d.mode == "markers"]
    lines = [d for d in figure.data if d.mode == "lines"]
    assert len(points) == 14 and len(lines) == 7
    assert [d.name for d in points[:2]] == ["Medián pilotu", "Praha 14"]
    assert sum(bool(d.showlegend) for d in points) == 2  # one legend entry each
    assert all(d.line.color == MUTED for d in lines)
    youth = [d for d in points if d.y[0] == "Podíl mládeže (%)"]
    assert [d.x[0] for d in youth] == [pytest.approx(20.0), pytest.approx(25.0)]
    assert youth[1].customdata[0][0] == f"25,0{NBSP}%"
    # Each metric has its own axis starting at 0.
    assert figure.layout.xaxis5.range[0] == 0 and figure.layout.xaxis5.ticksuffix == f"{NBSP}Kč"
    assert figure.layout.separators == f",{NBSP}"


def test_comparison_figure_marks_what_the_district_does_not_report():
    frame = _comparison_frame(district=(0.0, 0.0, 0.0, 0.0, 0.0, math.nan, math.nan))
    figure = fig.comparison_figure(frame, "Praha 2", "en")
    assert figure.layout.title.text == "Praha 2 and the pilot districts' median"
    youth = [d for d in figure.data if d.y and d.y[0] == "Youth share (%)"]
    assert [d.name for d in youth] == ["Pilot median"]
    assert any(a.text == "Praha 2: not reported" for a in figure.layout.annotations)


def test_comparison_figure_without_data_says_so():
    frame = _comparison_frame(district=(math.nan,) * 7)
    frame["median"] = math.nan
    figure = fig.comparison_figure(frame, "Praha 14", "cs")
    assert len(figure.data) == 0
    assert figure.layout.annotations[0].text == "Pro zvolené filtry nejsou žádná data."


def test_stages_figure_in_process_order_with_stage_colours():
    frame = pd.DataFrame({"stage": ["completed", "preparation", "voting"], "processes": [24, 1, 2]})
    figure = fig.stages_figure(frame, "Praha 14", "cs", dt.date(2026, 10, 31))
    (bar,) = figure.data
    assert list(bar.y) == ["Příprava", "Hlasování", "Dokončeno"]
    assert list(bar.x) == [1, 2, 24]
    assert list(bar.marker.color) == [
        STAGE_COLOURS["preparation"],
        STAGE_COLOURS["voting"],
        STAGE_COLOURS["completed"],
    ]
    assert figure.layout.title.text == "Procesy městské části Praha 14 podle fáze (počet)"
    assert figure.layout.yaxis.autorange == "reversed"
    english = fig.stages_figure(frame, "Praha 14", "en")
    assert list(english.data[0].y) == ["Preparation", "Voting", "Completed"]
    empty = fig.stages_figure(frame.iloc[0:0], "Praha 14", "cs")
    assert len(empty.data) == 0 and empty.layout.annotations


def test_process_and_history_tables_use_labels_and_czech_formats():
    processes = pd.DataFrame(
        {
            "id": [1, 2],
            "title": ["Park u nádraží", "Rozpočet 2023"],
            "kind": ["participatory_planning", "participatory_budgeting"],
            "stage": ["collecting_input", "completed"],
            "progress_pct": [45.0, math.nan],
            "start_date": [dt.date(2021, 3, 15), None],
            "end_date": [dt.date(2022, 1, 1), None],
            "budget_czk": [1234567.0, math.nan],
        }
    )
    table = fig.processes_table(processes, "cs")
    row = table.iloc[0]
    assert row["kind"] == "Participativní plánování" and row["stage"] == "Sběr podnětů"
    assert row["progress"] == f"45{NBSP}%" and row["start"] == f"15.{NBSP}3.{NBSP}2021"
    assert row["budget"] == f"1{NBSP}234{NBSP}567{NBSP}Kč"
    assert list(table.iloc[1][["progress", "start", "budget"]]) == ["–", "–", "–"]
    assert list(fig.processes_headers("cs").values()) == [
        "Název",
        "Typ",
        "Fáze",
        "Plnění",
        "Zahájení",
        "Plánované ukončení",
        "Rozpočet",
    ]
    assert fig.processes_table(processes, "en").iloc[0]["start"] == "15 Mar 2021"
    history = pd.DataFrame(
        {
            "project_id": [1, 1],
            "title": ["Park u nádraží"] * 2,
            "effective_date": [dt.date(2023, 5, 1), dt.date(2021, 3, 15)],
            "stage": ["voting", "preparation"],
            "progress_pct": [60.0, math.nan],
            "source": ["form", "import"],
            "note": ["Hlasování zahájeno", None],
        }
    )
    rows = fig.history_table(history, "cs")
    assert list(rows["stage"]) == ["Hlasování", "Příprava"]
    assert list(rows["source"]) == ["formulář", "import"]
    assert list(rows["note"]) == ["Hlasování zahájeno", ""]
    assert "process" not in fig.history_headers("cs", with_process=False)


# ------------------------------------------------------------------ the page


@pytest.fixture(scope="module")
def page():
    """The page module as the app loads it (Dash's pages loader names it pages.district)."""
    if "pages.district" not in sys.modules:
        from dashboard.app import create_app

        create_app()
    return sys.modules["pages.district"]


def _texts(component) -> str:
    """All the text in a component tree."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(_texts(c) for c in component)
    return _texts(getattr(component, "children", None))


def _ids(component) -> set[str]:
    found = set()
    if isinstance(component, list | tuple):
        for c in component:
            found |= _ids(c)
        return found
    if component is None or isinstance(component, str | int | float):
        return found
    if getattr(component, "id", None):
        found.add(component.id)
    return found | _ids(getattr(component, "children", None))


def test_page_is_registered_off_the_menu(page):
    import dash

    entry = dash.page_registry["pages.district"]
    assert entry["path_template"] == "/districts/<district>" and entry["path"] == "/districts"
    assert entry["name"] == "Městská část" and entry["name_en"] == "District"
    assert entry["order"] == 40


def test_layout_by_code_and_by_slug(sample_db, page):
    by_code = page.layout(district="547361", kind="survey")
    by_slug = page.layout(district="praha-14")
    for layout in (by_code, by_slug):
        assert _texts(layout).count(f"Praha 14 · 47{NBSP}761 obyvatel (2019)") == 1
        ids = _ids(layout)
        assert {page.COMPARISON_CHART, page.STAGES, page.PROCESSES, page.HISTORY} <= ids
        assert {"filter-period", "filter-kinds", "filter-topics", "filter-districts"} <= ids
    assert "filter-kinds" in _ids(by_code)
    lipence = page.layout(district="praha-lipence")
    assert f"Praha-Lipence · 2{NBSP}911 obyvatel (2019)" in _texts(lipence)
    assert "není pilotní" in _texts(page.layout(district="praha-2"))
    assert "není pilotní" not in _texts(lipence)


def test_unknown_district_and_index(sample_db, page):
    missing = page.layout(district="atlantida")
    text = _texts(missing)
    assert "Městská část nenalezena" in text and "„atlantida“" in text
    assert "Praha-Lipence" in text and page.COMPARISON_CHART not in _ids(missing)
    index = page.layout()
    assert "Městské části" in _texts(index) and page.PICKER in _ids(index)
    assert "Městská část nenalezena" not in _texts(index)
    assert page._title(district="praha-14") == "Koordinace – Praha 14"
    assert page._title(district="atlantida") == "Koordinace – nenalezeno"


STORE = {"code": PRAHA_14, "name": "Praha 14", "slug": "praha-14"}
NO_FILTERS = (None, None, [], [], [])
FILTER_VALUES = ("2022-01-01", "2024-06-30", [], ["participatory_budgeting"], [])


def test_comparison_callback(sample_db, page):
    table, figure, alternative = page.update_comparison(STORE, *NO_FILTERS)
    assert figure.layout.title.text == "Praha 14 a medián pilotních městských částí"
    assert len([d for d in figure.data if d.mode == "markers"]) == 14
    assert "Účastníci na 1 000 obyvatel" in _texts(table)
    expected = q.comparison(PRAHA_14, Filters()).set_index("metric")
    participants = fig.format_value("participants", expected.loc["participants", "district"], "cs")
    assert participants in _texts(table) and participants in _texts(alternative)
    _, narrow, _ = page.update_comparison(STORE, *FILTER_VALUES)
    assert narrow.data[2].x != figure.data[2].x  # Praha 14's participants changed


def test_callbacks_follow_the_filters(sample_db, page):
    stages, stage_table = page.update_stages(STORE, *NO_FILTERS)
    narrow_stages, _ = page.update_stages(STORE, *FILTER_VALUES)
    assert sum(stages.data[0].x) == len(q.processes(PRAHA_14, Filters()))
    assert sum(narrow_stages.data[0].x) < sum(stages.data[0].x)
    assert "Dokončeno" in _texts(stage_table)

    listing, options, value = page.update_processes(STORE, *NO_FILTERS, None)
    assert len(options) == len(q.processes(PRAHA_14, Filters())) and value is None
    assert "Plánované ukončení" in _texts(listing)
    kept = options[0]["value"]
    _, narrow_options, narrow_value = page.update_processes(STORE, *FILTER_VALUES, kept)
    assert len(narrow_options) < len(options)
    assert narrow_value == (kept if kept in {o["value"] for o in narrow_options} else None)

    history = page.update_history(STORE, None, *NO_FILTERS)
    assert f"Zobrazeno {len(options)} z {len(options)} záznamů." in _texts(history)
    one = page.update_history(STORE, kept, *NO_FILTERS)
    assert "Zobrazeno 1 z 1 záznamů." in _texts(one)


def test_callbacks_show_no_data_and_errors_without_tracebacks(sample_db, page, monkeypatch):
    praha_2 = {"code": PRAHA_2, "name": "Praha 2", "slug": "praha-2"}
    stages, _ = page.update_stages(praha_2, *NO_FILTERS)
    assert stages.layout.annotations[0].text == "Pro zvolené filtry nejsou žádná data."
    listing, options, _ = page.update_processes(praha_2, *NO_FILTERS, None)
    assert options == [] and "nejsou žádná data" in _texts(listing)
    assert "bez dat" in _texts(page.update_freshness(praha_2))

    def broken(*_args, **_kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(q, "comparison", broken)
    monkeypatch.setattr(q, "history", broken)
    table, figure, _ = page.update_comparison(STORE, *NO_FILTERS)
    assert "nepodařilo" in figure.layout.annotations[0].text
    assert "nepodařilo" in _texts(table) and "database down" not in _texts(table)
    assert "nepodařilo" in _texts(page.update_history(STORE, None, *NO_FILTERS))


def test_freshness_callback_and_english(sample_db, page):
    text = _texts(page.update_freshness(STORE))
    assert "Poslední import" in text and "aktuální" in text
    with flask.Flask(__name__).test_request_context(headers={"Cookie": "lang=en"}):
        english = _texts(page.update_freshness(STORE))
        _, figure, _ = page.update_comparison(STORE, *NO_FILTERS)
        layout = _texts(page.layout(district="praha-14"))
    assert "Last import" in english and "up to date" in english
    assert figure.layout.title.text == "Praha 14 and the pilot districts' median"
    assert "Praha 14 · 47,761 residents (2019)" in layout


def test_picker_navigates_keeping_the_filters(sample_db, page):
    assert page.navigate("praha-1", STORE, "?kind=survey&districts=547361") == (
        "/districts/praha-1?kind=survey"
    )
    assert page.navigate("praha-14", STORE, "") is page.no_update
    assert page.navigate("praha-lipence", None, None) == "/districts/praha-lipence"
