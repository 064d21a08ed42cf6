"""Zapojení / Engagement: queries against expectations computed the slow, obvious way from
the rows (the sample inbox, SQLite and PostgreSQL), figures on small hand-built frames,
and the page's callbacks called as plain functions."""

from __future__ import annotations

import datetime as dt
import logging
import math
import statistics
import sys
from collections import defaultdict

import pandas as pd
import pytest
from flask import Flask
from sqlalchemy import select, update

from dashboard import metrics
from dashboard.figures import engagement as fig
from dashboard.filters import Filters
from dashboard.queries import engagement as q
from models import Activity, District, Project
from models.db import session_scope

PRAHA_1, PRAHA_2, PRAHA_22, LIPENCE = 500054, 500089, 538931, 539449
FILTERED = Filters(
    start=dt.date(2022, 3, 15),
    end=dt.date(2024, 6, 30),
    districts=(PRAHA_1, LIPENCE, PRAHA_2),  # Praha 2 is not in the pilot: no activities
    kinds=("participatory_budgeting", "participatory_planning"),
    topics=("public_space", "transport", "environment", "other"),
)
CASES = [Filters(), FILTERED]


# ------------------------------------------------------------------ the slow, obvious way


def _rows(url: str, f: Filters) -> list:
    """Every activity with its district and project, filtered in Python."""
    with session_scope(url) as s:
        rows = s.execute(
            select(
                District.code,
                District.name,
                District.is_pilot,
                Project.id.label("project"),
                Project.kind,
                Project.topic,
                Activity.date,
                Activity.activity,
                Activity.channel,
                Activity.participants,
                Activity.proposals,
                Activity.votes,
                Activity.youth_participants,
            )
            .join(Activity, Activity.district_id == District.id)
            .join(Project, Project.id == Activity.project_id)
        ).all()
    out = []
    for r in rows:
        if (f.districts and r.code not in f.districts) or (not f.districts and not r.is_pilot):
            continue
        if (f.start and r.date < f.start) or (f.end and r.date > f.end):
            continue
        if (f.kinds and r.kind not in f.kinds) or (f.topics and r.topic not in f.topics):
            continue
        out.append(r)
    return out


def _selected(url: str, f: Filters) -> dict[int, str]:
    with session_scope(url) as s:
        rows = s.execute(select(District.code, District.name, District.is_pilot)).all()
    return {
        code: name for code, name, pilot in rows if (code in f.districts if f.districts else pilot)
    }


# ------------------------------------------------------------------ queries


@pytest.mark.parametrize("f", CASES, ids=["default", "filtered"])
def test_monthly_participants_match_a_plain_sum(sample_db, f):
    expected = defaultdict(lambda: [0, 0])
    for r in _rows(sample_db, f):
        key = (r.code, dt.date(r.date.year, r.date.month, 1))
        expected[key][0] += r.participants
        expected[key][1] += 1
    frame = q.monthly_participants(f)
    assert len(expected) > 20
    got = {(r.code, r.month): [r.participants, r.activities] for r in frame.itertuples(index=False)}
    assert got == dict(expected)
    assert all(isinstance(m, dt.date) and m.day == 1 for m in frame["month"])
    names = _selected(sample_db, f)
    assert all(names[r.code] == r.name for r in frame.itertuples())


def test_monthly_participants_split_at_month_boundaries(sample_db):
    """Activities on 31 January and 1 February fall in their own months on both backends."""
    with session_scope(sample_db) as s:
        district, project = s.execute(
            select(District.id, Project.id)
            .join(Project, Project.district_id == District.id)
            .where(District.code == PRAHA_22)
            .limit(1)
        ).one()
        for day, people in ((dt.date(2031, 1, 31), 7), (dt.date(2031, 2, 1), 11)):
            s.add(
                Activity(
                    district_id=district,
                    project_id=project,
                    date=day,
                    activity="walk",
                    channel="in_person",
                    participants=people,
                )
            )
    frame = q.monthly_participants(Filters(start=dt.date(2031, 1, 1), districts=(PRAHA_22,)))
    assert frame[["month", "participants", "activities"]].values.tolist() == [
        [dt.date(2031, 1, 1), 7, 1],
        [dt.date(2031, 2, 1), 11, 1],
    ]


@pytest.mark.parametrize("f", CASES, ids=["default", "filtered"])
def test_participation_is_the_metric_with_the_median_of_all_pilot_districts(sample_db, f):
    frame, median = q.participation(f)
    pd.testing.assert_frame_equal(frame, metrics.participation_by_district(f))
    # The median is over every pilot district (same period, kinds, topics), computed by hand.
    everyone = Filters(start=f.start, end=f.end, kinds=f.kinds, topics=f.topics)
    totals = defaultdict(int)
    for r in _rows(sample_db, everyone):
        totals[r.code] += r.participants
    with session_scope(sample_db) as s:
        population = dict(
            s.execute(select(District.code, District.population).where(District.is_pilot)).all()
        )
    assert len(population) == 10
    rates = [totals[code] / people * 1000 for code, people in population.items()]
    assert median == pytest.approx(statistics.median(rates))


@pytest.mark.parametrize("f", CASES, ids=["default", "filtered"])
def test_channel_split_matches_a_plain_sum(sample_db, f):
    expected = defaultdict(lambda: [0, 0])
    for r in _rows(sample_db, f):
        expected[(r.code, r.channel)][0] += r.participants
        expected[(r.code, r.channel)][1] += 1
    frame = q.channel_split(f)
    got = {(r.code, r.channel): [r.participants, r.activities] for r in frame.itertuples()}
    assert got == dict(expected)
    assert set(frame["channel"]) == {"online", "in_person", "hybrid"}


@pytest.mark.parametrize("f", CASES, ids=["default", "filtered"])
def test_activity_types_match_a_plain_sum(sample_db, f):
    expected = defaultdict(lambda: [0, 0])
    for r in _rows(sample_db, f):
        expected[r.activity][0] += r.participants
        expected[r.activity][1] += 1
    frame = q.activity_types(f)
    assert {r.activity: [r.participants, r.activities] for r in frame.itertuples()} == dict(
        expected
    )


@pytest.mark.parametrize("f", CASES, ids=["default", "filtered"])
def test_youth_share_counts_only_activities_that_report_youth(sample_db, f):
    rows = _rows(sample_db, f)
    frame = q.youth_share(f).set_index("code")
    assert set(frame.index) == set(_selected(sample_db, f))
    for code in frame.index:
        mine = [r for r in rows if r.code == code]
        reporting = [r for r in mine if r.youth_participants is not None]
        row = frame.loc[code]
        assert row["activities"] == len(mine)
        assert row["reporting"] == len(reporting)
        assert row["youth"] == sum(r.youth_participants for r in reporting)
        assert row["reporting_participants"] == sum(r.participants for r in reporting)
        if reporting:
            assert row["share"] == pytest.approx(row["youth"] / row["reporting_participants"])
            # Not youth over all participants when some activities do not report youth.
            assert len(reporting) < len(mine)
        else:
            assert math.isnan(row["share"])
    if f.districts:
        assert frame.loc[PRAHA_2, "activities"] == 0 and math.isnan(frame.loc[PRAHA_2, "share"])


@pytest.mark.parametrize("f", CASES, ids=["default", "filtered"])
def test_participatory_budgeting_proposals_and_votes(sample_db, f):
    expected = {}
    for r in _rows(sample_db, f):
        if r.kind != "participatory_budgeting":
            continue
        e = expected.setdefault(r.code, {"projects": set(), "n": 0, "p": 0, "v": 0, "pr": 0})
        e["projects"].add(r.project)
        e["n"] += 1
        e["p"] += r.proposals or 0
        e["v"] += r.votes or 0
        e["pr"] += r.proposals is not None
    frame = q.participatory_budgeting(f).set_index("code")
    assert set(frame.index) == set(expected) and expected
    for code, e in expected.items():
        row = frame.loc[code]
        assert (row["processes"], row["activities"]) == (len(e["projects"]), e["n"])
        assert (row["proposals"], row["votes"], row["proposal_reports"]) == (
            e["p"],
            e["v"],
            e["pr"],
        )
    assert frame["votes"].sum() > 0


def test_participatory_budgeting_is_empty_when_the_kind_filter_excludes_it(sample_db):
    assert q.participatory_budgeting(Filters(kinds=("survey",))).empty


def test_queries_give_empty_frames_for_an_empty_period(sample_db):
    f = Filters(start=dt.date(2040, 1, 1))
    assert q.monthly_participants(f).empty
    assert q.channel_split(f).empty
    assert q.activity_types(f).empty
    assert q.participatory_budgeting(f).empty
    youth = q.youth_share(f)
    assert len(youth) == 10 and (youth["activities"] == 0).all() and youth["share"].isna().all()


# ------------------------------------------------------------------ figures


def _monthly_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": [2, 2, 1],
            "name": ["Praha-Lipence", "Praha-Lipence", "Praha 1"],
            "month": [dt.date(2021, 11, 1), dt.date(2022, 2, 1), dt.date(2021, 12, 1)],
            "participants": [1200, 30, 5],
            "activities": [3, 1, 1],
        }
    )


def test_monthly_figure_one_line_per_district_with_empty_months_as_zero():
    figure = fig.monthly(_monthly_frame(), "cs", dt.date(2026, 10, 31))
    assert [trace.name for trace in figure.data] == ["Praha 1", "Praha-Lipence"]
    months = [dt.date(2021, 11, 1), dt.date(2021, 12, 1), dt.date(2022, 1, 1), dt.date(2022, 2, 1)]
    assert list(figure.data[1].x) == months
    assert list(figure.data[1].y) == [1200, 0, 0, 30]
    assert list(figure.data[0].y) == [0, 5, 0, 0]
    assert list(figure.data[1].customdata) == [3, 0, 0, 1]
    assert figure.layout.title.text.startswith("Účastníci podle měsíců")
    assert figure.layout.title.subtitle.text == "Data k 31.\u00a010.\u00a02026"
    assert figure.layout.xaxis.hoverformat == "%B %Y"
    assert figure.layout.separators == ",\u00a0"
    assert "aktivit" in figure.data[0].hovertemplate


def test_monthly_figure_dots_the_lines_beyond_the_palette():
    rows = [
        {"code": i, "name": f"MČ {i:02d}", "month": dt.date(2022, 1, 1), "participants": i}
        for i in range(10)
    ]
    frame = pd.DataFrame(rows).assign(activities=1)
    figure = fig.monthly(frame, "en")
    assert [trace.line.dash for trace in figure.data] == ["solid"] * 8 + ["dot"] * 2
    assert len({trace.line.color for trace in figure.data[:8]}) == 8
    assert figure.layout.title.text == "Participants by month and district (number of participants)"


def test_monthly_table_is_months_by_districts_in_czech():
    table, headers = fig.monthly_table(_monthly_frame(), "cs")
    assert list(headers.values()) == ["Měsíc", "Praha 1", "Praha-Lipence", "Celkem"]
    assert table["month"].tolist() == ["listopad 2021", "prosinec 2021", "leden 2022", "únor 2022"]
    assert table["total"].tolist() == ["1\u00a0200", "5", "0", "30"]


def _rate_frame(participants=(500, 4000, 0)) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": [1, 2, 3],
            "name": ["Praha 1", "Praha-Lipence", "Praha 2"],
            "slug": ["a", "b", "c"],
            "population": [10000, 2000, 50000],
            "population_year": [2019, 2019, 2019],
            "is_pilot": [True, True, False],
            "participants": list(participants),
        }
    ).assign(per_1000=lambda f: f["participants"] / f["population"] * 1000)


def test_participation_rate_sorted_with_the_pilot_median_marked():
    figure = fig.participation_rate(_rate_frame(), 1025.0, "cs", dt.date(2026, 10, 31))
    bar = figure.data[0]
    assert list(bar.y) == ["Praha 2", "Praha 1", "Praha-Lipence"]  # highest on top
    assert list(bar.x) == [0, 50, 2000]
    assert list(bar.text) == ["0,0", "50,0", "2\u00a0000,0"]
    assert bar.marker.color[0] != bar.marker.color[2]  # a non-pilot district is muted
    (line,) = figure.layout.shapes
    assert line.x0 == line.x1 == 1025.0 and line.line.dash == "dash"
    assert figure.layout.annotations[0].text == "Medián pilotních MČ: 1\u00a0025,0"
    assert "Obyvatel" in bar.hovertemplate and bar.customdata[2][1] == 2000


def test_participation_rate_empty_when_nobody_took_part():
    figure = fig.participation_rate(_rate_frame((0, 0, 0)), float("nan"), "en")
    assert figure.data == ()
    assert figure.layout.annotations[0].text == "There is no data for the selected filters."
    assert fig.participation_table(_rate_frame((0, 0, 0)), float("nan"), "en")[0].empty


def test_participation_table_ends_with_the_median():
    table, headers = fig.participation_table(_rate_frame(), 1025.0, "cs")
    assert headers["population"] == "Obyvatel (2019)"
    assert table["name"].tolist() == ["Praha-Lipence", "Praha 1", "Praha 2", "Medián pilotních MČ"]
    assert table["per_1000"].tolist()[-1] == "1\u00a0025,0"


def _channel_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": [1, 1, 2],
            "name": ["Praha-Lipence", "Praha-Lipence", "Praha 1"],
            "channel": ["online", "hybrid", "in_person"],
            "participants": [30, 10, 50],
            "activities": [2, 1, 4],
        }
    )


def test_channels_stacked_in_vocabulary_order_with_labels():
    figure = fig.channels(_channel_frame(), "cs")
    assert [t.name for t in figure.data] == ["Online", "Prezenčně", "Hybridně"]
    assert figure.layout.barmode == "stack"
    assert list(figure.data[0].y) == ["Praha 1", "Praha-Lipence"]
    online, in_person, hybrid = (list(t.x) for t in figure.data)
    assert online == [0.0, 75.0] and in_person == [100.0, 0.0] and hybrid == [0.0, 25.0]
    assert figure.data[0].customdata[1][0] == "75,0\u00a0%"
    assert [t.name for t in fig.channels(_channel_frame(), "en").data][1] == "In person"


def test_channels_table_and_empty_case():
    table, headers = fig.channels_table(_channel_frame(), "cs")
    assert list(headers.values()) == ["Městská část", "Online", "Prezenčně", "Hybridně", "Celkem"]
    assert table.iloc[1].tolist() == [
        "Praha-Lipence",
        "30 (75\u00a0%)",
        "0 (0\u00a0%)",
        "10 (25\u00a0%)",
        "40",
    ]
    empty = _channel_frame().iloc[0:0]
    assert fig.channels(empty, "cs").data == () and fig.channels_table(empty, "cs")[0].empty


def test_activity_types_in_vocabulary_order_with_labels():
    frame = pd.DataFrame(
        {"activity": ["vote", "other", "workshop"], "participants": [900, 10, 40]}
    ).assign(activities=[3, 1, 2])
    figure = fig.activity_types(frame, "cs")
    assert list(figure.data[0].y) == ["Dílna", "Hlasování", "Jiné"]
    assert list(figure.data[0].x) == [40, 900, 10]
    assert figure.data[0].customdata[1][1] == 300
    assert list(fig.activity_types(frame, "en").data[0].y) == ["Workshop", "Vote", "Other"]
    table, _ = fig.activity_types_table(frame, "cs")
    assert table["per_activity"].tolist() == ["20,0", "300,0", "10,0"]
    assert fig.activity_types(frame.iloc[0:0], "cs").data == ()


def _youth_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": [1, 2, 3],
            "name": ["Praha 1", "Praha 22", "Praha 2"],
            "activities": [10, 4, 0],
            "reporting": [6, 0, 0],
            "reporting_participants": [1000, 0, 0],
            "youth": [215, 0, 0],
            "share": [0.215, float("nan"), float("nan")],
        }
    )


def test_youth_share_says_which_districts_have_no_youth_data():
    figure = fig.youth(_youth_frame(), "cs", dt.date(2026, 10, 31))
    bar = figure.data[0]
    assert list(bar.y) == ["Praha 1", "Praha 2", "Praha 22"]
    assert list(bar.x) == [21.5, None, None]
    assert list(bar.text) == ["21,5\u00a0%", "", ""]
    notes = {a.y: a.text for a in figure.layout.annotations}
    assert notes == {"Praha 22": "bez údajů o mládeži", "Praha 2": "bez aktivit"}
    assert "Aktivit s údajem o mládeži: 6 z 10" in bar.customdata[0]
    assert "Mládež: 215 z 1\u00a0000 účastníků" in bar.customdata[0]
    table, _ = fig.youth_table(_youth_frame(), "en")
    assert table["share"].tolist() == ["21.5\u00a0%", "no activities", "no youth data"]
    assert table["reporting"].tolist()[0] == "6 / 10"


def test_youth_share_empty_without_activities():
    frame = _youth_frame().assign(activities=0)
    assert fig.youth(frame, "cs").data == ()
    assert fig.youth_table(frame, "cs")[0].empty


def test_participatory_budgeting_two_panels():
    frame = pd.DataFrame(
        {
            "code": [2, 1],
            "name": ["Praha-Lipence", "Praha 1"],
            "processes": [1, 3],
            "activities": [5, 20],
            "proposals": [12, 140],
            "votes": [800, 12345],
            "proposal_reports": [2, 9],
            "vote_reports": [1, 3],
        }
    )
    figure = fig.participatory_budgeting(frame, "cs")
    proposals, votes = figure.data
    assert (proposals.name, votes.name) == ("Návrhy", "Hlasy")
    assert list(proposals.y) == ["Praha 1", "Praha-Lipence"]
    assert list(proposals.x) == [140, 12] and list(votes.x) == [12345, 800]
    assert proposals.xaxis == "x" and votes.xaxis == "x2"
    assert [a.text for a in figure.layout.annotations] == ["Návrhy", "Hlasy"]
    assert proposals.customdata[0][0] == "uvedeno u 9 aktivit"
    assert fig.participatory_budgeting(frame.iloc[0:0], "en").data == ()
    table, headers = fig.participatory_budgeting_table(frame, "cs")
    assert (
        table["votes"].tolist() == ["12\u00a0345", "800"] and headers["processes"] == "Procesy PR"
    )


# ------------------------------------------------------------------ page and callbacks

GRAPHS = {
    "update_monthly": "engagement-monthly",
    "update_rate": "engagement-rate",
    "update_channels": "engagement-channels",
    "update_types": "engagement-types",
    "update_youth": "engagement-youth",
    "update_pb": "engagement-pb",
}


@pytest.fixture(scope="module")
def page():
    """The page module as the app loads it (Dash's pages loader names it pages.engagement)."""
    from dashboard.app import create_app

    create_app()
    return sys.modules["pages.engagement"]


def test_page_is_registered_and_its_layout_reads_the_filters(sample_db, page):
    import dash

    entry = dash.page_registry["pages.engagement"]
    assert (entry["path"], entry["name"], entry["name_en"], entry["order"]) == (
        "/engagement",
        "Zapojení",
        "Engagement",
        20,
    )
    tree = page.layout(districts="500054,539449", kind="survey", **{"from": "2022-01-01"})
    ids = {c.id for c in _walk(tree) if getattr(c, "id", None)}
    for graph in GRAPHS.values():
        assert {graph, f"{graph}-table", f"{graph}-definition"} <= ids
    assert tree.children[0].children == "Zapojení veřejnosti"
    controls = {c.id: c for c in _walk(tree) if getattr(c, "id", None)}
    assert controls["filter-districts"].value == [PRAHA_1, LIPENCE]
    assert controls["filter-kinds"].value == ["survey"]
    assert controls["filter-period"].start_date == "2022-01-01"


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


def test_callbacks_draw_every_chart_for_the_pilot(sample_db, page):
    counts = {}
    for name in GRAPHS:
        figure, table = getattr(page, name)(None, None, [], [], [])
        counts[name] = len(figure.data)
        assert figure.layout.title.subtitle.text.startswith("Data k ")
        assert table.__class__.__name__ == "Table"
    assert counts == {
        "update_monthly": 10,
        "update_rate": 1,
        "update_channels": 3,
        "update_types": 1,
        "update_youth": 1,
        "update_pb": 2,
    }


def test_callbacks_honour_every_filter(sample_db, page):
    values = ("2022-03-15", "2024-06-30", [PRAHA_1, LIPENCE], ["participatory_budgeting"], [])
    f = Filters.from_controls(*values)
    monthly, _ = page.update_monthly(*values)
    assert sorted(t.name for t in monthly.data) == ["Praha 1", "Praha-Lipence"]
    assert (
        sum(sum(t.y) for t in monthly.data)
        == metrics.participation_by_district(f)["participants"].sum()
    )
    rate, table = page.update_rate(*values)
    expected = metrics.participation_by_district(f).set_index("name")["per_1000"]
    assert dict(zip(rate.data[0].y, rate.data[0].x, strict=True)) == expected.to_dict()
    channels, _ = page.update_channels(*values)
    assert set(channels.data[0].y) == {"Praha 1", "Praha-Lipence"}
    types, _ = page.update_types(*values)
    assert sum(types.data[0].x) == metrics.participation_by_district(f)["participants"].sum()
    youth, _ = page.update_youth(*values)
    assert list(youth.data[0].y) == ["Praha 1", "Praha-Lipence"]
    pb, _ = page.update_pb(*values)
    assert list(pb.data[0].y) == ["Praha 1", "Praha-Lipence"]
    # A kind without PB: the PB chart says there is nothing, the others still draw.
    pb, table = page.update_pb(None, None, [], ["survey"], [])
    assert pb.data == () and pb.layout.annotations[0].text.startswith("Pro zvolené filtry")
    assert table.children.startswith("Pro zvolené filtry")


def test_a_district_without_youth_figures_says_so(sample_db, page):
    with session_scope(sample_db) as s:
        district = s.scalar(select(District.id).where(District.code == PRAHA_22))
        s.execute(
            update(Activity).where(Activity.district_id == district).values(youth_participants=None)
        )
    figure, _ = page.update_youth(None, None, [], [], [])
    notes = {a.y: a.text for a in figure.layout.annotations}
    assert notes == {"Praha 22": "bez údajů o mládeži"}
    bar = figure.data[0]
    assert dict(zip(bar.y, bar.x, strict=True))["Praha 22"] is None


def test_callbacks_speak_english_with_the_cookie(sample_db, page):
    with Flask(__name__).test_request_context(headers={"Cookie": "lang=en"}):
        channels, table = page.update_channels(None, None, [], [], [])
        pb, _ = page.update_pb(None, None, [], [], [])
        layout = page.layout()
    assert channels.layout.title.text == "Channel by district (% of participants)"
    assert [t.name for t in channels.data] == ["Online", "In person", "Hybrid"]
    assert channels.layout.title.subtitle.text.startswith("Data as of ")
    assert channels.layout.separators == ".,"
    assert table.children[0].children.children[0].children == "District"
    assert [a.text for a in pb.layout.annotations] == ["Proposals", "Votes"]
    assert layout.children[0].children == "Public engagement"


def test_a_failing_query_shows_a_message_and_is_logged(sample_db, page, monkeypatch, caplog):
    def broken(_filters):
        raise RuntimeError("database went away")

    monkeypatch.setattr(q, "monthly_participants", broken)
    with caplog.at_level(logging.ERROR, logger="pages.engagement"):
        figure, table = page.update_monthly(None, None, [], [], [])
    assert figure.data == () and table is None
    assert figure.layout.annotations[0].text.startswith("Graf se nepodařilo připravit")
    assert figure.layout.title.text.startswith("Účastníci podle měsíců")
    assert "database went away" in caplog.text
