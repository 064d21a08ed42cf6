"""Filters ⇄ URL query string, and the filter bar in Czech and English."""

from __future__ import annotations

import datetime as dt

from dashboard.components.filters import filter_bar
from dashboard.filters import Filters


def test_query_string_round_trip():
    f = Filters(
        start=dt.date(2021, 1, 1),
        end=dt.date(2022, 6, 30),
        districts=(547361, 500054),
        kinds=("survey", "consultation"),
        topics=("transport",),
    )
    query = f.to_query()
    assert query == (
        "?from=2021-01-01&to=2022-06-30&districts=547361,500054"
        "&kind=survey,consultation&topic=transport"
    )
    back = Filters.from_query(query)
    assert back == Filters(
        start=dt.date(2021, 1, 1),
        end=dt.date(2022, 6, 30),
        districts=(500054, 547361),
        kinds=("consultation", "survey"),
        topics=("transport",),
    )
    assert Filters().to_query() == ""


def test_hand_edited_links_drop_what_is_not_valid():
    f = Filters.from_query("?from=2021-02-31&districts=500054,abc&kind=survey,referendum&topic=x")
    assert f == Filters(districts=(500054,), kinds=("survey",))


def test_controls_give_the_same_filters_as_the_url():
    f = Filters.from_controls("2021-01-01", None, [547361], ["survey"], [])
    assert f == Filters.from_query("?from=2021-01-01&districts=547361&kind=survey")


def _dropdowns(component, found=None):
    found = [] if found is None else found
    if type(component).__name__ == "Dropdown":
        found.append(component)
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            _dropdowns(child, found)
    return found


def test_filter_bar_speaks_the_page_language(sample_db):
    cs = _dropdowns(filter_bar(Filters(kinds=("survey",)), "cs"))
    en = _dropdowns(filter_bar(Filters(), "en"))
    assert len(cs) == len(en) == 3
    assert all(d.labels["clear_selection"] == "Zrušit výběr" for d in cs)
    assert all(d.labels["selected_count"] == "{num_selected} selected" for d in en)
    kinds = next(d for d in cs if d.id == "filter-kinds")
    assert kinds.value == ["survey"]
    assert {"label": "Průzkum", "value": "survey"} in kinds.options
    districts = next(d for d in cs if d.id == "filter-districts")
    assert [o["label"] for o in districts.options[:10]] == sorted(
        o["label"] for o in districts.options[:10]
    )  # the ten pilot districts first
    assert len(districts.options) == 57
