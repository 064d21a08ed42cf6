"""Leadership prints the overview (or saves it as PDF): the charts and figures, without
the navigation and buttons."""

from __future__ import annotations

import base64

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.conftest import SCREENSHOTS, login

pytestmark = pytest.mark.e2e


def test_the_overview_prints_without_the_menu(chrome, live_server):
    login(chrome, live_server.url, "leadership")
    chrome.get(live_server.url + "/")
    WebDriverWait(chrome, 60).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#overview-map .js-plotly-plot"))
    )
    navbar = chrome.find_element(By.CSS_SELECTOR, "nav.navbar")
    assert navbar.is_displayed()
    chrome.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not navbar.is_displayed()
        assert chrome.find_element(By.ID, "overview-kpis").is_displayed()
        pdf = base64.b64decode(
            chrome.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})["data"]
        )
    finally:
        chrome.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "overview-print.pdf").write_bytes(pdf)
