"""Průběh / Progress in a real browser: the stage chart, the timeline and the list of
processes render from local assets only, follow the filters (and the URL), the list
sorts and filters, and the page speaks English after the switch."""

import re

import pytest
from selenium.common.exceptions import ElementClickInterceptedException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.conftest import console_errors, screenshot

pytestmark = pytest.mark.e2e

GRAPHS = ("progress-stages", "progress-timeline")
CZECH_DATE = re.compile(r"^\d{1,2}\.[\s\u00a0]\d{1,2}\.[\s\u00a0]\d{4}$")
CZECH_CZK = re.compile(r"^\d{1,3}([\s\u00a0]\d{3})*[\s\u00a0]Kč$")

PLOT = """
const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
if (!gd || !gd.data || !gd.layout) return null;
return {
  traces: gd.data.map(t => ({name: t.name, x: Array.from(t.x || []), y: Array.from(t.y || []),
                             colour: t.marker && t.marker.color, hover: t.hovertemplate})),
  title: gd.layout.title && gd.layout.title.text,
  annotations: (gd.layout.annotations || []).map(a => a.text),
  svg: !!gd.querySelector('.main-svg'),
};
"""
HOVER = """
const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
Plotly.Fx.hover(gd, [{curveNumber: gd.data.length - 1, pointNumber: 0}]);
return Array.from(gd.querySelectorAll('.hoverlayer .hovertext')).map(e => e.textContent).join(' ');
"""
GRID = """
try {
  const api = dash_ag_grid.getApi('progress-grid');
  const rows = [];
  api.forEachNodeAfterFilterAndSort(n => rows.push(n.data));
  return rows.length ? rows : null;
} catch (e) { return null; }
"""
CELLS = """
return Array.from(document.querySelectorAll(
  '#progress-grid .ag-center-cols-container .ag-row[row-index="0"] .ag-cell'))
  .reduce((out, c) => { out[c.getAttribute('col-id')] = c.textContent; return out; }, {});
"""


def _plots(browser, previous=None, timeout=40):
    """Both charts once drawn (and, with ``previous``, once both have changed)."""

    def ready(b):
        plots = {g: b.execute_script(PLOT, g) for g in GRAPHS}
        if any(p is None or not p["svg"] for p in plots.values()):
            return None
        if previous and any(plots[g] == previous[g] for g in GRAPHS):
            return None
        return plots

    return WebDriverWait(browser, timeout).until(ready)


def _grid(browser, previous=None, timeout=40):
    def ready(b):
        rows = b.execute_script(GRID)
        return rows if rows and rows != previous else None

    return WebDriverWait(browser, timeout).until(ready)


def _chosen(browser, dropdown: str) -> list[str]:
    """The values a dropdown shows as chosen."""
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#' + arguments[0] + "
        "' .dash-dropdown-value-item')).map(e => e.textContent.trim())",
        dropdown,
    )


def _count(browser) -> str:
    return browser.find_element(By.ID, "progress-grid-count").text


def test_progress_page_renders_from_local_assets_with_no_console_errors(browser, live_server):
    browser.get(live_server.url + "/progress")
    plots = _plots(browser)
    stages, timeline = plots["progress-stages"], plots["progress-timeline"]
    # Stacked bars: the seven stages in process order, the ten pilot districts.
    assert [t["name"] for t in stages["traces"]] == [
        "Příprava",
        "Sběr podnětů",
        "Vyhodnocení",
        "Hlasování",
        "Realizace",
        "Dokončeno",
        "Zrušeno",
    ]
    assert len({y for t in stages["traces"] for y in t["y"]}) == 10
    assert sum(sum(t["x"]) for t in stages["traces"]) == 300
    assert stages["title"] == "Procesy podle městské části a fáze (počet procesů)"
    # Timeline: sixty of three hundred processes, today marked, overdue ones apart.
    assert sum(len(t["y"]) for t in timeline["traces"]) == 60
    assert timeline["annotations"] == ["dnes"]
    overdue = timeline["traces"][-1]
    assert overdue["name"] == "Po termínu" and overdue["colour"] == "#D55E00"
    assert "Po termínu: plánované ukončení uplynulo" in overdue["hover"]
    note = browser.find_element(By.ID, "progress-timeline-note").text
    assert "Časová osa ukazuje 60 z 300 procesů" in note
    # The list: every process, Czech headers and formats.
    rows = _grid(browser)
    assert len(rows) == 300
    assert _count(browser).startswith("Procesů: 300, z toho po termínu: ")
    headers = [
        h.text
        for h in browser.find_elements(By.CSS_SELECTOR, "#progress-grid .ag-header-cell-text")
    ]
    assert headers[:5] == ["Městská část", "ID projektu", "Název", "Typ procesu", "Fáze"]
    budgeted = next(i for i, r in enumerate(rows) if r["budget"])
    assert CZECH_CZK.match(rows[budgeted]["budget_text"])
    cells = browser.execute_script(CELLS)
    assert CZECH_DATE.match(cells["start"]) and cells["district"] == "Praha 1"
    assert cells["stage"] in {"Příprava", "Dokončeno", "Realizace", "Sběr podnětů"}
    # Everything came from this server: no CDN.
    hosts = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => new URL(e.name).origin)"
    )
    assert set(hosts) <= {live_server.url}
    screenshot(browser, "progress-cs")
    # Hovering an overdue bar tells the dates in Czech and that it is overdue.
    hover = browser.execute_script(HOVER, "progress-timeline")
    assert "Po termínu: plánované ukončení uplynulo" in hover
    assert re.search(r"Plánované ukončení: \d{1,2}\.[\s\u00a0]\d{1,2}\.[\s\u00a0]20\d\d", hover)
    for part in ("progress-timeline", "progress-grid"):
        browser.execute_script(
            "document.getElementById(arguments[0]).scrollIntoView({behavior: 'instant'})", part
        )
        screenshot(browser, f"{part}-cs")
    assert console_errors(browser) == []


def test_filters_from_the_url_and_the_filter_bar_redraw_everything(browser, live_server):
    # Opened with a query string: the controls show it and every part reflects it.
    browser.get(live_server.url + "/progress?districts=500054,547361&kind=participatory_budgeting")
    plots = _plots(browser)
    rows = _grid(browser)
    assert _chosen(browser, "filter-districts") == ["Praha 1", "Praha 14"]
    assert _chosen(browser, "filter-kinds") == ["Participativní rozpočet"]
    assert {y for t in plots["progress-stages"]["traces"] for y in t["y"]} == {
        "Praha 1",
        "Praha 14",
    }
    labels = [y for t in plots["progress-timeline"]["traces"] for y in t["y"]]
    assert labels and all(y.startswith(("Praha 1 ·", "Praha 14 ·")) for y in labels)
    assert {r["district"] for r in rows} == {"Praha 1", "Praha 14"}
    assert {r["kind"] for r in rows} == {"Participativní rozpočet"}
    assert len(labels) == len(rows)  # fewer than sixty: the timeline shows them all
    assert browser.find_element(By.ID, "progress-timeline-note").text == ""
    before_count = _count(browser)

    # Add a process kind in the filter bar: the URL, both charts and the list change.
    browser.find_element(By.ID, "filter-kinds").click()
    WebDriverWait(browser, 10).until(
        ec.element_to_be_clickable(
            (By.XPATH, "//*[contains(@class,'dash-dropdown-option')][normalize-space()='Průzkum']")
        )
    ).click()
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    WebDriverWait(browser, 30).until(
        lambda b: "kind=participatory_budgeting,survey" in b.current_url
    )
    assert "districts=500054,547361" in browser.current_url
    after = _plots(browser, previous=plots)
    more = _grid(browser, previous=rows)
    assert {r["kind"] for r in more} == {"Participativní rozpočet", "Průzkum"}
    assert len(more) > len(rows)
    assert sum(sum(t["x"]) for t in after["progress-stages"]["traces"]) == len(more)
    WebDriverWait(browser, 10).until(lambda b: _count(b) != before_count)
    assert console_errors(browser) == []


def test_the_list_sorts_in_process_order_and_by_number_and_filters(browser, live_server):
    browser.get(live_server.url + "/progress?districts=547034")
    _plots(browser)  # the charts above are drawn: the list no longer moves
    rows = _grid(browser)

    def sort_by(col: str) -> None:
        """Click a column header (scrolled into view; again if the page still moved)."""
        label = browser.find_element(
            By.CSS_SELECTOR, f"#progress-grid .ag-header-cell[col-id='{col}'] .ag-header-cell-label"
        )

        def click(b):
            b.execute_script(
                "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", label
            )
            label.click()
            return True

        WebDriverWait(browser, 10, ignored_exceptions=[ElementClickInterceptedException]).until(
            click
        )

    # Stage sorts in process order (Příprava first), not alphabetically (Dokončeno first).
    sort_by("stage")
    by_stage = _grid(browser, previous=rows)
    order = [r["stage_order"] for r in by_stage]
    assert order == sorted(order) and by_stage[0]["stage"] == "Příprava"
    # Budget sorts as a number, descending on the second click.
    sort_by("budget")
    sort_by("budget")
    by_budget = _grid(browser, previous=by_stage)
    budgets = [r["budget"] for r in by_budget if r["budget"] is not None]
    assert budgets == sorted(budgets, reverse=True) and len(budgets) > 2
    assert CZECH_CZK.match(browser.execute_script(CELLS)["budget"])
    # The title filter below the header.
    box = browser.find_element(
        By.CSS_SELECTOR, "#progress-grid .ag-floating-filter[col-id='title'] input"
    )
    box.send_keys("rozpočet")
    filtered = _grid(browser, previous=by_budget)
    assert filtered and all("rozpočet" in r["title"].lower() for r in filtered)
    assert len(filtered) == sum("rozpočet" in r["title"].lower() for r in rows)
    assert console_errors(browser) == []


def test_progress_in_english(browser, live_server):
    browser.get(live_server.url + "/lang/en")
    try:
        browser.get(live_server.url + "/progress")
        plots = _plots(browser)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Progress of the processes"
        assert "Progress" in browser.find_element(By.ID, "main-nav").text
        assert plots["progress-stages"]["title"].startswith("Processes by district and stage")
        assert plots["progress-stages"]["traces"][0]["name"] == "Preparation"
        timeline = plots["progress-timeline"]
        assert timeline["title"].startswith("Timeline of processes")
        assert timeline["annotations"] == ["today"] and timeline["traces"][-1]["name"] == "Overdue"
        assert "The timeline shows 60 of 300" in (
            browser.find_element(By.ID, "progress-timeline-note").text
        )
        rows = _grid(browser)
        assert rows[0]["stage"] in {"Preparation", "Completed", "Implementation"}
        assert any(r["budget_text"].startswith("CZK") for r in rows)
        assert _count(browser).startswith("Processes: 300")
        headers = [
            h.text
            for h in browser.find_elements(By.CSS_SELECTOR, "#progress-grid .ag-header-cell-text")
        ]
        assert headers[:3] == ["District", "Project ID", "Title"]
        screenshot(browser, "progress-en")
        assert console_errors(browser) == []
    finally:
        browser.get(live_server.url + "/lang/cs")
