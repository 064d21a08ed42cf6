"""Zapojení / Engagement in a real browser: every chart drawn with Czech formats and no
console errors, the filters from the URL shown in the controls and applied to every chart,
a filter changed in the page redrawing every chart, and the English version."""

import json
import re

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.conftest import console_errors, screenshot

pytestmark = pytest.mark.e2e

GRAPHS = (
    "engagement-monthly",
    "engagement-rate",
    "engagement-youth",
    "engagement-channels",
    "engagement-types",
    "engagement-pb",
)
PILOT_TRACES = {
    "engagement-monthly": 10,
    "engagement-rate": 1,
    "engagement-youth": 1,
    "engagement-channels": 3,
    "engagement-types": 1,
    "engagement-pb": 2,
}
CZECH_MONTH = (
    r"(leden|únor|březen|duben|květen|červen|červenec|srpen|září|říjen|listopad|prosinec) 20\d\d"
)
PLOT = "document.querySelector('#' + arguments[0] + ' .js-plotly-plot')"


def _plot(browser, graph_id: str) -> dict:
    """The drawn figure: trace names, x, y, customdata; the title; annotations."""
    return browser.execute_script(
        f"const p = {PLOT}; if (!p || !p.data || !p.layout) return null;"
        "return {title: (p.layout.title || {}).text || '',"
        " traces: p.data.map(t => ({name: t.name, x: t.x, y: t.y, customdata: t.customdata})),"
        " annotations: (p.layout.annotations || []).map(a => a.text),"
        " shapes: (p.layout.shapes || []).length};",
        graph_id,
    )


def _charts(browser, previous: dict | None = None, timeout: float = 60) -> dict:
    """Wait until every chart is drawn by its callback (a title; different from
    ``previous`` when given) and return them."""

    def ready(driver):
        plots = {g: _plot(driver, g) for g in GRAPHS}
        if not all(p and p["title"] for p in plots.values()):
            return False
        if previous and any(_same(plots[g], previous[g]) for g in GRAPHS):
            return False
        return plots

    return WebDriverWait(browser, timeout).until(ready)


def _same(a: dict, b: dict) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _full_page_screenshot(browser, name: str) -> None:
    """The whole page (the browser is shared: its window size is restored)."""
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1280, height + 100)
    try:
        screenshot(browser, name)
    finally:
        browser.set_window_size(1280, 1000)


def _total(plot: dict, axis: str, trace: int = 0) -> float:
    return sum(v or 0 for v in plot["traces"][trace][axis])


def test_engagement_draws_every_chart_in_czech(browser, live_server):
    browser.get(live_server.url + "/lang/cs")
    browser.get(live_server.url + "/engagement")
    plots = _charts(browser)
    assert {g: len(p["traces"]) for g, p in plots.items()} == PILOT_TRACES
    for graph in GRAPHS:
        assert browser.find_elements(By.CSS_SELECTOR, f"#{graph} .js-plotly-plot .main-svg")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Zapojení veřejnosti"
    assert plots["engagement-monthly"]["title"].startswith("Účastníci podle měsíců")
    assert plots["engagement-pb"]["title"].startswith("Participativní rozpočty")
    assert [t["name"] for t in plots["engagement-channels"]["traces"]] == [
        "Online",
        "Prezenčně",
        "Hybridně",
    ]
    assert "Dílna" in plots["engagement-types"]["traces"][0]["y"]
    rate = plots["engagement-rate"]
    assert len(rate["traces"][0]["y"]) == 10 and rate["shapes"] == 1
    assert any(a.startswith("Medián pilotních MČ: ") for a in rate["annotations"])
    # Czech number formats on the axes (no-break space between thousands).
    ticks = [
        e.get_attribute("textContent")
        for e in browser.find_elements(By.CSS_SELECTOR, "#engagement-monthly .ytick text")
    ]
    assert any("\u00a0000" in tick for tick in ticks), ticks
    # Hovering a month names it in Czech, with Czech numbers.
    ActionChains(browser).move_to_element(
        browser.find_element(By.CSS_SELECTOR, "#engagement-monthly .nsewdrag")
    ).perform()
    hover = WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#engagement-monthly .hoverlayer").get_attribute(
            "textContent"
        )
    )
    assert re.search(CZECH_MONTH, hover), hover
    assert "aktivit: " in hover and "Praha-Lipence" in hover
    # The same participants on every chart that counts them.
    monthly = sum(sum(t["y"]) for t in plots["engagement-monthly"]["traces"])
    assert monthly == _total(plots["engagement-types"], "x") > 0
    assert monthly == sum(c[0] for c in rate["traces"][0]["customdata"])
    # Table alternatives with the numbers.
    browser.find_element(By.CSS_SELECTOR, "#engagement-rate-table")
    rows = browser.find_elements(By.CSS_SELECTOR, "#engagement-rate-table tbody tr")
    assert len(rows) == 11  # ten districts and the median
    assert "Zapojení" in browser.find_element(By.ID, "main-nav").text
    _full_page_screenshot(browser, "engagement-cs")
    assert console_errors(browser) == []


def test_filters_in_the_url_are_shown_and_applied_to_every_chart(browser, live_server):
    base = "/engagement?districts=500054,539449"
    browser.get(live_server.url + base)
    both = _charts(browser)
    browser.get(live_server.url + base + "&from=2022-01-01&to=2023-12-31&kind=survey")
    plots = _charts(browser)
    # The controls show the link's filters.
    assert browser.find_element(By.ID, "filter-period").get_attribute("value") == "1. 1. 2022"
    end = browser.find_element(By.CSS_SELECTOR, ".dash-datepicker-end-date")
    assert end.get_attribute("value") == "31. 12. 2023"
    districts = browser.find_element(By.ID, "filter-districts").text
    assert "Praha 1" in districts and "Praha-Lipence" in districts
    assert "Průzkum" in browser.find_element(By.ID, "filter-kinds").text
    # Every chart reflects them.
    monthly = plots["engagement-monthly"]["traces"]
    assert sorted(t["name"] for t in monthly) == ["Praha 1", "Praha-Lipence"]
    months = [x for t in monthly for x in t["x"]]
    assert min(months) >= "2022-01-01" and max(months) <= "2023-12-01"
    for graph in ("engagement-rate", "engagement-youth", "engagement-channels"):
        assert sorted(plots[graph]["traces"][0]["y"]) == ["Praha 1", "Praha-Lipence"], graph
    participants = sum(sum(t["y"]) for t in monthly)
    assert participants == _total(plots["engagement-types"], "x") > 0
    assert participants == sum(c[0] for c in plots["engagement-rate"]["traces"][0]["customdata"])
    assert participants < sum(sum(t["y"]) for t in both["engagement-monthly"]["traces"])
    # No participatory budgeting among surveys: the PB chart says so.
    assert plots["engagement-pb"]["traces"] == []
    assert plots["engagement-pb"]["annotations"] == ["Pro zvolené filtry nejsou žádná data."]
    for graph in GRAPHS:
        assert not _same(plots[graph], both[graph]), graph
    assert console_errors(browser) == []


def test_changing_a_filter_redraws_every_chart_and_the_url(browser, live_server):
    browser.get(live_server.url + "/engagement")
    before = _charts(browser)
    browser.find_element(By.ID, "filter-kinds").click()
    option = WebDriverWait(browser, 10).until(
        ec.element_to_be_clickable(
            (
                By.XPATH,
                "//*[contains(@class,'dash-dropdown-option')][normalize-space()='Konzultace']",
            )
        )
    )
    option.click()
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    after = _charts(browser, previous=before)
    assert "kind=consultation" in browser.current_url
    assert after["engagement-pb"]["traces"] == []  # consultations are not PB
    assert 0 < _total(after["engagement-types"], "x") < _total(before["engagement-types"], "x")
    assert len(after["engagement-channels"]["traces"]) == 3
    assert console_errors(browser) == []


def test_engagement_in_english(browser, live_server):
    browser.get(live_server.url + "/engagement")
    browser.get(live_server.url + "/lang/en")
    try:
        browser.get(live_server.url + "/engagement?districts=500054,500089,539449")
        plots = _charts(browser)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Public engagement"
        assert plots["engagement-monthly"]["title"] == (
            "Participants by month and district (number of participants)"
        )
        assert plots["engagement-rate"]["title"] == "Participants per 1,000 residents by district"
        assert [t["name"] for t in plots["engagement-channels"]["traces"]] == [
            "Online",
            "In person",
            "Hybrid",
        ]
        assert "Workshop" in plots["engagement-types"]["traces"][0]["y"]
        # Praha 2 (outside the pilot) has no activities: the youth chart says so.
        assert "no activities" in plots["engagement-youth"]["annotations"]
        assert "Data as of" in browser.find_element(By.ID, "engagement-pb").text
        assert "Table of the chart's data" in browser.find_element(By.ID, "main").text
        assert "Engagement" in browser.find_element(By.ID, "main-nav").text
        _full_page_screenshot(browser, "engagement-en")
        assert console_errors(browser) == []
    finally:
        browser.get(live_server.url + "/lang/cs")
