"""Kvalita dat / data quality in a real browser: the last import, its rejected rows, the
districts' freshness, with local assets only; the language switch."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.conftest import console_errors, screenshot

pytestmark = pytest.mark.e2e


def test_data_quality_shows_the_import_and_freshness_with_no_console_errors(browser, live_server):
    browser.get(live_server.url + "/data-quality")
    WebDriverWait(browser, 30).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#freshness-table tbody tr"))
    )
    rows = browser.find_elements(By.CSS_SELECTOR, "#freshness-table tbody tr")
    assert len(rows) == 10  # the pilot districts, each imported just now
    assert all(r.find_elements(By.TAG_NAME, "td")[3].text == "aktuální" for r in rows)
    assert "Praha-Lipence" in {r.find_elements(By.TAG_NAME, "td")[0].text for r in rows}
    assert "data base © IPR Prague" in browser.find_element(By.TAG_NAME, "footer").text
    # Bootstrap is served locally and applied (the striped table has a computed style).
    navbar_bg = browser.find_element(By.CSS_SELECTOR, "nav.navbar").value_of_css_property(
        "background-color"
    )
    assert navbar_bg == "rgba(33, 37, 41, 1)"
    assert "Ukázková data" in browser.find_element(By.ID, "demo-banner").text
    counts = browser.find_element(By.ID, "import-counts").text
    assert "Projekty" in counts and "300" in counts and "6" in counts
    rejected = browser.find_elements(By.CSS_SELECTOR, "#rejected-rows tbody tr")
    assert len(rejected) == 19  # the sample inbox's deliberately bad rows, with reasons
    assert any("je před datem zahájení" in r.text for r in rejected)
    assert not any("nan" in r.text.split() or "(nan)" in r.text for r in rejected)
    screenshot(browser, "data-quality-cs")
    assert console_errors(browser) == []


def test_language_switch_is_remembered_per_browser(browser, live_server):
    browser.delete_cookie("lang")  # a fresh language choice; still signed in
    browser.get(live_server.url + "/data-quality")
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "lang-switch")))
    nav = browser.find_element(By.ID, "main-nav").text
    assert "Přehled" in nav and "Kvalita dat" in nav
    browser.find_element(By.ID, "lang-switch").click()
    WebDriverWait(browser, 30).until(
        ec.text_to_be_present_in_element((By.ID, "main-nav"), "Overview")
    )
    assert browser.current_url.endswith("/data-quality")  # back where the user was
    assert "Data quality" in browser.find_element(By.ID, "main-nav").text
    assert "Demo data" in browser.find_element(By.ID, "demo-banner").text
    assert "Rejected rows" in browser.find_element(By.ID, "main").text
    assert any(
        "is before the start date" in r.text
        for r in browser.find_elements(By.CSS_SELECTOR, "#rejected-rows tbody tr")
    )
    screenshot(browser, "data-quality-en")
    # Remembered: a new visit opens in English.
    browser.get(live_server.url + "/")
    WebDriverWait(browser, 30).until(
        ec.text_to_be_present_in_element((By.ID, "main-nav"), "Overview")
    )
    browser.find_element(By.ID, "lang-switch").click()
    WebDriverWait(browser, 30).until(
        ec.text_to_be_present_in_element((By.ID, "main-nav"), "Přehled")
    )
    assert console_errors(browser) == []
