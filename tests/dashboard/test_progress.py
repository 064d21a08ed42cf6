"""Průběh / Progress: queries against expectations computed the slow, obvious way from the
sample rows (both backends), figures on small hand-built frames, callbacks as functions."""

from __future__ import annotations

import datetime as dt
import logging
import sys

import pandas as pd
import pytest
from sqlalchemy import select

from dashboard.figures import STAGE_COLOURS
from dashboard.figures import progress as fig
from dashboard.filters import Filters
from dashboard.i18n import NBSP
from dashboard.queries import progress as q
from models import District, Project
from models.db import session_scope
from models.vocabulary import vocabulary

STAGES = vocabulary("stage").values
TODAY = dt.date(2026, 11, 27)
CLOSED = {"completed", "cancelled"}


# ------------------------------------------------------------------ the slow, obvious way


def _rows(url: str) -> list[dict]:
    with session_scope(url) as s:
        rows = s.execute(
            select(
                Project.id,
                District.code,
                District.name,
                District.is_pilot,
                Project.stage,
                Project.kind,
                Project.topic,
                Project.start_date,
                Project.end_date,
                Project.budget_czk,
            ).join(District, District.id == Project.district_id)
        ).all()
    return [r._asdict() for r in rows]


def _matches(row: dict, f: Filters) -> bool:
    if f.districts and row["code"] not in f.districts:
        return False
    if not f.districts and not row["is_pilot"]:
        return False
    if f.kinds and row["kind"] not in f.kinds:
        return False
    if f.topics and row["topic"] not in f.topics:
        return False
    if f.end and row["start_date"] is not None and row["start_date"] > f.end:
        return False
    return not (f.start and row["end_date"] is not None and row["end_date"] < f.start)


def _is_overdue(row: dict, today: dt.date) -> bool:
    return row["end_date"] is not None and row["end_date"] < today and row["stage"] not in CLOSED


def _natural(name: str) -> list:
    """Praha 1 < Praha 3 < Praha 11 < Praha-Běchovice, spelled out differently from the
    module's key: numbers compared as numbers, everything else as text."""
    head, _, tail = name.partition(" ")
    return [head, 0, int(tail)] if tail.isdigit() else [name, 1, 0]


FILTERED = Filters(
    start=dt.date(2022, 1, 1),
    end=dt.date(2023, 12, 31),
    districts=(500054, 547034, 547361),
    kinds=("participatory_budgeting", "participatory_planning"),
)


# ------------------------------------------------------------------ queries


@pytest.mark.parametrize("f", [Filters(), FILTERED], ids=["default", "filtered"])
def test_stage_counts_match_a_plain_count(sample_db, f):
    rows = [r for r in _rows(sample_db) if _matches(r, f)]
    frame = q.stage_counts(f)
    expected_districts = sorted(
        {
            r["name"]
            for r in _rows(sample_db)
            if (r["code"] in f.districts if f.districts else r["is_pilot"])
        },
        key=_natural,
    )
    # every selected district × every stage, districts in natural order, stages in order
    assert list(dict.fromkeys(frame["district"])) == expected_districts
    assert list(frame["stage"]) == list(STAGES) * len(expected_districts)
    got = {(r.district, r.stage): r.count for r in frame.itertuples() if r.count}
    expected: dict = {}
    for r in rows:
        expected[(r["name"], r["stage"])] = expected.get((r["name"], r["stage"]), 0) + 1
    assert got == expected
    assert frame["count"].sum() == len(rows) > 0


def test_stage_counts_keep_a_selected_district_without_processes(sample_db):
    frame = q.stage_counts(Filters(districts=(500054,), topics=("culture",), kinds=("survey",)))
    assert set(frame["district"]) == {"Praha 1"} and len(frame) == len(STAGES)
    plain = [
        r
        for r in _rows(sample_db)
        if r["code"] == 500054 and r["topic"] == "culture" and r["kind"] == "survey"
    ]
    assert frame["count"].sum() == len(plain)


def test_period_is_an_overlap_inclusive_at_both_ends(sample_db):
    row = next(r for r in _rows(sample_db) if r["is_pilot"] and r["end_date"] and r["start_date"])
    ends_on_start = Filters(start=row["end_date"], end=row["end_date"] + dt.timedelta(days=400))
    starts_on_end = Filters(start=row["start_date"] - dt.timedelta(days=400), end=row["start_date"])
    after = Filters(start=row["end_date"] + dt.timedelta(days=1))
    assert row["id"] in set(q.processes(ends_on_start, TODAY)["id"])
    assert row["id"] in set(q.processes(starts_on_end, TODAY)["id"])
    assert row["id"] not in set(q.processes(after, TODAY)["id"])


@pytest.mark.parametrize("f", [Filters(), FILTERED], ids=["default", "filtered"])
def test_processes_match_the_rows_in_district_then_start_order(sample_db, f):
    rows = [r for r in _rows(sample_db) if _matches(r, f)]
    frame = q.processes(f, today=TODAY)
    assert sorted(frame["id"]) == sorted(r["id"] for r in rows)
    expected_order = [
        r["id"]
        for r in sorted(
            rows,
            key=lambda r: (
                _natural(r["name"]),
                r["start_date"] is None,
                r["start_date"] or dt.date.max,
                r["id"],
            ),
        )
    ]
    assert list(frame["id"]) == expected_order
    by_id = {r["id"]: r for r in rows}
    assert {i for i, o in zip(frame["id"], frame["overdue"], strict=True) if o} == {
        r["id"] for r in rows if _is_overdue(r, TODAY)
    }
    budgets = {
        i: b for i, b in zip(frame["id"], frame["budget_czk"], strict=True) if not pd.isna(b)
    }
    assert budgets == {
        i: float(r["budget_czk"]) for i, r in by_id.items() if r["budget_czk"] is not None
    }
    assert frame["budget_czk"].dtype == "float64" and frame["progress_pct"].dtype == "float64"


def test_overdue_depends_on_the_day(sample_db):
    early = q.processes(Filters(), today=dt.date(2019, 1, 1))
    late = q.processes(Filters(), today=TODAY)
    assert not early["overdue"].any()  # nothing was due before the first process
    assert late["overdue"].sum() > 0
    assert not late.loc[late["overdue"], "stage"].isin(CLOSED).any()


def _expected_timeline(rows: list[dict], today: dt.date, limit: int) -> list[int]:
    dated = [r for r in rows if r["start_date"] is not None]

    def rank(r):
        if _is_overdue(r, today):
            return (0, 0, -(r["end_date"].toordinal()), -r["start_date"].toordinal(), r["id"])
        if r["stage"] not in CLOSED:  # active: nearest planned end first, none last
            end = r["end_date"].toordinal() if r["end_date"] else 10**9
            return (1, end, 0, -r["start_date"].toordinal(), r["id"])
        end = -(r["end_date"].toordinal()) if r["end_date"] else 10**9
        return (2, 0, end, -r["start_date"].toordinal(), r["id"])

    kept = sorted(dated, key=rank)[:limit]
    kept.sort(key=lambda r: (_natural(r["name"]), r["start_date"], r["id"]))
    return [r["id"] for r in kept]


@pytest.mark.parametrize(
    ("f", "limit"), [(Filters(), 60), (FILTERED, 5), (FILTERED, 60)], ids=["60", "5", "all"]
)
def test_timeline_keeps_the_most_relevant_processes(sample_db, f, limit):
    rows = [r for r in _rows(sample_db) if _matches(r, f)]
    found = q.timeline(f, today=TODAY, limit=limit)
    assert list(found.rows["id"]) == _expected_timeline(rows, TODAY, limit)
    assert found.total == sum(r["start_date"] is not None for r in rows)
    assert found.undated == sum(r["start_date"] is None for r in rows)
    assert len(found.rows) == min(limit, found.total)


def test_timeline_of_the_sample_puts_overdue_and_active_first(sample_db):
    found = q.timeline(Filters(), today=TODAY)
    assert found.total == 300 and len(found.rows) == q.TIMELINE_LIMIT
    overdue = sum(_is_overdue(r, TODAY) for r in _rows(sample_db) if r["is_pilot"])
    assert found.rows["overdue"].sum() == overdue  # all of them fit
    assert not found.rows["stage"].isin(CLOSED).any()  # more active ones than room


def test_queries_return_empty_frames_for_no_match(sample_db):
    nothing = Filters(end=dt.date(2010, 1, 1))  # everything starts later
    assert q.processes(nothing, TODAY).empty
    found = q.timeline(nothing, TODAY)
    assert found.rows.empty and found.total == 0 and found.undated == 0
    assert q.stage_counts(nothing)["count"].sum() == 0


# ------------------------------------------------------------------ figures


def _counts(data: dict[str, dict[str, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(name, stage, data[name].get(stage, 0)) for name in data for stage in STAGES],
        columns=["district", "stage", "count"],
    )


def test_stages_figure_stacks_stages_in_process_order():
    frame = _counts(
        {
            "Praha 1": {"completed": 3, "preparation": 1},
            "Praha 3": {"voting": 2, "completed": 1},
            "Praha-Lipence": {},
        }
    )
    figure = fig.stages_figure(frame, "cs", dt.date(2026, 10, 31))
    assert [t.name for t in figure.data] == ["Příprava", "Hlasování", "Dokončeno"]
    assert [t.marker.color for t in figure.data] == [
        STAGE_COLOURS[s] for s in ("preparation", "voting", "completed")
    ]
    assert figure.layout.barmode == "stack"
    assert list(figure.layout.yaxis.categoryarray) == ["Praha 1", "Praha 3", "Praha-Lipence"]
    done = figure.data[2]
    assert list(done.y) == ["Praha 1", "Praha 3", "Praha-Lipence"] and list(done.x) == [3, 1, 0]
    assert list(done.customdata) == [4, 3, 0]  # the district's total, in the hover
    assert "Dokončeno: %{x:,.0f}" in done.hovertemplate
    assert "Celkem v městské části" in done.hovertemplate
    assert "počet procesů" in figure.layout.title.text
    assert figure.layout.title.subtitle.text == f"Data k 31.{NBSP}10.{NBSP}2026"
    assert figure.layout.separators == f",{NBSP}"
    english = fig.stages_figure(frame, "en")
    assert [t.name for t in english.data] == ["Preparation", "Voting", "Completed"]
    assert english.layout.title.text.startswith("Processes by district and stage")


def test_stages_figure_and_table_when_there_is_nothing():
    zero = _counts({"Praha 1": {}})
    for frame in (zero, zero.iloc[0:0]):
        figure = fig.stages_figure(frame, "cs")
        assert len(figure.data) == 0
        assert figure.layout.annotations[0].text == "Pro zvolené filtry nejsou žádná data."


def test_stages_table_has_a_column_per_stage_and_the_total():
    frame = _counts({"Praha 1": {"completed": 1200, "voting": 2}, "Praha 3": {"voting": 1}})
    table, columns = fig.stages_table(frame, "cs")
    assert list(columns.values()) == [
        "Městská část",
        *(vocabulary("stage").label(s, "cs") for s in STAGES),
        "Celkem",
    ]
    first = table.iloc[0]
    assert first["district"] == "Praha 1" and first["completed"] == f"1{NBSP}200"
    assert first["total"] == f"1{NBSP}202" and table.iloc[1]["total"] == "1"


def _process(**values) -> dict:
    row = {
        "id": 1,
        "district_code": 500054,
        "district": "Praha 1",
        "district_short": "Praha 1",
        "code": "P1-1",
        "title": "Participativní rozpočet 2024",
        "kind": "participatory_budgeting",
        "stage": "implementation",
        "progress_pct": 40.0,
        "start_date": dt.date(2024, 1, 1),
        "end_date": dt.date(2024, 12, 31),
        "budget_czk": 1234567.0,
        "topic": "transport",
        "overdue": False,
    }
    row.update(values)
    return row


def _frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=q.PROCESS_COLUMNS)


TIMELINE_ROWS = _frame(
    _process(id=1, stage="voting", start_date=dt.date(2026, 3, 1), end_date=dt.date(2027, 2, 1)),
    _process(id=2, code="P1-2", overdue=True, end_date=dt.date(2025, 3, 15), progress_pct=70.5),
    _process(
        id=3,
        code="P1-3",
        district="Praha-Lipence",
        district_short="Lipence",
        title="Průzkum " + "dlouhého názvu " * 5,
        stage="collecting_input",
        end_date=None,
    ),
    _process(id=4, code="P1-4", start_date=None),
    _process(id=5, code="P1-5", stage="completed", title="Participativní rozpočet 2024"),
)


def test_timeline_figure_draws_start_to_end_with_overdue_apart():
    today = dt.date(2026, 11, 27)
    figure = fig.timeline_figure(TIMELINE_ROWS, "cs", today, dt.date(2026, 10, 31))
    names = [t.name for t in figure.data]
    assert names == ["Sběr podnětů", "Hlasování", "Dokončeno", "Po termínu"]
    overdue = figure.data[-1]
    assert overdue.marker.color == fig.OVERDUE_COLOUR
    assert overdue.marker.color not in STAGE_COLOURS.values()
    assert len(overdue.y) == 1 and "Po termínu" in overdue.hovertemplate
    assert "Po termínu" not in figure.data[1].hovertemplate
    # base = start date, x = duration in ms (end inclusive), on a date axis
    assert list(overdue.base) == ["2024-01-01"]
    assert list(overdue.x) == [((dt.date(2025, 3, 15) - dt.date(2024, 1, 1)).days + 1) * 864e5]
    assert figure.layout.xaxis.type == "date" and figure.layout.barmode == "overlay"
    assert overdue.customdata[0][3] == f"70,5{NBSP}%"  # progress in Czech
    assert overdue.customdata[0][4] == f"1.{NBSP}1.{NBSP}2024"
    # no planned end: drawn up to today, and the hover says so
    open_ended = figure.data[0]
    assert list(open_ended.x) == [((today - dt.date(2024, 1, 1)).days + 1) * 864e5]
    assert open_ended.customdata[0][5] == "neuvedeno (na ose do dneška)"
    assert open_ended.y[0].startswith("Lipence · Průzkum dlouhého") and open_ended.y[0].endswith(
        "…"
    )
    # the undated row is left out; labels unique (project id added to twins); frame order
    labels = list(figure.layout.yaxis.categoryarray)
    assert len(labels) == 4
    assert labels[1] == "Praha 1 · Participativní rozpočet 2024 (P1-2)"
    assert labels[3] == "Praha 1 · Participativní rozpočet 2024 (P1-5)"
    assert figure.layout.yaxis.autorange == "reversed"
    # today marked with a labelled vertical line
    (line,) = figure.layout.shapes
    assert line.x0 == line.x1 == "2026-11-27" and line.yref == "paper"
    assert [a.text for a in figure.layout.annotations] == ["dnes"]
    assert figure.layout.title.text.startswith("Časová osa procesů")
    assert figure.layout.height >= 340


def test_timeline_figure_in_english_and_when_empty():
    figure = fig.timeline_figure(TIMELINE_ROWS, "en", TODAY)
    assert [t.name for t in figure.data][-1] == "Overdue"
    assert [a.text for a in figure.layout.annotations] == ["today"]
    assert "Planned end" in figure.data[0].hovertemplate
    assert figure.data[-1].customdata[0][4] == "1 Jan 2024"
    for frame in (TIMELINE_ROWS.iloc[0:0], TIMELINE_ROWS[TIMELINE_ROWS["id"] == 4]):
        empty = fig.timeline_figure(frame, "cs", TODAY)
        assert len(empty.data) == 0 and "nejsou žádná data" in empty.layout.annotations[0].text


def test_timeline_note_and_table():
    assert fig.timeline_note(10, 10, 0, "cs") == ""
    note = fig.timeline_note(60, 300, 2, "cs")
    assert "60 z 300" in note and "bez data zahájení (2)" in note
    assert "60 of 300" in fig.timeline_note(60, 300, 0, "en")
    table, columns = fig.timeline_table(TIMELINE_ROWS, "cs")
    assert columns["end"] == "Plánované ukončení"
    assert list(table["state"]) == ["V termínu", "Po termínu"] + ["V termínu"] * 3
    assert table.iloc[1]["end"] == f"15.{NBSP}3.{NBSP}2025" and table.iloc[2]["end"] == "–"


def test_grid_rows_carry_raw_values_and_czech_display_strings():
    rows = fig.grid_rows(
        _frame(
            _process(start_date=dt.date(2021, 3, 15), overdue=True, topic=None),
            _process(id=2, budget_czk=float("nan"), progress_pct=float("nan"), end_date=None),
        ),
        "cs",
    )
    first, second = rows
    assert first["start"] == "2021-03-15" and first["start_text"] == f"15.{NBSP}3.{NBSP}2021"
    assert first["budget"] == 1234567.0 and first["budget_text"] == f"1{NBSP}234{NBSP}567{NBSP}Kč"
    assert first["end_text"] == f"31.{NBSP}12.{NBSP}2024 (po termínu)"
    assert first["kind"] == "Participativní rozpočet" and first["stage"] == "Realizace"
    assert first["stage_order"] == list(STAGES).index("implementation")
    assert first["topic"] == "–" and first["progress_text"] == f"40{NBSP}%"
    assert second["budget"] is None and second["budget_text"] == "–"
    assert second["progress"] is None and second["end"] is None and second["end_text"] == "–"
    english = fig.grid_rows(_frame(_process()), "en")[0]
    assert english["budget_text"] == f"CZK{NBSP}1,234,567" and english["stage"] == "Implementation"
    assert english["start_text"] == "1 Jan 2024"


def test_column_defs_name_fields_the_rows_have_in_the_page_language():
    row = fig.grid_rows(_frame(_process()), "cs")[0]
    for lang in ("cs", "en"):
        defs = fig.column_defs(lang)
        assert all(d["field"] in row for d in defs)
        for d in defs:
            formatter = d.get("valueFormatter", {}).get("function", "")
            if "_text" in formatter:
                assert f"{d['field']}_text" in row
    headers = [d["headerName"] for d in fig.column_defs("cs")]
    assert headers == [
        "Městská část",
        "ID projektu",
        "Název",
        "Typ procesu",
        "Fáze",
        "Postup",
        "Zahájení",
        "Plánované ukončení",
        "Rozpočet",
        "Téma",
    ]
    assert [d["headerName"] for d in fig.column_defs("en")][:3] == [
        "District",
        "Project ID",
        "Title",
    ]
    assert fig.grid_locale("cs")["contains"] == "Obsahuje" and fig.grid_locale("en") == {}


# ------------------------------------------------------------------ the page and callbacks


@pytest.fixture(scope="module")
def page():
    """The page module as Dash imports it (register_page needs the app first)."""
    if "pages.progress" not in sys.modules:
        from dashboard.app import create_app

        create_app()
    return sys.modules["pages.progress"]


def _english():
    """A request from a browser that chose English (the language cookie)."""
    from flask import Flask

    return Flask(__name__).test_request_context("/", headers={"Cookie": "lang=en"})


def test_page_is_registered_with_its_czech_and_english_names(page):
    import dash

    entry = next(p for p in dash.page_registry.values() if p["path"] == "/progress")
    assert (entry["name"], entry["name_en"], entry["order"]) == ("Průběh", "Progress", 10)


def test_layout_sets_the_filters_from_the_url(page, sample_db):
    layout = page.layout(districts="500054,547361", kind="survey", **{"from": "2022-01-01"})
    assert "Průběh procesů" in str(layout)
    assert _find(layout, "filter-districts").value == [500054, 547361]
    assert _find(layout, "filter-kinds").value == ["survey"]
    assert _find(layout, "filter-period").start_date == "2022-01-01"
    assert _find(layout, "filter-period").end_date is None
    grid = _find(layout, page.GRID)
    assert grid.columnDefs[0]["headerName"] == "Městská část"
    assert grid.defaultColDef["sortable"] and grid.defaultColDef["filter"]
    assert grid.dashGridOptions["localeText"]["contains"] == "Obsahuje"


def _find(component, component_id):
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            found = _find(child, component_id)
            if found is not None:
                return found
    return None


def test_callbacks_follow_the_filters(page, sample_db):
    all_stages, table = page.update_stages(None, None, [], [], [])
    assert len(set(all_stages.data[0].y)) == 10 and table is not None
    one, _ = page.update_stages(None, None, [500054], [], [])
    assert {y for trace in one.data for y in trace.y} == {"Praha 1"}
    expected = q.stage_counts(Filters(districts=(500054,)))
    assert sum(sum(trace.x) for trace in one.data) == expected["count"].sum()

    timeline, table, note = page.update_timeline(None, None, [], [], [])
    assert "60 z 300" in note and table is not None
    assert "dnes" in [a.text for a in timeline.layout.annotations]
    narrow, _, narrow_note = page.update_timeline("2024-01-01", "2024-12-31", [500054], [], [])
    found = q.timeline(Filters.from_controls("2024-01-01", "2024-12-31", [500054], [], []))
    assert sum(len(trace.y) for trace in narrow.data) == len(found.rows) == found.total
    assert narrow_note == ""

    rows, count = page.update_grid(None, None, [547361], ["participatory_budgeting"], [])
    expected = q.processes(Filters(districts=(547361,), kinds=("participatory_budgeting",)))
    assert [r["id"] for r in rows] == [str(i) for i in expected["id"]]
    assert {r["district"] for r in rows} == {"Praha 14"}
    assert count.startswith(f"Procesů: {len(expected)}")


def test_callbacks_speak_english_after_the_switch(page, sample_db):
    with _english():
        stages, _ = page.update_stages(None, None, [], [], [])
        timeline, _, note = page.update_timeline(None, None, [], [], [])
        rows, count = page.update_grid(None, None, [], [], [])
        layout = page.layout()
    assert stages.layout.title.text.startswith("Processes by district")
    assert "today" in [a.text for a in timeline.layout.annotations]
    assert "60 of 300" in note and count.startswith("Processes: 300")
    assert rows[0]["start_text"][0].isdigit() and "CZK" in "".join(r["budget_text"] for r in rows)
    assert "Progress of the processes" in str(layout)
    assert _find(layout, page.GRID).columnDefs[0]["headerName"] == "District"


def test_callbacks_show_an_error_message_not_a_traceback(page, sample_db, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(q, "stage_counts", broken)
    monkeypatch.setattr(q, "timeline", broken)
    monkeypatch.setattr(q, "processes", broken)
    with caplog.at_level(logging.ERROR):
        stages, stages_table = page.update_stages(None, None, [], [], [])
        timeline, timeline_table, note = page.update_timeline(None, None, [], [], [])
        rows, count = page.update_grid(None, None, [], [], [])
    for figure in (stages, timeline):
        assert len(figure.data) == 0
        assert figure.layout.annotations[0].text.startswith("Graf se nepodařilo připravit")
    assert stages_table is None and timeline_table is None and note == ""
    assert rows == [] and count.startswith("Seznam se nepodařilo načíst")
    failures = [r for r in caplog.records if r.exc_info and r.name == page.__name__]
    assert [str(r.exc_info[1]) for r in failures] == ["database went away"] * 3


def test_callbacks_show_no_data_for_an_empty_selection(page, sample_db):
    stages, table = page.update_stages(None, "2010-01-01", [], [], [])
    assert len(stages.data) == 0 and table is None
    assert stages.layout.annotations[0].text == "Pro zvolené filtry nejsou žádná data."
    timeline, table, _ = page.update_timeline(None, "2010-01-01", [], [], [])
    assert len(timeline.data) == 0 and table is None
    rows, count = page.update_grid(None, "2010-01-01", [], [], [])
    assert rows == [] and count.startswith("Procesů: 0")
