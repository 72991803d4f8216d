"""[api] acceptance 2: the web page in a real headless Chromium against a real uvicorn."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.integration]

SHOTS = REPO / "artefacts" / "browser"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


@pytest.fixture()
def browser(tmp_path: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.fail("Debian's chromium and chromium-driver are needed (make test installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1000"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def test_ask_see_chips_and_open_the_pdf_at_the_page(api: str, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.get(api + "/")
    wait = WebDriverWait(browser, 60)
    box = wait.until(ec.element_to_be_clickable((By.ID, "question")))
    assert browser.find_element(By.CSS_SELECTOR, "label[for=question]").text == "Your question"
    box.send_keys("What does assessing young people before they turn 18 save?", Keys.ENTER)  # keyboard only
    chip = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".turn .chip")))
    answer = browser.find_element(By.CSS_SELECTOR, ".turn .answer").text
    assert "£500 per person, per week" in answer and "[1]" in answer
    assert "p.2" in chip.text and "Productivity Plan" in chip.text
    # [answer] 7: the answer text shows the quote, so the chip does not show it a second time.
    assert answer.count("£500 per person, per week") == 1 and "£500" not in chip.text
    href = chip.get_attribute("href") or ""
    assert href.endswith("/v1/documents/2024-07-somerset-council-productivity-plan/file#page=2")
    browser.save_screenshot(str(SHOTS / "answer-desktop.png"))

    thumbs = browser.find_element(By.CSS_SELECTOR, ".turn .thumb.up")
    thumbs.click()
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".turn .thanks"), "Thank you"))

    before = set(browser.window_handles)
    chip.click()
    wait.until(lambda d: len(d.window_handles) > len(before))
    browser.switch_to.window((set(browser.window_handles) - before).pop())
    wait.until(lambda d: "/file" in d.current_url)
    assert browser.current_url == href


def test_the_page_fits_a_phone_and_abstains_visibly(api: str, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.set_window_size(390, 844)
    browser.get(api + "/")
    wait = WebDriverWait(browser, 60)
    wait.until(ec.element_to_be_clickable((By.ID, "question"))).send_keys(
        "Who chaired the Pioneer Somerset Board?"
    )
    browser.find_element(By.ID, "ask-button").click()
    answer = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".turn .answer.abstained")))
    assert answer.text == "I could not find this in the documents."
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    for control in ("question", "council", "since", "until", "api-key"):
        assert browser.find_elements(By.CSS_SELECTOR, f"label[for='{control}']"), control
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "abstain-phone.png"))
