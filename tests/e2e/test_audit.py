"""Záznam změn / audit log in a real browser: the demo import and the account creations
listed, filtering by action (grid and URL), a selected row's before → after, nothing
editable, a quiet console; a district coordinator is refused and has no menu link."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.conftest import console_errors, login, screenshot

pytestmark = pytest.mark.e2e

ROWS = """
try {
  const api = window.dash_ag_grid && window.dash_ag_grid.getApi(arguments[0]);
  if (!api) return null;
  const rows = [];
  api.forEachNodeAfterFilterAndSort(node => rows.push(node.data));
  return rows;
} catch (e) { return null; }
"""


def _rows(browser, ready=lambda rows: bool(rows), timeout=30) -> list[dict]:
    """The grid's rows (all of them, not only the rendered ones) once ``ready``."""

    def loaded(b):
        rows = b.execute_script(ROWS, "audit-grid")
        return rows if rows is not None and ready(rows) else False

    return WebDriverWait(browser, timeout).until(loaded)


def _choose(browser, dropdown: str, option: str) -> None:
    browser.find_element(By.ID, dropdown).click()
    WebDriverWait(browser, 10).until(
        ec.element_to_be_clickable(
            (
                By.XPATH,
                f"//*[contains(@class,'dash-dropdown-option')][normalize-space()='{option}']",
            )
        )
    ).click()
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)


def test_audit_lists_the_import_and_account_creations(browser, live_server):
    browser.get(live_server.url + "/audit")
    rows = _rows(browser, lambda rows: len(rows) >= 15)
    actions = [(r["action"], r["entity"]) for r in rows]
    assert ("import dat", "import") in actions
    created = [r for r in rows if r["action"] == "vytvoření"]
    assert len(created) == 13  # admin, city, leadership and ten district coordinators
    assert {r["entity"] for r in created} == {"uživatelský účet"}
    assert ("přihlášení", "uživatelský účet") in actions  # the city coordinator's sign-in
    assert browser.find_element(By.TAG_NAME, "h1").text == "Záznam změn"
    note = browser.find_element(By.ID, "audit-count").text
    assert note == f"Nalezeno {len(rows)} záznamů."
    headers = browser.find_elements(By.CSS_SELECTOR, "#audit-grid .ag-header-cell-text")
    assert [h.text for h in headers][:3] == ["Kdy", "Uživatel", "Akce"]
    # Czech date and time in the first rendered row: 15. 3. 2026 14:05
    first = browser.find_element(By.CSS_SELECTOR, "#audit-grid .ag-row[row-index='0']")
    when = first.find_element(By.CSS_SELECTOR, "[col-id='at']").text.replace("\u00a0", " ")
    day, month, year_time = when.split(". ")
    year, time = year_time.split(" ")
    assert day.isdigit() and month.isdigit() and len(year) == 4 and len(time) == 5
    assert "Záznam změn" in browser.find_element(By.ID, "main-nav").text
    screenshot(browser, "audit-cs")
    assert console_errors(browser) == []


def test_filtering_by_action_narrows_the_grid_and_a_row_shows_its_diff(browser, live_server):
    browser.get(live_server.url + "/audit")
    everything = _rows(browser, lambda rows: len(rows) >= 15)
    _choose(browser, "audit-actions", "import dat")
    rows = _rows(browser, lambda rows: len(rows) < len(everything))
    assert [(r["action"], r["username"], r["source"]) for r in rows] == [
        ("import dat", "demo", "import")
    ]
    WebDriverWait(browser, 10).until(lambda b: "action=import" in b.current_url)
    WebDriverWait(browser, 10).until(
        ec.text_to_be_present_in_element((By.ID, "audit-count"), "Nalezen 1 záznam.")
    )
    cell = WebDriverWait(browser, 20).until(
        ec.element_to_be_clickable(
            (By.CSS_SELECTOR, "#audit-grid .ag-row[row-index='0'] [col-id='action']")
        )
    )
    cell.click()
    WebDriverWait(browser, 20).until(ec.presence_of_element_located((By.ID, "audit-diff")))
    detail = browser.find_element(By.ID, "audit-detail")
    assert f"Záznam č. {rows[0]['id']}" in detail.text
    assert "import dat" in detail.text and "demo" in detail.text
    changed = browser.find_elements(By.CSS_SELECTOR, "#audit-diff tbody tr.table-warning")
    fields = [r.find_element(By.TAG_NAME, "code").text for r in changed]
    assert "records" in fields and "new_tools" in fields  # a new run: every field is new
    assert all("(chybí)" in r.text for r in changed)  # nothing before
    browser.execute_script(  # instant: Bootstrap makes scrolling smooth (animated)
        "window.scrollTo({top: document.body.scrollHeight, behavior: 'instant'})"
    )
    screenshot(browser, "audit-detail-cs")
    # The filtered link reopens the same view.
    browser.get(live_server.url + "/audit?action=create&user=demo")
    rows = _rows(browser, lambda rows: len(rows) == 13)
    assert {r["action"] for r in rows} == {"vytvoření"}
    chosen = browser.find_elements(By.CSS_SELECTOR, "#audit-actions .dash-dropdown-value-item")
    assert [c.text for c in chosen] == ["vytvoření"]
    screenshot(browser, "audit-filtered-cs")
    assert console_errors(browser) == []


def test_nothing_on_the_page_can_be_edited(browser, live_server):
    browser.get(live_server.url + "/audit")
    _rows(browser)
    cell = WebDriverWait(browser, 20).until(
        ec.element_to_be_clickable(
            (By.CSS_SELECTOR, "#audit-grid .ag-row[row-index='0'] [col-id='username']")
        )
    )
    ActionChains(browser).double_click(cell).perform()
    cell.send_keys(Keys.ENTER)
    WebDriverWait(browser, 20).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#audit-detail dl"))
    )
    assert browser.find_elements(By.CSS_SELECTOR, "#audit-grid .ag-cell-inline-editing") == []
    assert browser.find_elements(By.CSS_SELECTOR, "#audit-grid input[type='text']") == []
    main = browser.find_element(By.ID, "main")
    # The only inputs are the filters' (period, dropdown search): no form, no button that
    # changes anything, no editable text.
    assert main.find_elements(By.TAG_NAME, "form") == []
    assert main.find_elements(By.TAG_NAME, "textarea") == []
    assert main.find_elements(By.CSS_SELECTOR, "[contenteditable='true']") == []
    buttons = [b.text for b in main.find_elements(By.CSS_SELECTOR, "button.btn")]
    assert buttons == []
    assert console_errors(browser) == []


def test_audit_in_english(browser, live_server):
    browser.get(live_server.url + "/lang/en")
    try:
        browser.get(live_server.url + "/audit")
        rows = _rows(browser, lambda rows: len(rows) >= 15)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Audit log"
        assert {"data import", "created", "signed in"} <= {r["action"] for r in rows}
        assert "Audit log" in browser.find_element(By.ID, "main-nav").text
        assert browser.find_element(By.ID, "audit-count").text.endswith("events found.")
        assert console_errors(browser) == []
    finally:
        browser.get(live_server.url + "/lang/cs")


def test_a_district_coordinator_is_refused_and_has_no_menu_link(browser, live_server):
    login(browser, live_server.url, "district-praha-14")
    try:
        nav = browser.find_element(By.ID, "main-nav")
        assert "Záznam změn" not in nav.text
        assert not nav.find_elements(By.CSS_SELECTOR, "a[href='/audit']")
        # Inside the app (client-side navigation): the page's refusal, not its content.
        browser.execute_script(
            "window.history.pushState({}, '', '/audit');"
            "window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));"
        )
        refusal = WebDriverWait(browser, 20).until(
            ec.presence_of_element_located((By.ID, "forbidden"))
        )
        assert "Sem nemáte přístup" in refusal.text
        assert browser.find_elements(By.ID, "audit-grid") == []
        screenshot(browser, "audit-forbidden-cs")
        assert console_errors(browser) == []
        # Opened directly: the server refuses the URL itself.
        browser.get(live_server.url + "/audit")
        assert "Na tuto stránku vaše role nemá přístup." in browser.page_source
        assert browser.find_elements(By.ID, "audit-grid") == []
        browser.get_log("browser")  # the 403 is logged by the browser, as expected
    finally:
        login(browser, live_server.url, "city")
