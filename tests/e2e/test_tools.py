"""Nástroje / Tools in a real browser: the district × tool matrix, satisfaction, cost per
participant, the catalogue grid and the uncatalogued tools; filters from the URL and from
the controls; the English version; local assets only and a quiet console."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.conftest import console_errors, screenshot

pytestmark = pytest.mark.e2e

GRAPHS = ("tools-matrix", "tools-satisfaction", "tools-cost")
PLOT = """
const root = document.getElementById(arguments[0]);
const plot = root && root.querySelector('.js-plotly-plot');
if (!plot || !plot.data || !plot.layout || !plot.layout.title) return null;
return {
  title: plot.layout.title.text || '',
  traces: plot.data.map(t => ({type: t.type, x: t.x, y: t.y, z: t.z})),
  annotations: (plot.layout.annotations || []).map(a => a.text),
  svg: plot.querySelectorAll('.main-svg').length,
};
"""


def _charts(browser, previous=None, timeout=40) -> dict:
    """Every chart's title and traces, once all are drawn (and differ from ``previous``)."""

    def ready(b):
        plots = {g: b.execute_script(PLOT, g) for g in GRAPHS}
        if any(p is None or not p["title"] for p in plots.values()):
            return False
        if previous is not None and any(plots[g] == previous[g] for g in GRAPHS):
            return False
        return plots

    return WebDriverWait(browser, timeout).until(ready)


def _grid_rows(browser) -> list[str]:
    WebDriverWait(browser, 30).until(
        ec.presence_of_element_located(
            (By.CSS_SELECTOR, "#tools-catalogue .ag-pinned-left-cols-container .ag-row")
        )
    )
    rows = browser.find_elements(
        By.CSS_SELECTOR, "#tools-catalogue .ag-pinned-left-cols-container .ag-row"
    )
    return [r.text for r in sorted(rows, key=lambda r: int(r.get_attribute("row-index")))]


def _chosen(browser, dropdown: str) -> list[str]:
    items = browser.find_elements(By.CSS_SELECTOR, f"#{dropdown} .dash-dropdown-value-item")
    return [item.text for item in items]


def _quiet_console(browser) -> None:
    entries = browser.get_log("browser")
    assert [e["message"] for e in entries if e["level"] == "SEVERE"] == []
    assert [e["message"] for e in entries if "AG Grid" in e["message"]] == []  # no misuse


def test_tools_page_shows_every_part_with_no_console_errors(browser, live_server):
    browser.get(live_server.url + "/tools")
    plots = _charts(browser)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Nástroje"
    for graph in GRAPHS:
        assert len(plots[graph]["traces"]) == 1 and plots[graph]["svg"] >= 1, graph
    (heat,) = plots["tools-matrix"]["traces"]
    assert heat["type"] == "heatmap" and len(heat["x"]) == 10 and len(heat["y"]) == 24
    assert heat["y"][:2] == ["E-mail newsletter", "Munipolis"]  # most used first
    totals = [sum(row) for row in heat["z"]]
    assert totals == sorted(totals, reverse=True)
    assert "Kolik procesů používá který nástroj" in plots["tools-matrix"]["title"]
    (bars,) = plots["tools-satisfaction"]["traces"]
    assert len(bars["y"]) == 22 and not {"Hlasovátko", "Mapotic"} & set(bars["y"])
    hidden = browser.find_element(By.ID, "tools-satisfaction-hidden").text
    assert hidden == (
        "Méně než 3 hodnocení (průměr se nezobrazuje): Hlasovátko (1 hodn.), Mapotic (1 hodn.)"
    )
    definition = browser.find_element(By.ID, "tools-satisfaction-definition").text
    assert definition.startswith("Průměrné hodnocení (1–5) s počtem hodnocení")
    (cost,) = plots["tools-cost"]["traces"]
    assert cost["x"] == sorted(cost["x"], reverse=True)
    assert "Kč na účastníka" in plots["tools-cost"]["title"]
    cost_text = browser.find_element(By.ID, "tools-cost").text
    assert "185,0 Kč" in cost_text  # Go Vocal, Czech decimal comma
    # The catalogue: the whole of it, Czech headers and labels, links to the websites.
    names = _grid_rows(browser)
    assert len(names) == 22 and names[:2] == ["Consul Democracy", "D21"]
    grid = browser.find_element(By.ID, "tools-catalogue").text
    for text in ("Název", "Podpora češtiny", "Funkce", "Komplexní platforma", "Částečná", "✓"):
        assert text in grid, text
    assert browser.find_elements(By.CSS_SELECTOR, "#tools-catalogue a[href='https://decidim.org']")
    cells = browser.execute_script(
        "return Array.from(document.querySelectorAll('#tools-catalogue .ag-row "
        "[col-id]')).map(c => c.textContent.trim())"
    )
    assert len(cells) == 22 * 19 and not {"nan", "None", ""} & set(cells)
    assert cells.count("–") > 22  # missing websites, absent features
    # The uncatalogued tools, flagged for review.
    rows = browser.find_elements(By.CSS_SELECTOR, "#tools-uncatalogued tbody tr")
    assert [r.text for r in rows] == [
        "Hlasovátko 1 Praha 22 – ke kontrole",
        "Mapotic 1 Praha-Klánovice – ke kontrole",
    ]
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert resources and all(r.startswith(live_server.url) for r in resources)
    screenshot(browser, "tools-cs")
    _quiet_console(browser)


def test_filters_in_the_url_reach_the_controls_and_every_chart(browser, live_server):
    browser.get(live_server.url + "/tools")
    everything = _charts(browser)
    browser.get(
        live_server.url + "/tools?from=2021-01-01&districts=500054,547361&kind=survey,consultation"
    )
    plots = _charts(browser, previous=everything)
    assert _chosen(browser, "filter-districts") == ["Praha 1", "Praha 14"]
    assert _chosen(browser, "filter-kinds") == ["Konzultace", "Průzkum"]
    assert browser.find_element(By.ID, "filter-period").get_attribute("value") == "1. 1. 2021"
    (heat,) = plots["tools-matrix"]["traces"]
    assert heat["x"] == ["Praha 1", "Praha 14"]
    whole = everything["tools-matrix"]["traces"][0]
    assert 0 < sum(map(sum, heat["z"])) < sum(map(sum, whole["z"]))
    satisfaction = plots["tools-satisfaction"]["traces"][0]["y"]
    assert 0 < len(satisfaction) < len(everything["tools-satisfaction"]["traces"][0]["y"])
    cost = plots["tools-cost"]["traces"][0]
    assert cost["x"] != everything["tools-cost"]["traces"][0]["x"]
    assert len(_grid_rows(browser)) == 22  # the catalogue ignores the filters
    assert console_errors(browser) == []


def test_changing_a_filter_redraws_every_chart_and_the_url(browser, live_server):
    browser.get(live_server.url + "/tools")
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
    WebDriverWait(browser, 10).until(lambda b: "kind=consultation" in b.current_url)
    heat_before = before["tools-matrix"]["traces"][0]
    heat_after = after["tools-matrix"]["traces"][0]
    assert len(heat_after["x"]) == 10
    assert 0 < sum(map(sum, heat_after["z"])) < sum(map(sum, heat_before["z"]))
    assert after["tools-cost"]["traces"][0]["x"] != before["tools-cost"]["traces"][0]["x"]
    assert console_errors(browser) == []


def test_tools_in_english(browser, live_server):
    browser.get(live_server.url + "/lang/en")
    try:
        browser.get(live_server.url + "/tools")
        plots = _charts(browser)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Tools"
        assert plots["tools-matrix"]["title"].startswith("How many processes use each tool")
        assert plots["tools-satisfaction"]["title"].startswith("Satisfaction with tools")
        assert plots["tools-cost"]["title"].startswith("Known cost of a tool per participant")
        assert "CZK 185.0" in browser.find_element(By.ID, "tools-cost").text
        hidden = browser.find_element(By.ID, "tools-satisfaction-hidden").text
        assert hidden.startswith("Fewer than 3 ratings (no mean shown): Hlasovátko (1 rating)")
        grid = browser.find_element(By.ID, "tools-catalogue").text
        for text in ("Name", "Czech support", "All-in-one platform", "Partial"):
            assert text in grid, text
        assert "to review" in browser.find_element(By.ID, "tools-uncatalogued").text
        assert "Tools" in browser.find_element(By.ID, "main-nav").text
        screenshot(browser, "tools-en")
        _quiet_console(browser)
    finally:
        browser.get(live_server.url + "/lang/cs")
