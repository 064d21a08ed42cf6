"""Přehled / Overview in a real browser: KPI cards, the offline map of all 57 districts, the
ranking with the pilot median; filters from the URL and from the controls update every
part; the language switch; a click on a district opens its page."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.conftest import console_errors, screenshot

pytestmark = pytest.mark.e2e

PATHS = "return document.querySelectorAll('#overview-map .choroplethlocation').length"
TRACES = """
const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
if (!gd || !gd.data) { return null; }
return gd.data.map(t => ({type: t.type, locations: t.locations || null, z: t.z || null,
                          x: t.x || null, y: t.y || null}));
"""
FILTERED = "/?from=2022-01-01&to=2023-12-31&districts=500054,500097&kind=participatory_budgeting"


def _wait(browser) -> WebDriverWait:
    """Wait up to 30 s; a callback may replace an element while it is being read."""
    return WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,))


def _traces(browser, graph_id: str) -> list[dict]:
    return browser.execute_script(TRACES, graph_id) or [{}, {}]


def _full_screenshot(browser, name: str) -> None:
    """The whole page (KPIs, map and ranking) for reviewers; the window size restored."""
    size = browser.get_window_size()
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(size["width"], max(height + 120, size["height"]))
    try:
        screenshot(browser, name)
    finally:
        browser.set_window_size(size["width"], size["height"])


def _chosen(browser, dropdown_id: str) -> list[str]:
    items = browser.find_elements(By.CSS_SELECTOR, f"#{dropdown_id} .dash-dropdown-value-item")
    return [item.text for item in items]


def _kpis(browser) -> str:
    return browser.find_element(By.ID, "overview-kpi-row").text


def _open(browser, url: str, *, bars: int) -> None:
    """Open the page and wait for the map (57 district shapes) and ``bars`` ranking bars."""
    browser.get(url)
    wait = _wait(browser)
    wait.until(lambda b: b.execute_script(PATHS) == 57)
    wait.until(
        lambda b: len(b.find_elements(By.CSS_SELECTOR, "#overview-ranking .bars path")) == bars
    )
    wait.until(ec.presence_of_element_located((By.ID, "overview-kpi-row")))


def test_overview_shows_kpis_map_and_ranking_offline(browser, live_server):
    _open(browser, live_server.url + "/", bars=10)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Přehled"
    cards = browser.find_elements(By.CSS_SELECTOR, "#overview-kpi-row .card")
    assert len(cards) == 6
    kpis = _kpis(browser)
    for label in ("Běžící procesy", "Účastníci na 1 000 obyvatel", "Alokace participativních"):
        assert label in kpis
    assert "medián pilotních MČ:" in kpis and "Kč" in kpis and "0 z 10" in kpis
    assert "Procesy ve fázi Dokončeno." in kpis  # the definition beside the figure
    # The map: every district drawn from the local GeoJSON, the ten pilot ones coloured.
    outside, inside = _traces(browser, "overview-map")
    assert outside["type"] == inside["type"] == "choropleth"
    assert len(outside["locations"]) == 47 and len(inside["locations"]) == 10
    map_text = browser.find_element(By.ID, "overview-map").text
    assert "data base © IPR Prague" in map_text
    assert "Účastníci na 1 000 obyvatel podle městských částí" in map_text
    assert "Data k " in map_text
    # The ranking: highest on top, the pilot median as a labelled line.
    (bars,) = _traces(browser, "overview-ranking")
    assert bars["x"] == sorted(bars["x"])  # Plotly draws the first bar at the bottom
    assert len(browser.find_elements(By.CSS_SELECTOR, "#overview-ranking .shapelayer path")) == 1
    assert "Medián pilotu:" in browser.find_element(By.ID, "overview-ranking").text
    # Only this server was asked for anything (no CDN, no world topojson from the web).
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert resources and all(r.startswith(live_server.url) for r in resources)
    _full_screenshot(browser, "overview-cs")
    assert console_errors(browser) == []


def test_filters_in_the_url_and_in_the_controls_update_everything(browser, live_server):
    _open(browser, live_server.url + FILTERED, bars=2)
    # The controls show the filters of the link …
    assert _chosen(browser, "filter-districts") == ["Praha 1", "Praha 3"]
    assert _chosen(browser, "filter-kinds") == ["Participativní rozpočet"]
    assert browser.find_element(By.ID, "filter-period").get_attribute("value") == "1. 1. 2022"
    # … and every part of the page reflects them.
    (bars,) = _traces(browser, "overview-ranking")
    assert sorted(bars["y"]) == ["Praha 1", "Praha 3"]
    outside, inside = _traces(browser, "overview-map")
    assert sorted(inside["locations"]) == [500054, 500097] and len(outside["locations"]) == 55
    before = {"kpis": _kpis(browser), "z": inside["z"], "x": bars["x"]}
    assert "v 2 vybraných městských částech" in before["kpis"]

    # Clear the process kind in the filter bar: the URL and all three parts change.
    browser.find_element(By.CSS_SELECTOR, "#filter-kinds .dash-dropdown-clear").click()
    wait = _wait(browser)
    wait.until(lambda b: "kind=" not in b.current_url)
    assert "districts=500054,500097" in browser.current_url
    wait.until(lambda b: _kpis(b) != before["kpis"])
    wait.until(lambda b: _traces(b, "overview-map")[-1].get("z") not in (None, before["z"]))
    wait.until(lambda b: _traces(b, "overview-ranking")[0].get("x") not in (None, before["x"]))
    (bars,) = _traces(browser, "overview-ranking")
    assert all(new > old for new, old in zip(sorted(bars["x"]), sorted(before["x"]), strict=True))

    # Add a district through the dropdown: a third bar and a third coloured district.
    browser.find_element(By.ID, "filter-districts").click()
    option = wait.until(
        lambda b: next(
            (
                o
                for o in b.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
                if o.text == "Praha 5"
            ),
            None,
        )
    )
    option.click()
    wait.until(lambda b: "districts=500054,500097,500143" in b.current_url)
    wait.until(lambda b: len(_traces(b, "overview-ranking")[0].get("y") or ()) == 3)
    wait.until(lambda b: len(_traces(b, "overview-map")[-1].get("locations") or ()) == 3)
    wait.until(lambda b: "v 3 vybraných městských částech" in _kpis(b))
    assert browser.execute_script(PATHS) == 57
    assert console_errors(browser) == []


def test_overview_in_english(browser, live_server):
    browser.get(live_server.url + "/lang/en")
    try:
        _open(browser, live_server.url + "/", bars=10)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Overview"
        kpis = _kpis(browser)
        for label in ("Active processes", "Participants per 1,000 residents", "CZK"):
            assert label in kpis
        assert "pilot districts' median:" in kpis and "0 of 10" in kpis
        map_text = browser.find_element(By.ID, "overview-map").text
        assert "Participants per 1,000 residents by district" in map_text
        assert "data base © IPR Prague" in map_text and "Data as of" in map_text
        ranking = browser.find_element(By.ID, "overview-ranking").text
        assert "Districts ranked by participants per 1,000 residents" in ranking
        assert "Pilot median:" in ranking
        _full_screenshot(browser, "overview-en")
        assert console_errors(browser) == []
    finally:
        browser.get(live_server.url + "/lang/cs")


def test_a_click_on_a_bar_opens_the_district_page(browser, live_server):
    _open(browser, live_server.url + "/?districts=500054&kind=survey", bars=1)
    bar = browser.find_element(By.CSS_SELECTOR, "#overview-ranking .bars path")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", bar)
    # Plotly takes clicks on its drag layer above the bars: hover the bar, then click there.
    ActionChains(browser).move_to_element(bar).pause(0.5).click().perform()
    _wait(browser).until(lambda b: "/districts/" in b.current_url)
    assert browser.current_url == live_server.url + "/districts/500054?kind=survey"
