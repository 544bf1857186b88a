"""In a real Chromium: hostile text from the model (and from the person asking) never runs as script.

Three ways in: runs stored with hostile text (every core page that shows them), a question carrying a script sent
through the real engine, and an engine whose streamed answer itself is hostile (through the real client,
executor, websocket and page). In each, no dialog opens and `window.__pwned` stays undefined.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from core.models import RunStatus
from tests.fixtures.browser import logged_in_page
from tests.fixtures.live_app import start_app_server, stop_app_server
from tests.images import jpeg_bytes
from tests.reliability.scripted_engine import ScriptedEngine
from tests.security.test_model_output_is_inert_in_pages import hostile_run
from tests.security.untrusted_text import HOSTILE_TEXT, PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.engine, pytest.mark.django_db(transaction=True)]
INJECTED = "css=svg[onload], img[onerror], iframe[srcdoc], a[href^='javascript:' i]"


def watched(page: Page) -> list[str]:
    """Every dialog the page tries to open (alert, confirm, prompt) is recorded and dismissed."""
    dialogs: list[str] = []

    def record(dialog) -> None:  # type: ignore[no-untyped-def]
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return dialogs


def assert_inert(page: Page, dialogs: list[str]) -> None:
    page.wait_for_timeout(300)  # let any injected handler fire (image errors, svg loads)
    assert dialogs == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator(INJECTED).count() == 0


def ask(page: Page, tmp_path, question: str) -> None:
    photo = tmp_path / "gauge.jpg"
    photo.write_bytes(jpeg_bytes(640, 480, seed=141))
    page.goto("/ask/")
    page.set_input_files("#photo-input", str(photo))
    page.locator("#photo-list li.ready").wait_for(timeout=30000)
    page.fill("#question", question)
    page.click("#ask-button")


def test_stored_hostile_runs_are_shown_as_text_on_every_core_page(browser, live_app, owner, team, admin_user):
    done, failed = hostile_run(owner, team), hostile_run(owner, team, RunStatus.FAILED)
    page = logged_in_page(browser, live_app.url, owner.username)
    dialogs = watched(page)

    for url in (f"/runs/{done.id}/", f"/runs/{failed.id}/", "/ask/", "/"):
        page.goto(url)
        assert_inert(page, dialogs)
    page.goto(f"/runs/{failed.id}/")
    assert page.inner_text("#answer").strip() == HOSTILE_TEXT.strip()
    assert PAYLOADS[0] in page.inner_text("#run-error")

    admin = logged_in_page(browser, live_app.url, admin_user.username)
    admin_dialogs = watched(admin)
    for url in ("/admin/core/run/", f"/admin/core/run/{failed.id}/change/"):
        admin.goto(url)
        assert_inert(admin, admin_dialogs)


def test_a_question_carrying_a_script_goes_through_the_real_engine_and_stays_text(browser, live_app, owner, tmp_path):
    question = "<script>alert(1)</script><img src=x onerror=alert(2)> What does the gauge read?"
    page = logged_in_page(browser, live_app.url, owner.username)
    dialogs = watched(page)

    ask(page, tmp_path, question)
    page.wait_for_function("document.getElementById('run-status').textContent === 'Done'", timeout=120000)
    assert_inert(page, dialogs)
    page.goto("/ask/")
    assert question in page.inner_text("#run-history")
    assert_inert(page, dialogs)
    page.locator("#run-history a").first.click()
    page.wait_for_load_state()
    assert question in page.inner_text(".question")
    assert_inert(page, dialogs)


def test_a_hostile_answer_streamed_by_the_engine_is_shown_as_text(browser, owner, tmp_path):
    engine = ScriptedEngine(HOSTILE_TEXT, piece_chars=5, piece_delay_s=0.02)
    app = start_app_server(engine.url)
    try:
        page = logged_in_page(browser, app.url, owner.username)
        dialogs = watched(page)
        ask(page, tmp_path, "What does the gauge read?")
        page.wait_for_function("document.getElementById('run-status').textContent === 'Done'", timeout=60000)
        assert page.inner_text("#answer").strip() == HOSTILE_TEXT.strip()
        assert_inert(page, dialogs)
        page.click("#run-link")
        page.wait_for_load_state()
        assert page.inner_text("#answer").strip() == HOSTILE_TEXT.strip()
        assert_inert(page, dialogs)
    finally:
        stop_app_server(app)
        engine.close()
    assert len(engine.requests) == 1
