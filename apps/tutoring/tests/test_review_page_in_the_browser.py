"""The whole flow in Chromium: add a student, upload a page, watch the explanation stream, correct the formulas,
hear it read aloud, approve, and download the worksheet."""

from __future__ import annotations

import subprocess

import httpx
import pytest

from core.models import Role
from tests.fixtures.browser import logged_in_page
from tests.fixtures.live_app import start_app_server, stop_app_server
from tests.fixtures.people import PASSWORD, make_user
from tests.images import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.engine, pytest.mark.django_db(transaction=True)]

# Headless Chromium has no voices: record what the page asks the speech API to say instead of speaking it.
SPEECH_RECORDER = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = (u) => window.__spoken.push({ text: u.text, lang: u.lang });
  window.speechSynthesis.cancel = () => {};
}
"""
VALID = "\\frac{3}{4} + x^{2}"
INVALID = "\\frac{1}{"
SCRIPT = "我们一起看第一步：三要从两边减去。"

# The page may pass through "running with text" between two animation frames on a busy machine: record every
# state the DOM takes instead of polling for it.
LIVE_RECORDER = """
window.__sawLiveExplanation = false;
new MutationObserver(() => {
  const status = document.getElementById('explain-status');
  const live = document.getElementById('explanation-live');
  if (status && live && status.textContent.startsWith('Running') && live.textContent.length > 0) {
    window.__sawLiveExplanation = true;
  }
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


@pytest.fixture(scope="module")
def live_app(engine, django_db_setup, django_db_blocker):
    """One run at a time, so the explanation waits behind another run while the page is already watching it."""
    app = start_app_server(engine.url, extra_env={"RUNS_MAX_IN_FLIGHT": "1"})
    yield app
    stop_app_server(app)


@pytest.fixture
def owner(team):
    return make_user("olivia", team, role=Role.TEACHER, is_staff=True)  # staff may fix an answer's length


def queue_a_long_run(app_url: str, username: str) -> None:
    token = httpx.post(f"{app_url}/api/auth/token/", json={"username": username, "password": PASSWORD}).json()
    api = httpx.Client(base_url=app_url, headers={"Authorization": f"Token {token['token']}"}, timeout=30)
    photo = api.post("/api/photos/", files={"files": ("desk.jpg", jpeg_bytes(320, 240, seed=33))}).json()
    body = {"photos": [photo["photos"][0]["sha256"]], "question": "Describe it.", "max_tokens": 1500}
    assert api.post("/api/runs/create/", json={**body, "ignore_eos": True}).status_code in (201, 202)  # 202: queued


def add_student(page) -> None:
    page.goto("/tutoring/")
    page.fill("#student-name", "Li Wei")
    page.select_option("#student-grade", "8")
    page.select_option("#student-language", "zh-CN")
    page.click("#student-form button[type=submit]")
    page.locator("#student-list", has_text="Li Wei").wait_for()


def submit_page(page, tmp_path) -> None:
    photo = tmp_path / "homework.jpg"
    photo.write_bytes(jpeg_bytes(900, 1200, seed=31))
    assert page.input_value("#submission-language") == "zh-CN", "the student's language is the default"
    page.set_input_files("#page-input", str(photo))
    page.locator("#page-list li.ready").wait_for(timeout=15000)
    page.click("#submit-button")
    page.wait_for_url("**/tutoring/submissions/*/", timeout=15000)


def correct_the_formulas(page) -> None:
    page.click("#edit-button")
    for text, latex in (("Valid", VALID), ("Invalid", INVALID)):
        page.click("#add-step")
        row = page.locator("#edit-steps > li").last
        row.locator(".edit-text").fill(text)
        row.locator(".edit-latex").fill(latex)
    page.locator("#edit-steps > li").nth(-2).locator("input[type=radio]").check()
    page.fill("#edit-read-aloud", SCRIPT)
    page.click("#save-edit")
    page.locator("#edit-form").wait_for(state="hidden")


def test_a_teacher_reviews_an_explained_homework_page_end_to_end(browser, live_app, owner, tmp_path):
    page = logged_in_page(browser, live_app.url, owner.username)
    page.add_init_script(SPEECH_RECORDER)
    page.add_init_script(LIVE_RECORDER)
    add_student(page)
    submit_page(page, tmp_path)
    queue_a_long_run(live_app.url, owner.username)  # starts after the transcription, before the explanation

    # The explanation streams: text shows while its run is still running, then the submission is ready.
    page.wait_for_function("() => document.getElementById('state').textContent === 'Ready for review'", timeout=180000)
    assert page.evaluate("() => window.__sawLiveExplanation"), "the explanation was shown while it was written"
    assert page.locator("#explanation").is_visible() and page.locator("#mistake-title").inner_text()
    data = page.evaluate("() => window.TutoringReview.data")
    with_boxes = [s for s in data["transcription"]["steps"] if s["bbox_2d"]]
    assert page.locator("#pages .box").count() == len(with_boxes)

    model_script = data["explanation"]["read_aloud"] or data["explanation"]["explanation"]
    if model_script:  # the tiny model may write nothing to read
        page.click("#read-aloud")
        assert page.evaluate("() => window.__spoken.splice(0)") == [{"text": model_script, "lang": "zh-CN"}]

    correct_the_formulas(page)
    steps = page.locator("#steps > li")
    valid, invalid = steps.nth(-2), steps.nth(-1)
    assert valid.locator(".formula .katex").count() == 1, "valid LaTeX is rendered by KaTeX"
    assert invalid.locator(".katex").count() == 0
    assert invalid.locator(".formula.latex-source").text_content() == INVALID, "invalid LaTeX shows as written"
    assert "wrong" in (valid.get_attribute("class") or "") and page.locator("#mistake-title").inner_text().endswith(
        str(steps.count() - 1)
    )

    page.click("#read-aloud")
    assert page.evaluate("() => window.__spoken") == [{"text": SCRIPT, "lang": "zh-CN"}]

    page.click("#approve-button")
    page.wait_for_function("() => document.getElementById('state').textContent === 'Approved'")
    with page.expect_download() as download:
        page.click("#worksheet-link")
    pdf = tmp_path / "worksheet.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "练习单: Li Wei" in text and f"Approved by {owner.username}" in text and "3/4" in text
