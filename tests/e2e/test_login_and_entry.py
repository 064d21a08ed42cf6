"""Sign-in and data entry in a real browser against gunicorn: the login flow (redirect,
wrong password, menu by role, sign-out), and a district coordinator entering an activity
that the engagement charts then include."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.e2e.conftest import console_errors, login, screenshot
from tests.e2e.test_engagement import _charts, _total
from tests.helpers import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

PRAHA_14 = 547361


def _wait(driver, locator, timeout: float = 30):
    return WebDriverWait(driver, timeout).until(ec.presence_of_element_located(locator))


def _nav(driver) -> list[str]:
    _wait(driver, (By.ID, "main-nav"))
    return [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#main-nav > .nav-item > a")]


def test_login_flow_and_menus_by_role(chrome, live_server):
    chrome.get(live_server.url + "/login")  # leave any page of an earlier (stopped) server
    chrome.delete_all_cookies()  # signed out (cookies are per host: this server's)
    chrome.get_log("browser")
    chrome.get(live_server.url + "/engagement")
    _wait(chrome, (By.ID, "login-form"))
    assert "/login?next=/engagement" in chrome.current_url
    screenshot(chrome, "login")
    chrome.find_element(By.ID, "username").send_keys("city")
    chrome.find_element(By.ID, "password").send_keys("not the password")
    chrome.find_element(By.ID, "login-submit").click()
    error = _wait(chrome, (By.ID, "login-error"))
    assert error.text == "Nesprávné uživatelské jméno nebo heslo."
    chrome.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    chrome.find_element(By.ID, "login-submit").click()
    badge = _wait(chrome, (By.ID, "current-user"))
    assert chrome.current_url.endswith("/engagement")  # back where the user wanted to go
    assert badge.text.startswith("city (městský koordinátor")
    city_menu = _nav(chrome)
    assert {"Přehled", "Zapojení", "Zadání dat", "Záznam změn"} <= set(city_menu)
    assert console_errors(chrome) == []

    chrome.find_element(By.CSS_SELECTOR, "#logout-form button").click()
    _wait(chrome, (By.ID, "login-form"))
    chrome.get(live_server.url + "/entry")
    _wait(chrome, (By.ID, "login-form"))  # signed out: back to the form

    login(chrome, live_server.url, "leadership")
    leadership_menu = _nav(chrome)
    assert "Přehled" in leadership_menu and "Stáhnout data" in leadership_menu
    assert not {"Zapojení", "Zadání dat", "Záznam změn", "Kvalita dat"} & set(leadership_menu)
    chrome.get(live_server.url + "/entry")
    assert "Na tuto stránku vaše role nemá přístup" in chrome.page_source
    screenshot(chrome, "leadership-refused")


def test_a_district_coordinator_enters_an_activity_and_the_charts_include_it(chrome, live_server):
    chrome.get("about:blank")
    login(chrome, live_server.url, "district-praha-14")
    chrome.get_log("browser")  # drop what an earlier test left
    march = f"/engagement?districts={PRAHA_14}&from=2026-03-01&to=2026-03-31"
    chrome.get(live_server.url + march)
    before = _charts(chrome)
    participants_before = _total(before["engagement-monthly"], "y")

    chrome.get(live_server.url + "/entry")
    district = _wait(chrome, (By.ID, "entry-district"))
    assert Select(district).first_selected_option.text == "Praha 14"
    assert not district.is_enabled()  # fixed to the coordinator's own district

    def field(name):
        return chrome.find_element(
            By.CSS_SELECTOR,
            f'[id*=\'"field":"{name}"\'][id*=\'"form":"activity"\'][id*="entry-input"]',
        )

    WebDriverWait(chrome, 30).until(lambda d: len(Select(field("project_id")).options) > 1)
    Select(field("project_id")).select_by_index(1)
    field("date").send_keys("15. 3. 2026")
    Select(field("activity")).select_by_visible_text("Dílna")
    Select(field("channel")).select_by_visible_text("Prezenčně")
    field("participants").send_keys("40")
    field("youth_participants").send_keys("50")
    chrome.find_element(By.ID, "entry-activity-save").click()
    error = _wait(chrome, (By.ID, "entry-error"))
    assert "Počet mládeže (50) je vyšší než počet účastníků (40)" in error.text
    assert "is-invalid" in field("youth_participants").get_attribute("class")
    # The reason also stands under the field, and the field's label is tied to it.
    feedback = chrome.find_element(
        By.CSS_SELECTOR, '[id*=\'"field":"youth_participants"\'][id*="entry-feedback"]'
    )
    assert feedback.is_displayed() and "vyšší než počet účastníků" in feedback.text
    label_for = field("participants").get_attribute("id")
    assert chrome.find_elements(By.CSS_SELECTOR, f"label[for='{label_for}']")

    field("youth_participants").clear()
    field("youth_participants").send_keys("12")
    chrome.find_element(By.ID, "entry-activity-save").click()
    success = _wait(chrome, (By.ID, "entry-success"))
    assert "Uloženo: aktivita z 15. 3. 2026" in success.text
    screenshot(chrome, "entry-saved")
    assert console_errors(chrome) == []

    chrome.get(live_server.url + march)
    after = _charts(chrome)
    assert _total(after["engagement-monthly"], "y") == participants_before + 40
