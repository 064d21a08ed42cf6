"""Real browser tests: headless Chromium (Debian's) driven by selenium, against gunicorn.

In CI (``CI=true``) a missing Chromium or chromedriver fails; elsewhere it skips.
Screenshots go to ``test-output/screenshots/`` for reviewers.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.helpers import DEMO_PASSWORD, Server, add_demo_accounts

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--window-size=1280,1000",
)


def _find(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chrome():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = _find("chromium", "chromium-browser", "google-chrome")
    driver_path = _find("chromedriver")
    if not binary or not driver_path:
        message = "Chromium and chromedriver are needed (apt-get install chromium chromium-driver)"
        if IN_CI:
            pytest.fail(message + " — CI=true: a missing browser is a failure")
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture
def browser(chrome, live_server):
    """The browser signed in as the city coordinator (who may open every page)."""
    login(chrome, live_server.url, "city")
    chrome.get_log("browser")  # drop what an earlier test left
    yield chrome


def login(driver, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real /login form (a fresh session)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(base_url + "/login")
    driver.delete_all_cookies()  # a fresh session (cookies are per host: this server's)
    driver.get(base_url + "/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()
    WebDriverWait(driver, 20).until(EC.presence_of_element_located((By.ID, "current-user")))


def console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def screenshot(driver, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, sqlite_template):
    """The app under gunicorn on SQLite with reference data and the sample inbox imported."""
    from etl.pipeline import run_etl
    from koordinace.settings import SAMPLE_INBOX

    path = tmp_path_factory.mktemp("e2e") / "koordinace.db"
    shutil.copyfile(sqlite_template, path)
    run_etl(SAMPLE_INBOX, url=f"sqlite:///{path}", triggered_by="demo")
    add_demo_accounts(f"sqlite:///{path}")
    with Server(f"sqlite:///{path}", workers=2) as srv:
        yield srv
