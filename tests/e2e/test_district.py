"""Městská část / District in a real browser (gunicorn, SQLite, the sample inbox): the
page by code and by slug, its charts and tables, filters from the URL and from the
controls, the district picker, an unknown district, English."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.conftest import console_errors, screenshot

pytestmark = pytest.mark.e2e

COMPARISON = "district-comparison-chart"
STAGES = "district-stages"
FILTERED = "?from=2022-01-01&to=2024-06-30&kind=participatory_budgeting"

PLOT = """
const graph = document.getElementById(arguments[0]);
const plot = graph && graph.querySelector('.js-plotly-plot');
if (!plot || !plot.data || !plot.querySelector('.main-svg')) return null;
return {
  title: plot.layout.title && plot.layout.title.text,
  traces: plot.data.map(t => ({name: t.name, mode: t.mode, x: Array.from(t.x || []),
                               y: Array.from(t.y || [])})),
  annotations: (plot.layout.annotations || []).map(a => a.text),
};
"""


def _wait(browser, seconds: int = 30) -> WebDriverWait:
    """A wait that retries when Dash re-renders an element while it is being read."""
    return WebDriverWait(browser, seconds, ignored_exceptions=(StaleElementReferenceException,))


def _plot(browser, graph_id: str) -> dict | None:
    return browser.execute_script(PLOT, graph_id)


def _state(browser) -> dict:
    """What the page shows: both charts, the process rows, the history count."""
    rows = browser.find_elements(By.CSS_SELECTOR, "#district-processes-table tbody tr")
    return {
        "comparison": _plot(browser, COMPARISON),
        "stages": _plot(browser, STAGES),
        "processes": len(rows),
        "history": browser.find_element(By.ID, "district-history").text.split("\n")[0],
        "table": browser.find_element(By.ID, "district-comparison").text,
    }


def _open(browser, url: str, name: str) -> dict:
    """Open a district page and wait until every part of it is drawn for ``name``."""
    browser.get(url)

    def ready(b):
        comparison, stages = _plot(b, COMPARISON), _plot(b, STAGES)
        if not comparison or not stages or name not in (comparison["title"] or ""):
            return False
        if not b.find_elements(By.CSS_SELECTOR, "#district-freshness-table"):
            return False
        return bool(b.find_element(By.ID, "district-history").text)

    _wait(browser, 40).until(ready)
    return _state(browser)


def _own(plot: dict | None, name: str) -> list:
    """The district's marker values, one per headline metric ([] while it is redrawn)."""
    if not plot:
        return []
    return [t["x"][0] for t in plot["traces"] if t["name"] == name and t["mode"] == "markers"]


def _close_dropdown(browser) -> None:
    """Close an open dropdown (it locks the page's scrolling while open)."""
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    _wait(browser, 10).until(
        lambda b: not b.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
    )


def _full_screenshot(browser, name: str) -> None:
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1280, min(max(height + 100, 1000), 6000))
    try:
        screenshot(browser, name)
    finally:
        browser.set_window_size(1280, 1000)


def test_district_by_code_shows_comparison_processes_history_and_freshness(browser, live_server):
    state = _open(browser, live_server.url + "/districts/547361", "Praha 14")
    heading = browser.find_element(By.ID, "district-heading").text
    assert heading == "Praha 14 · 47 761 obyvatel (2019)"  # .text turns no-break spaces into spaces
    assert browser.title == "Koordinace – Praha 14"
    # The comparison: seven metrics, each a dumbbell (line, median, district).
    comparison = state["comparison"]
    assert comparison["title"] == "Praha 14 a medián pilotních městských částí"
    assert len(comparison["traces"]) == 21
    assert len(_own(comparison, "Praha 14")) == 7
    assert len(_own(comparison, "Medián pilotu")) == 7
    table = state["table"]
    for label in ("Účastníci na 1 000 obyvatel", "Podíl mládeže", "Dokončené procesy", "Kč"):
        assert label in table
    assert "Medián pilotu" in table and "Rozdíl oproti mediánu" in table
    # Processes: 37 in Praha 14, by stage in the process order, with Czech labels.
    assert state["processes"] == 37
    (bars,) = state["stages"]["traces"]
    assert sum(bars["x"]) == 37
    assert bars["y"] == [
        "Příprava",
        "Sběr podnětů",
        "Hlasování",
        "Realizace",
        "Dokončeno",
        "Zrušeno",
    ]
    processes = browser.find_element(By.ID, "district-processes").text
    assert "Plánované ukončení" in processes and " Kč" in processes
    assert "collecting_input" not in processes
    assert state["history"] == "Zobrazeno 37 z 37 záznamů."
    freshness = browser.find_element(By.ID, "district-freshness-table").text
    assert "Poslední import" in freshness and "aktuální" in freshness
    assert "po 30 dnech jsou data zastaralá" in browser.find_element(By.ID, "main").text
    # The other pilot districts are a click away; the district filter is hidden.
    links = browser.find_elements(By.CSS_SELECTOR, "#district-links li")
    assert len(links) == 10
    assert not browser.find_element(By.ID, "filter-districts").is_displayed()
    assert browser.find_element(By.ID, "filter-kinds").is_displayed()
    # Not in the top menu.
    assert "Městská část" not in browser.find_element(By.ID, "main-nav").text
    _full_screenshot(browser, "district-cs")
    assert console_errors(browser) == []


def test_slug_and_filters_in_the_url(browser, live_server):
    everything = _open(browser, live_server.url + "/districts/praha-14", "Praha 14")
    filtered = _open(browser, live_server.url + "/districts/praha-14" + FILTERED, "Praha 14")
    # The controls show the link's filters …
    assert browser.find_element(By.ID, "filter-kinds-value").text == "Participativní rozpočet"
    assert browser.find_element(By.ID, "filter-period").get_attribute("value") == "1. 1. 2022"
    # … and every part of the page reflects them.
    assert 0 < filtered["processes"] < everything["processes"]
    (bars,) = filtered["stages"]["traces"]
    assert sum(bars["x"]) == filtered["processes"]
    own, all_own = (
        _own(filtered["comparison"], "Praha 14"),
        _own(everything["comparison"], "Praha 14"),
    )
    assert own[0] < all_own[0]  # participants
    assert filtered["history"] != everything["history"]
    kinds = browser.find_elements(
        By.CSS_SELECTOR, "#district-processes-table tbody td:nth-child(2)"
    )
    assert {k.text for k in kinds} == {"Participativní rozpočet"}
    # By slug, another district.
    lipence = _open(browser, live_server.url + "/districts/praha-lipence", "Praha-Lipence")
    assert browser.find_element(By.ID, "district-heading").text.startswith("Praha-Lipence · 2")
    assert lipence["processes"] == 10
    assert console_errors(browser) == []


def test_changing_a_filter_redraws_everything_and_the_url(browser, live_server):
    before = _open(browser, live_server.url + "/districts/praha-14", "Praha 14")
    browser.find_element(By.ID, "filter-kinds").click()
    option = _wait(browser, 10).until(
        ec.element_to_be_clickable(
            (By.XPATH, "//*[contains(@class,'dash-dropdown-option')][normalize-space()='Průzkum']")
        )
    )
    option.click()
    _close_dropdown(browser)
    wait = _wait(browser, 30)
    wait.until(lambda b: "kind=survey" in b.current_url)
    assert "/districts/praha-14" in browser.current_url
    own_before = _own(before["comparison"], "Praha 14")

    def comparison_redrawn(b):
        own = _own(_plot(b, COMPARISON), "Praha 14")
        return len(own) == 7 and own != own_before

    def stages_redrawn(b):
        stages = _plot(b, STAGES)
        return bool(stages) and stages["traces"] != before["stages"]["traces"]

    wait.until(comparison_redrawn)
    wait.until(stages_redrawn)
    wait.until(lambda b: _state(b)["processes"] != before["processes"])
    wait.until(lambda b: _state(b)["history"] != before["history"])
    after = _state(browser)
    assert after["table"] != before["table"]
    kinds = browser.find_elements(
        By.CSS_SELECTOR, "#district-processes-table tbody td:nth-child(2)"
    )
    assert kinds and {k.text for k in kinds} == {"Průzkum"}
    assert sum(after["stages"]["traces"][0]["x"]) == after["processes"]
    # One process's history.
    process = browser.find_element(By.ID, "district-process")
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", process
    )
    process.click()
    first = _wait(browser, 10).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, ".dash-dropdown-option"))
    )
    title = first.text
    first.click()
    wait.until(
        lambda b: b.find_element(By.ID, "district-history").text.startswith("Zobrazeno 1 z 1")
    )
    assert title not in browser.find_element(By.ID, "district-history-table").text  # no column
    assert console_errors(browser) == []


def test_picker_and_links_move_between_districts(browser, live_server):
    _open(browser, live_server.url + "/districts/praha-14?kind=survey", "Praha 14")
    browser.find_element(By.ID, "district-picker").click()
    option = _wait(browser, 10).until(
        ec.element_to_be_clickable(
            (
                By.XPATH,
                "//*[contains(@class,'dash-dropdown-option')][normalize-space()='Praha-Lipence']",
            )
        )
    )
    option.click()
    wait = _wait(browser, 30)
    wait.until(lambda b: "/districts/praha-lipence" in b.current_url)
    assert "kind=survey" in browser.current_url  # the filters travel along
    wait.until(lambda b: "Praha-Lipence" in (b.find_element(By.TAG_NAME, "h1").text))
    wait.until(lambda b: "Praha-Lipence" in ((_plot(b, COMPARISON) or {}).get("title") or ""))
    assert browser.find_element(By.ID, "filter-kinds-value").text == "Průzkum"
    # A pilot link.
    browser.find_element(By.LINK_TEXT, "Praha 1").click()
    wait.until(lambda b: b.find_element(By.TAG_NAME, "h1").text.startswith("Praha 1 · "))
    assert "/districts/praha-1?kind=survey" in browser.current_url
    assert console_errors(browser) == []


def test_unknown_district_and_the_index(browser, live_server):
    browser.get(live_server.url + "/districts/atlantida")
    _wait(browser, 30).until(ec.presence_of_element_located((By.ID, "district-not-found")))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Městská část nenalezena"
    assert "„atlantida“" in browser.find_element(By.ID, "main").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#district-links li a")) == 10
    browser.get(live_server.url + "/districts")
    _wait(browser, 30).until(ec.presence_of_element_located((By.ID, "district-links")))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Městské části"
    assert browser.title == "Koordinace – městské části"
    browser.find_element(By.LINK_TEXT, "Praha-Zbraslav").click()
    _wait(browser, 30).until(
        lambda b: b.find_element(By.TAG_NAME, "h1").text.startswith("Praha-Zbraslav · ")
    )
    assert console_errors(browser) == []


def test_district_in_english(browser, live_server):
    browser.get(live_server.url + "/lang/en")
    try:
        state = _open(browser, live_server.url + "/districts/praha-2", "Praha 2")
        heading = browser.find_element(By.ID, "district-heading").text
        assert heading == "Praha 2 · 50,363 residents (2019)"
        assert "is not a pilot district" in browser.find_element(By.ID, "main").text
        assert state["comparison"]["title"] == "Praha 2 and the pilot districts' median"
        assert "Praha 2: not reported" in state["comparison"]["annotations"]
        assert (
            "Pilot median" in state["table"]
            and "Participants per 1,000 residents" in state["table"]
        )
        assert "There is no data" in state["stages"]["annotations"][0]
        assert "no data" in browser.find_element(By.ID, "district-freshness-table").text
        english = _open(browser, live_server.url + "/districts/praha-14", "Praha 14")
        assert english["stages"]["traces"][0]["y"][0] == "Preparation"
        assert "Planned end" in browser.find_element(By.ID, "district-processes").text
        assert "Data freshness" in browser.find_element(By.ID, "main").text
        _full_screenshot(browser, "district-en")
        assert console_errors(browser) == []
    finally:
        browser.get(live_server.url + "/lang/cs")
