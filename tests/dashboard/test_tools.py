"""Nástroje / Tools: queries against expectations computed the slow, obvious way from the
rows (the sample inbox, SQLite and PostgreSQL), figures on small hand-built frames, and
the page's callbacks and layout called as plain functions."""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import sys
import tomllib
from collections import defaultdict

import pandas as pd
import pytest
from flask import Flask
from sqlalchemy import select, update

from dashboard.figures import tools as fig
from dashboard.filters import Filters
from dashboard.i18n import NBSP
from dashboard.metrics import MIN_RATINGS
from dashboard.queries import tools as q
from koordinace.settings import PROJECT_DIR
from models import Activity, District, Project, Tool, ToolUsage
from models.db import session_scope

PRAHA_1, PRAHA_2, PRAHA_3, PRAHA_14 = 500054, 500089, 500097, 547361
FILTERED = Filters(
    start=dt.date(2022, 1, 1),
    end=dt.date(2023, 12, 31),
    districts=(PRAHA_1, PRAHA_14, PRAHA_2),  # Praha 2 is not in the pilot: no usages
    kinds=("participatory_budgeting", "participatory_planning", "survey"),
    topics=("public_space", "transport", "environment", "other"),
)
CASES = [Filters(), FILTERED, Filters(districts=(PRAHA_1,))]


# ------------------------------------------------------------------ the slow, obvious way


def _selected(f: Filters, code: int, is_pilot: bool) -> bool:
    return code in f.districts if f.districts else is_pilot


def _project_in(f: Filters, kind, topic, start, end) -> bool:
    if f.kinds and kind not in f.kinds:
        return False
    if f.topics and topic not in f.topics:
        return False
    if f.end and start is not None and start > f.end:
        return False
    return not (f.start and end is not None and end < f.start)


def _usages(url: str, f: Filters) -> list:
    """Every tool usage with its district, project and tool, filtered in Python."""
    with session_scope(url) as s:
        rows = s.execute(
            select(
                District.code,
                District.name.label("district"),
                District.is_pilot,
                Project.id.label("project"),
                Project.kind,
                Project.topic,
                Project.start_date,
                Project.end_date,
                Tool.name.label("tool"),
                ToolUsage.rating,
                ToolUsage.cost_czk,
            )
            .join(ToolUsage, ToolUsage.district_id == District.id)
            .join(Project, Project.id == ToolUsage.project_id)
            .join(Tool, Tool.id == ToolUsage.tool_id)
        ).all()
    return [
        r
        for r in rows
        if _selected(f, r.code, r.is_pilot)
        and _project_in(f, r.kind, r.topic, r.start_date, r.end_date)
    ]


def _participants_by_project(url: str) -> dict[int, int]:
    with session_scope(url) as s:
        rows = s.execute(select(Activity.project_id, Activity.participants)).all()
    totals: dict[int, int] = defaultdict(int)
    for project, participants in rows:
        totals[project] += participants
    return totals


# ------------------------------------------------------------------ queries


@pytest.mark.parametrize("f", CASES, ids=["pilot", "filtered", "praha-1"])
def test_usage_matrix_counts_distinct_projects_per_district_and_tool(sample_db, f):
    rows = _usages(sample_db, f)
    projects: dict[tuple[int, str], set] = defaultdict(set)
    for r in rows:
        projects[(r.code, r.tool)].add(r.project)
    frame = q.usage_matrix(f)
    with session_scope(sample_db) as s:
        selected = s.execute(select(District.code, District.name).where(f.district_clause())).all()
    got = {(r.district_code, r.tool): r.projects for r in frame.itertuples()}
    tools = {tool for _, tool in projects}
    # every selected district × every tool used in the selection, zeros included
    assert set(got) == {(code, tool) for code, _ in selected for tool in tools}
    assert got == {key: len(projects.get(key, ())) for key in got}
    assert frame["district"].tolist()[: len(selected)] == sorted(name for _, name in selected)
    totals = defaultdict(int)
    for (_, tool), value in got.items():
        totals[tool] += value
    order = list(dict.fromkeys(frame["tool"]))
    assert order == sorted(tools, key=lambda tool: (-totals[tool], tool.casefold()))


def test_usage_matrix_keeps_a_selected_district_without_usages(sample_db):
    frame = q.usage_matrix(FILTERED)
    praha_2 = frame[frame["district_code"] == PRAHA_2]
    assert len(praha_2) == frame["tool"].nunique() and (praha_2["projects"] == 0).all()
    assert praha_2["district"].iloc[0] == "Praha 2"


def test_usage_matrix_is_empty_when_nothing_matches(sample_db):
    frame = q.usage_matrix(Filters(end=dt.date(1990, 1, 1)))
    assert frame.empty and list(frame.columns) == ["district_code", "district", "tool", "projects"]


@pytest.mark.parametrize("f", CASES, ids=["pilot", "filtered", "praha-1"])
def test_satisfaction_is_the_mean_rating_hidden_below_the_minimum(sample_db, f):
    ratings: dict[str, list[int]] = defaultdict(list)
    usages: dict[str, int] = defaultdict(int)
    for r in _usages(sample_db, f):
        usages[r.tool] += 1
        if r.rating is not None:
            ratings[r.tool].append(r.rating)
    frame = q.satisfaction(f).set_index("tool")
    assert set(frame.index) == set(usages)
    for tool, row in frame.iterrows():
        given = ratings.get(tool, [])
        assert row["usages"] == usages[tool]
        assert row["ratings"] == len(given)
        if len(given) >= MIN_RATINGS:
            assert row["mean_rating"] == pytest.approx(sum(given) / len(given))
        else:  # never computed, so it cannot leak anywhere
            assert math.isnan(row["mean_rating"])
    shown = frame["mean_rating"].dropna()
    assert shown.is_monotonic_decreasing
    assert frame["mean_rating"].isna().tolist() == sorted(frame["mean_rating"].isna().tolist())


def test_satisfaction_hides_the_two_single_rated_uncatalogued_tools(sample_db):
    frame = q.satisfaction(Filters()).set_index("tool")
    hidden = frame[frame["mean_rating"].isna()]
    assert sorted(hidden.index) == ["Hlasovátko", "Mapotic"]
    assert hidden["ratings"].tolist() == [1, 1]
    # With one district, many tools drop below three ratings.
    one = q.satisfaction(Filters(districts=(PRAHA_1,)))
    assert one["mean_rating"].isna().sum() > 5


@pytest.mark.parametrize("f", CASES, ids=["pilot", "filtered", "praha-1"])
def test_cost_per_participant_divides_known_costs_by_the_projects_participants(sample_db, f):
    people = _participants_by_project(sample_db)
    cost: dict[str, float] = defaultdict(float)
    usages: dict[str, int] = defaultdict(int)
    projects: dict[str, set] = defaultdict(set)
    for r in _usages(sample_db, f):
        if r.cost_czk is None:
            continue  # only usages with a stated cost count
        cost[r.tool] += float(r.cost_czk)
        usages[r.tool] += 1
        projects[r.tool].add(r.project)
    frame = q.cost_per_participant(f).set_index("tool")
    assert set(frame.index) == set(cost)
    for tool, row in frame.iterrows():
        participants = sum(people.get(p, 0) for p in projects[tool])  # each project once
        assert row["cost"] == pytest.approx(cost[tool])
        assert (row["usages"], row["projects"], row["participants"]) == (
            usages[tool],
            len(projects[tool]),
            participants,
        )
        if participants:
            assert row["cost_per_participant"] == pytest.approx(cost[tool] / participants)
        else:
            assert math.isnan(row["cost_per_participant"])
    assert frame["cost_per_participant"].dropna().is_monotonic_decreasing


def test_a_project_using_a_tool_twice_counts_its_participants_once(sample_db):
    frame = q.cost_per_participant(Filters()).set_index("tool")
    twice = frame[frame["usages"] > frame["projects"]]
    assert len(twice) > 0  # the sample has projects using a tool for two purposes
    tool = twice.index[0]
    row = twice.loc[tool]
    assert row["cost_per_participant"] == pytest.approx(row["cost"] / row["participants"])


def test_cost_per_participant_is_unknown_without_participants(sample_db):
    with session_scope(sample_db) as s:
        project = s.scalar(
            select(ToolUsage.project_id)
            .join(Tool, Tool.id == ToolUsage.tool_id)
            .where(Tool.name == "Mapotic")
        )
        s.execute(
            update(Activity)
            .where(Activity.project_id == project)
            .values(participants=0, youth_participants=None)
        )
    frame = q.cost_per_participant(Filters()).set_index("tool")
    assert frame.loc["Mapotic", "participants"] == 0
    assert math.isnan(frame.loc["Mapotic", "cost_per_participant"])
    assert frame.index[-1] == "Mapotic"  # unknown last


def test_catalogue_lists_every_catalogued_tool_with_its_properties(sample_db):
    data = tomllib.loads((PROJECT_DIR / "models/data/tools.toml").read_text("utf-8"))["tool"]
    frame = q.catalogue()
    assert sorted(frame["name"]) == sorted(t["name"] for t in data)
    assert frame["name"].tolist() == sorted(frame["name"], key=str.casefold)
    rows = frame.set_index("name")
    for tool in data:
        row = rows.loc[tool["name"]]
        for key in ("category", "licence", "cost_model", "czech"):
            assert row[key] == tool[key]
        assert all(row[f"has_{k}"] == v for k, v in tool["features"].items())
        assert all(row[f"score_{k}"] == v for k, v in tool["assessment"].items())
    # ignores the filters: no argument, and uncatalogued tools are not in it
    assert "Mapotic" not in set(frame["name"])


def test_uncatalogued_tools_with_usages_districts_and_review_flag(sample_db):
    frame = q.uncatalogued()
    assert frame.to_dict("records") == [
        {
            "name": "Hlasovátko",
            "needs_review": True,
            "usages": 1,
            "districts": ["Praha 22"],
            "spellings": [],
        },
        {
            "name": "Mapotic",
            "needs_review": True,
            "usages": 1,
            "districts": ["Praha-Klánovice"],
            "spellings": [],
        },
    ]
    # A reviewed tool with no usage is still listed, with zero usages.
    with session_scope(sample_db) as s:
        s.add(Tool(name="Nový nástroj", catalogued=False, needs_review=False))
    frame = q.uncatalogued().set_index("name")
    assert frame.loc["Nový nástroj", "usages"] == 0
    assert frame.loc["Nový nástroj", "districts"] == []
    assert not frame.loc["Nový nástroj", "needs_review"]


# ------------------------------------------------------------------ figures


def _matrix() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "district_code": [1, 2, 1, 2],
            "district": ["Praha 1", "Praha 22", "Praha 1", "Praha 22"],
            "tool": ["Munipolis", "Munipolis", "Decidim", "Decidim"],
            "projects": [3, 1200, 0, 2],
        }
    )


def test_heatmap_keeps_the_order_and_puts_counts_in_cells():
    figure = fig.usage_heatmap(_matrix(), "cs", data_as_of=dt.date(2026, 10, 31))
    (heat,) = figure.data
    assert heat.type == "heatmap"
    assert list(heat.y) == ["Munipolis", "Decidim"] and list(heat.x) == ["Praha 1", "Praha 22"]
    assert [list(row) for row in heat.z] == [[3, 1200], [0, 2]]
    assert [list(row) for row in heat.text] == [["3", "1200"], ["", "2"]]  # an empty cell for zero
    assert heat.zmin == 0 and heat.colorscale[0][1] == "rgb(247,251,255)"  # Blues
    assert "Počet procesů: %{z:,.0f}" in heat.hovertemplate
    assert heat.customdata[0][0] == 1203  # the tool's total, shown on hover
    assert figure.layout.yaxis.autorange == "reversed"
    assert figure.layout.title.text.startswith("Kolik procesů používá který nástroj")
    assert figure.layout.title.subtitle.text == f"Data k 31.{NBSP}10.{NBSP}2026"
    assert figure.layout.separators == f",{NBSP}"


def test_heatmap_table_alternative_has_totals_in_czech_format():
    table, columns = fig.usage_table(_matrix(), "cs")
    assert list(columns.values()) == ["Nástroj", "Praha 1", "Praha 22", "Celkem"]
    assert table.iloc[0].tolist() == ["Munipolis", "3", f"1{NBSP}200", f"1{NBSP}203"]
    table, columns = fig.usage_table(_matrix(), "en")
    assert columns["tool"] == "Tool" and table.iloc[0, -1] == "1,203"


def _ratings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tool": ["Zoom", "Decidim", "Mapotic", "D21"],
            "usages": [10, 30, 2, 4],
            "ratings": [5, 21, 2, 0],
            "mean_rating": [3.4, 3.904762, float("nan"), float("nan")],
        }
    )


def test_satisfaction_bars_show_only_tools_with_enough_ratings():
    figure = fig.satisfaction_bars(_ratings(), "cs", data_as_of=dt.date(2026, 10, 31))
    (bar,) = figure.data
    assert bar.orientation == "h"
    assert list(bar.y) == ["Decidim", "Zoom"]  # best first; Mapotic and D21 left out
    assert list(bar.text) == ["3,9 (21)", "3,4 (5)"]
    assert [c[0] for c in bar.customdata] == [21, 5]
    assert "Počet hodnocení: %{customdata[0]:,.0f}" in bar.hovertemplate
    assert figure.layout.title.text.startswith("Spokojenost s nástroji")
    assert figure.layout.xaxis.range == (0, 5.6)
    assert list(fig.too_few_ratings(_ratings())["tool"]) == ["Mapotic", "D21"]
    table, columns = fig.satisfaction_table(_ratings(), "cs")
    assert table["tool"].tolist() == ["Zoom", "Decidim"]
    assert table["mean"].tolist() == ["3,40", "3,90"]
    assert "Mapotic" not in table.to_string()


def test_satisfaction_bars_never_plot_a_mean_of_too_few_ratings_even_if_given():
    frame = _ratings()
    frame.loc[frame["tool"] == "Mapotic", "mean_rating"] = 5.0  # a leak upstream
    assert "Mapotic" not in fig.satisfaction_bars(frame, "en").data[0].y


def _costs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tool": ["Go Vocal", "Munipolis", "Google Forms", "Mapotic"],
            "usages": [10, 56, 25, 1],
            "projects": [10, 54, 24, 1],
            "cost": [913600.0, 2506700.0, 0.0, 14700.0],
            "participants": [33578, 177799, 100602, 0],
            "cost_per_participant": [27.208291, 14.098504, 0.0, float("nan")],
        }
    )


def test_cost_bars_in_czech_crowns_per_participant():
    figure = fig.cost_bars(_costs(), "cs", data_as_of=dt.date(2026, 10, 31))
    (bar,) = figure.data
    assert list(bar.y) == ["Go Vocal", "Munipolis", "Google Forms"]  # unknown left out
    assert bar.texttemplate == "%{x:,.1f} Kč"
    assert "%{customdata[0]:,.0f} Kč" in bar.hovertemplate
    assert list(bar.customdata[0]) == [913600, 33578, 10, 10]
    assert "Kč na účastníka" in figure.layout.title.text
    assert figure.layout.xaxis.title.text == "Kč na účastníka"
    english = fig.cost_bars(_costs(), "en")
    assert english.data[0].texttemplate == "CZK %{x:,.1f}"
    assert english.layout.title.text.startswith("Known cost of a tool per participant")
    table, columns = fig.cost_table(_costs(), "cs")
    assert table.iloc[0].tolist() == [
        "Go Vocal",
        f"27,2{NBSP}Kč",
        f"913{NBSP}600{NBSP}Kč",
        f"33{NBSP}578",
        "10",
        "10",
    ]
    assert table.iloc[-1]["per"] == "–"
    assert fig.fmt_czk_per_participant(0.86, "en") == f"CZK{NBSP}0.9"


def test_catalogue_grid_labels_and_marks_in_both_languages():
    frame = pd.DataFrame(
        [
            {
                "name": "Decidim",
                "category": "all_in_one",
                "licence": "open_source",
                "cost_model": "self_hosted",
                "czech": "partial",
                "website": "https://decidim.org",
                "description_cs": "Otevřená platforma.",
                "description_en": "Open platform.",
                **{f"has_{f}": f != "issue_reporting" for f in fig.FEATURES},
                **{f"score_{c}": min(i + 1, 5) for i, c in enumerate(fig.SCORES)},
            },
            {
                "name": "Papír",
                "category": "offline",
                "licence": None,
                "cost_model": "something_new",
                "czech": "full",
                "website": None,  # pandas 3 stores a missing string as NaN
                "description_cs": None,
                "description_en": None,
                **{f"has_{f}": False for f in fig.FEATURES},
                **{f"score_{c}": pd.NA for c in fig.SCORES},
            },
        ]
    ).astype({f"score_{c}": "Int64" for c in fig.SCORES})
    columns, rows = fig.catalogue_grid(frame, "cs")
    assert [c["headerName"] for c in columns] == [
        "Název",
        "Kategorie",
        "Licence",
        "Model nákladů",
        "Podpora češtiny",
        "Funkce",
        "Hodnocení podle People Powered (1 slabé – 5 silné)",
        "Web",
    ]
    assert [c["headerName"] for c in columns[5]["children"]][:2] == ["Návrhy", "Hlasování"]
    assert len(columns[5]["children"]) == 7 and len(columns[6]["children"]) == 6
    decidim, paper = rows
    assert (decidim["category"], decidim["licence"], decidim["cost_model"], decidim["czech"]) == (
        "Komplexní platforma",
        "Otevřený software",
        "Vlastní provoz (software zdarma)",
        "Částečná",
    )
    assert decidim["f_voting"] == "✓" and decidim["f_issue_reporting"] == "–"
    assert [decidim[f"s_{c}"] for c in fig.SCORES] == [1, 2, 3, 4, 5, 5]
    assert decidim["website"] == "[decidim.org](https://decidim.org)"
    assert decidim["description"] == "Otevřená platforma."
    assert paper["licence"] == "–" and paper["cost_model"] == "something_new"
    assert paper["website"] == "–" and paper["s_cost"] is None and paper["description"] == ""
    assert "nan" not in str(paper)
    assert columns[-1]["cellRenderer"] == "markdown"
    columns, rows = fig.catalogue_grid(frame, "en")
    assert columns[4]["headerName"] == "Czech support"
    assert rows[0]["category"] == "All-in-one platform" and rows[0]["czech"] == "Partial"
    assert rows[0]["description"] == "Open platform."


def test_every_catalogue_value_has_a_label():
    data = tomllib.loads((PROJECT_DIR / "models/data/tools.toml").read_text("utf-8"))["tool"]
    for key, labels in fig.LABELS.items():
        assert {tool[key] for tool in data} <= set(labels), key
    assert set(data[0]["features"]) == set(fig.FEATURE_LABELS)
    assert set(data[0]["assessment"]) == set(fig.SCORE_LABELS)


# ------------------------------------------------------------------ page, layout, callbacks


@pytest.fixture(scope="module")
def page():
    """The page module as the app loaded it (``register_page`` needs the app first)."""
    import dashboard.wsgi  # noqa: F401 - creating the app imports the pages

    return sys.modules["pages.tools"]


def _walk(component):
    stack = [component]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            stack.extend(item)
            continue
        yield item
        children = getattr(item, "children", None)
        if children is not None and not isinstance(children, str):
            stack.append(children)


def test_page_is_registered_and_its_layout_reads_the_filters(sample_db, page):
    import dash

    entry = dash.page_registry["pages.tools"]
    assert (entry["path"], entry["name"], entry["name_en"], entry["order"]) == (
        "/tools",
        "Nástroje",
        "Tools",
        30,
    )
    tree = page.layout(districts="500054,547361", kind="survey", **{"from": "2022-01-01"})
    controls = {c.id: c for c in _walk(tree) if getattr(c, "id", None)}
    for graph in (page.MATRIX, page.SATISFACTION, page.COST):
        assert graph in controls and f"{graph}-table" in controls
    assert controls["filter-districts"].value == [PRAHA_1, PRAHA_14]
    assert controls["filter-kinds"].value == ["survey"]
    assert controls["filter-period"].start_date == "2022-01-01"
    assert tree.children[0].children == "Nástroje"
    assert controls["tools-satisfaction-definition"].children.startswith("Průměrné hodnocení")
    grid = controls[page.CATALOGUE]
    assert len(grid.rowData) == 22  # the whole catalogue, whatever the filters
    values = [str(v) for row in grid.rowData for v in row.values()]
    assert not [v for v in values if re.search(r"\bnan\b|\bNone\b", v)]
    rows = {row["name"]: row for row in grid.rowData}
    assert rows["District website"]["website"] == "–"  # no website in the catalogue
    assert rows["Decidim"]["website"] == "[decidim.org](https://decidim.org)"
    assert grid.columnDefs[0]["headerName"] == "Název"
    assert grid.dashGridOptions["localeText"]["noRowsToShow"] == "Žádné řádky"
    table = controls[page.UNCATALOGUED]
    text = " ".join(str(c.children) for c in _walk(table) if isinstance(c.children, str))
    assert "Hlasovátko" in text and "Praha-Klánovice" in text and "ke kontrole" in text


def test_callbacks_draw_every_chart_for_the_pilot(sample_db, page):
    matrix, table = page.update_matrix(None, None, [], [], [])
    assert matrix.data[0].type == "heatmap" and len(matrix.data[0].x) == 10
    assert matrix.layout.title.subtitle.text.startswith("Data k ")
    assert table.__class__.__name__ == "Table"
    satisfaction, table, hidden = page.update_satisfaction(None, None, [], [], [])
    assert len(satisfaction.data[0].y) == 22  # 24 tools used, two with a single rating
    assert hidden[0].children == "Méně než 3 hodnocení (průměr se nezobrazuje): "
    assert hidden[1] == "Hlasovátko (1 hodn.), Mapotic (1 hodn.)"
    cost, table, note = page.update_cost(None, None, [], [], [])
    expected = q.cost_per_participant(Filters())
    assert list(cost.data[0].y) == expected["tool"].tolist()
    assert note.startswith(f"Do výpočtu vstupuje {int(expected['usages'].sum())} použití")


def test_callbacks_honour_every_filter(sample_db, page):
    values = (
        "2021-01-01",
        "2024-12-31",
        [PRAHA_3, PRAHA_14],
        ["survey", "participatory_planning"],
        ["transport", "public_space"],
    )
    f = Filters.from_controls(*values)
    matrix, _ = page.update_matrix(*values)
    assert list(matrix.data[0].x) == ["Praha 14", "Praha 3"]
    expected = q.usage_matrix(f)
    assert sum(map(sum, matrix.data[0].z)) == expected["projects"].sum()
    assert sum(map(sum, matrix.data[0].z)) < q.usage_matrix(Filters())["projects"].sum()
    satisfaction, _, _ = page.update_satisfaction(*values)
    shown = q.satisfaction(f).dropna(subset=["mean_rating"])
    assert len(shown) >= 3  # a real subset, not everything and not nothing
    assert list(satisfaction.data[0].y) == shown["tool"].tolist()
    assert len(shown) < len(q.satisfaction(Filters()).dropna(subset=["mean_rating"]))
    cost, _, _ = page.update_cost(*values)
    assert list(cost.data[0].x) == pytest.approx(
        q.cost_per_participant(f)["cost_per_participant"].dropna().tolist()
    )


def test_callbacks_say_when_nothing_matches(sample_db, page):
    values = ("1990-01-01", "1990-12-31", [], [], [])
    for name in ("update_matrix", "update_satisfaction", "update_cost"):
        figure, table, *_ = getattr(page, name)(*values)
        assert figure.data == ()
        assert figure.layout.annotations[0].text.startswith("Pro zvolené filtry")
        assert table.children.startswith("Pro zvolené filtry")


def test_callbacks_speak_english_with_the_cookie(sample_db, page):
    with Flask(__name__).test_request_context(headers={"Cookie": "lang=en"}):
        matrix, table = page.update_matrix(None, None, [], [], [])
        satisfaction, _, hidden = page.update_satisfaction(None, None, [], [], [])
        cost, _, note = page.update_cost(None, None, [], [], [])
        layout = page.layout()
    assert matrix.layout.title.text.startswith("How many processes use each tool")
    assert matrix.layout.title.subtitle.text.startswith("Data as of ")
    assert matrix.layout.separators == ".,"
    assert table.children[0].children.children[0].children == "Tool"
    assert satisfaction.layout.title.text.startswith("Satisfaction with tools")
    assert hidden[1] == "Hlasovátko (1 rating), Mapotic (1 rating)"
    assert cost.data[0].texttemplate == "CZK %{x:,.1f}"
    assert note.startswith("The calculation uses")
    assert layout.children[0].children == "Tools"
    grid = next(c for c in _walk(layout) if getattr(c, "id", None) == page.CATALOGUE)
    assert grid.columnDefs[0]["headerName"] == "Name"
    assert "localeText" not in grid.dashGridOptions


def test_a_failing_query_shows_a_message_and_is_logged(sample_db, page, monkeypatch, caplog):
    def broken(_filters):
        raise RuntimeError("database went away")

    monkeypatch.setattr(q, "satisfaction", broken)
    with caplog.at_level(logging.ERROR, logger="pages.tools"):
        figure, table, hidden = page.update_satisfaction(None, None, [], [], [])
    assert figure.data == () and table is None and hidden is None
    assert figure.layout.annotations[0].text.startswith("Graf se nepodařilo připravit")
    assert figure.layout.title.text.startswith("Spokojenost s nástroji")
    assert "database went away" in caplog.text


def test_a_failing_catalogue_does_not_break_the_page(sample_db, page, monkeypatch, caplog):
    def broken():
        raise RuntimeError("catalogue went away")

    monkeypatch.setattr(q, "catalogue", broken)
    with caplog.at_level(logging.ERROR, logger="pages.tools"):
        tree = page.layout()
    texts = [c.children for c in _walk(tree) if isinstance(getattr(c, "children", None), str)]
    assert "Katalog se nepodařilo načíst; chyba byla zaznamenána." in texts
    assert "catalogue went away" in caplog.text
