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
    # [people] 2: the chip opens the cited page with its quote highlighted; public needs no token.
    assert "/v1/documents/2024-07-somerset-council-productivity-plan/pages/2/view?quote=" in href
    assert "token=" not in href
    browser.save_screenshot(str(SHOTS / "answer-desktop.png"))

    thumbs = browser.find_element(By.CSS_SELECTOR, ".turn .thumb.up")
    thumbs.click()
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".turn .thanks"), "Thank you"))

    before = set(browser.window_handles)
    chip.click()
    wait.until(lambda d: len(d.window_handles) > len(before))
    browser.switch_to.window((set(browser.window_handles) - before).pop())
    wait.until(lambda d: "/view" in d.current_url)
    assert browser.current_url == href
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "svg.page .highlight")))


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


def test_the_answer_card_states_the_filters_in_force(api: str, browser) -> None:
    """A narrowed search must not pass for the whole story: the card says which filters applied."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(api + "/")
    wait = WebDriverWait(browser, 60)
    browser.find_element(By.CSS_SELECTOR, "#filters summary").click()
    wait.until(ec.element_to_be_clickable((By.ID, "since"))).send_keys("2016")
    browser.find_element(By.ID, "until").send_keys("2019")
    browser.find_element(By.ID, "question").send_keys(
        "What was Pioneer Somerset's savings target?", Keys.ENTER
    )
    line = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".turn .in-force")))
    assert line.text == "Filters: 2016–2019"


# -- [people] acceptance 1 and 2 -----------------------------------------------------------------------

AXE = REPO / "tests" / "web" / "node_modules" / "axe-core" / "axe.min.js"
STAFF_DOC = "2008-11-14-pioneer-somerset-update-report"
LINK_SECRET = "a-link-secret-for-the-browser-tests-0123456789"
# Table 5 of the update report, page 14: the row label wraps over four lines beside seven cells.
ROW_QUESTION = "What was SDC's efficiency target by 2010-11 (NI 179)?"
ROW = "Efficiency Target by 2010-11 (NI 179) 36,609 1,916 1,906 2,536 1,889 941 45,797"
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def staff_api(index_copy_module, embedder):
    """The API on a corpus whose Pioneer update report is staff-only, with a staff key."""
    from pydantic import SecretStr

    from assistant.api.app import create_app
    from assistant.service import Assistant
    from tests.assistant.api.conftest import STAFF_KEY
    from tests.conftest import set_audiences
    from tests.servers import running

    set_audiences(index_copy_module, embedder, {STAFF_DOC: "staff"})
    settings = index_copy_module.model_copy(
        update={
            "api_keys": {STAFF_KEY: "staff"},
            "rate_limit_per_minute": 100_000,
            "link_secret": SecretStr(LINK_SECRET),
        }
    )
    with running(
        create_app(settings, assistant=Assistant.from_settings(settings, embedder=embedder))
    ) as base:
        yield base, settings


def _axe_violations(browser) -> list[str]:
    """axe-core's serious and critical violations of the page as it is now (axe is injected by the
    test from tests/web/node_modules, never served by the app)."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci --prefix tests/web` (make test does)")
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    browser.set_script_timeout(60)
    found = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => [v.impact, v.id, v.nodes.map(n => n.target.join(' '))])))"
        ".catch(e => done([['error', String(e), []]]));"
    )
    return [f"{impact} {rule}: {nodes}" for impact, rule, nodes in found if impact in (*SERIOUS, "error")]


def test_a_staff_chip_opens_the_page_with_the_table_row_highlighted_until_the_link_expires(
    staff_api, browser
) -> None:
    import httpx
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from assistant.links import LinkSigner
    from tests.assistant.api.conftest import STAFF_KEY
    from tests.conftest import CORPUS
    from tests.pdfwords import Rect, quote_words

    base, _ = staff_api
    wait = WebDriverWait(browser, 90)
    browser.get(base + "/")
    browser.find_element(By.CSS_SELECTOR, "#filters summary").click()
    key_box = wait.until(ec.element_to_be_clickable((By.ID, "api-key")))
    key_box.send_keys(STAFF_KEY, Keys.TAB)  # "change" stores the key for the page's requests
    box = browser.find_element(By.ID, "question")
    box.send_keys(ROW_QUESTION, Keys.ENTER)
    chip = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".turn .chip")))
    href = chip.get_attribute("href") or ""
    assert f"/v1/documents/{STAFF_DOC}/pages/14/view?" in href and "token=" in href
    assert chip.text.startswith("[1] Pioneer Somerset")  # a space after the marker
    # Without the token the same page is not there for a keyless browser, as before.
    assert httpx.get(href.split("?", 1)[0], timeout=30).status_code == 404

    before = set(browser.window_handles)
    chip.click()
    wait.until(lambda d: len(d.window_handles) > len(before))
    browser.switch_to.window((set(browser.window_handles) - before).pop())
    page = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "svg.page")))
    rects = page.find_elements(By.CSS_SELECTOR, ".highlight")
    assert rects, "no highlight on the page"
    assert "Highlighted:" in browser.find_element(By.CSS_SELECTOR, ".quote").text
    assert ROW in browser.find_element(By.CSS_SELECTOR, ".quote q").text
    # The page image is there: the browser fetched it with the link's token.
    image_ok = browser.execute_script(
        "return fetch(document.querySelector('svg.page image').getAttribute('href'))"
        ".then(r => r.status + ' ' + r.headers.get('content-type'))"
    )
    assert image_ok == "200 image/png"
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "highlight-table-row.png"))

    # The highlight covers the row's words where poppler, an independent reader, puts them.
    boxes = [Rect(*(float(x) for x in (r.get_attribute("data-box") or "").split(","))) for r in rects]
    words = quote_words(CORPUS / f"{STAFF_DOC}.pdf", 14, ROW)
    assert len(words) == 13
    uncovered = [w for w in words if sum(b.overlap(w) for b in boxes) < 0.6 * w.area]
    assert uncovered == []
    assert all(any(b.overlap(w) > 0 for w in words) for b in boxes)  # and only them
    # On screen too: each drawn box lies over the image, scaled with it.
    drawn = browser.execute_script(
        "const svg = document.querySelector('svg.page').getBoundingClientRect();"
        "return [...document.querySelectorAll('svg.page .highlight')].map(r => {"
        "  const b = r.getBoundingClientRect();"
        "  return b.width > 0 && b.left >= svg.left && b.right <= svg.right + 1; });"
    )
    assert drawn and all(drawn)

    # The same link once expired: a link made with the server's secret whose expiry has passed.
    query = href.split("?", 1)[1]
    token = next(p.split("=", 1)[1] for p in query.split("&") if p.startswith("token="))
    expires = int(token.split(".", 1)[0])
    expired = LinkSigner(LINK_SECRET.encode(), 1).token(STAFF_DOC, 14, expires=expires - 10**6)
    stale = href.replace(token, expired)
    refused = httpx.get(stale, timeout=30)
    assert refused.status_code == 403 and "expired" in refused.text
    browser.get(stale)
    assert "expired" in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    pdf_link = f"{base}/v1/documents/{STAFF_DOC}/file?page=14&token={expired}"
    assert httpx.get(pdf_link, timeout=30).status_code == 403
    assert httpx.get(pdf_link.replace(expired, token), timeout=30).status_code == 200


def test_starters_documents_a_kept_conversation_feedback_and_no_serious_accessibility_issue(
    api: str, browser
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 90)
    browser.get(api + "/")
    starter = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#starters .starter")))
    questions = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#starters .starter")]
    assert "What was Pioneer Somerset's savings target?" in questions and len(questions) >= 3
    docs = browser.find_elements(By.CSS_SELECTOR, "#documents .document-list a")
    assert len(docs) == 5 and all("/file" in (a.get_attribute("href") or "") for a in docs)
    assert _axe_violations(browser) == []  # the empty page
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "starters-empty.png"))

    starter = next(
        b
        for b in browser.find_elements(By.CSS_SELECTOR, "#starters .starter")
        if b.text == "What was Pioneer Somerset's savings target?"
    )
    starter.click()
    answer = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".turn .answer"))).text
    assert "£20" in answer
    assert not browser.find_element(By.ID, "starters").is_displayed()
    conversation_id = browser.execute_script("return sessionStorage.getItem('assistant-conversation')")
    assert conversation_id and conversation_id.startswith("c")

    # Icons are drawn, not emoji: nothing on the page needs an emoji font.
    page_text = browser.find_element(By.TAG_NAME, "body").text
    assert not [ch for ch in page_text if 0x1F000 <= ord(ch) <= 0x1FAFF or 0x2600 <= ord(ch) <= 0x27BF]
    assert browser.find_elements(By.CSS_SELECTOR, ".turn .thumb svg.icon")

    # Not helpful asks what was wrong; the comment goes with the rating.
    assert not browser.find_element(By.CSS_SELECTOR, ".turn .comment").is_displayed()
    browser.find_element(By.CSS_SELECTOR, ".turn .thumb.down").click()
    comment = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".turn .comment textarea")))
    assert _axe_violations(browser) == []  # a turn with the comment box open
    comment.send_keys("It should give the year as well.")
    browser.find_element(By.CSS_SELECTOR, ".turn .comment button[type=submit]").click()
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".turn .thanks"), "Thank you"))
    assert not browser.find_element(By.CSS_SELECTOR, ".turn .comment").is_displayed()
    browser.find_element(By.CSS_SELECTOR, ".turn .copy").click()
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".turn .copied"), "copied"))

    browser.refresh()  # the conversation is kept across a reload
    kept = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".turn .answer")))
    assert kept.text == answer
    assert browser.find_element(By.CSS_SELECTOR, ".turn .question").text == (
        "What was Pioneer Somerset's savings target?"
    )
    assert not browser.find_element(By.ID, "starters").is_displayed()
    # a follow-up continues the same conversation
    box = browser.find_element(By.ID, "question")
    box.send_keys("And by when?")
    browser.find_element(By.ID, "ask-button").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".turn .answer")) == 2)
    assert not [c for c in browser.find_elements(By.CSS_SELECTOR, ".turn .comment") if c.is_displayed()]
    same = browser.execute_script("return sessionStorage.getItem('assistant-conversation')")
    assert same == conversation_id
    assert _axe_violations(browser) == []
    browser.save_screenshot(str(SHOTS / "conversation-kept.png"))

    # New conversation: empty again, with the starters back.
    browser.find_element(By.ID, "new-conversation").click()
    assert not browser.find_elements(By.CSS_SELECTOR, ".turn")
    assert browser.find_element(By.ID, "starters").is_displayed()


def test_a_share_link_asks_its_question_for_whoever_opens_it(api: str, browser) -> None:
    from urllib.parse import quote

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 90)
    browser.get(api + "/?q=" + quote("What was Pioneer Somerset's savings target?"))
    answer = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".turn .answer")))
    assert "£20" in answer.text
    assert browser.current_url.rstrip("/") == api  # the question is not asked again on reload
    browser.find_element(By.CSS_SELECTOR, ".turn .share").click()
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".turn .copied"), "Link copied"))
