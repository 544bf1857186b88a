"""The generic page in Chromium: upload, see the photo ready at once, ask, watch the answer stream, see history."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import logged_in_page
from tests.images import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.engine, pytest.mark.django_db(transaction=True)]


def test_a_person_asks_about_a_photo_and_watches_the_answer_stream(browser, live_app, owner, tmp_path):
    photo = tmp_path / "pump.jpg"
    photo.write_bytes(jpeg_bytes(1024, 768, seed=21))
    page = logged_in_page(browser, live_app.url, owner.username)
    page.goto("/ask/")
    page.set_input_files("#photo-input", str(photo))
    ready = page.locator("#photo-list li.ready")
    ready.wait_for(timeout=15000)
    assert "1024×768 px" in ready.inner_text() and "Ready" in ready.inner_text()
    assert page.locator("#photo-list img").evaluate("img => img.complete && img.naturalWidth > 0")

    page.fill("#question", "What does the gauge read?")
    page.check("input[name=length][value=deep]")
    page.click("#ask-button")
    # Text appears while the run is still running: streaming, not a single final write.
    page.wait_for_function(
        "() => document.getElementById('answer').textContent.length > 0"
        " && document.getElementById('run-status').textContent.startsWith('Running')",
        timeout=60000,
    )
    page.wait_for_function("() => document.getElementById('run-status').textContent === 'Done'", timeout=120000)
    assert "tokens in/out" in page.inner_text("#run-meta")

    page.goto("/ask/")
    history = page.locator("#run-history")
    assert "What does the gauge read?" in history.inner_text() and "Done" in history.inner_text()
    history.locator("a").first.click()
    assert page.locator("#run-status").inner_text() == "Done"
    assert len(page.inner_text("#answer")) > 0


def test_the_photo_detail_chosen_on_the_page_is_what_the_engine_sees(browser, live_app, owner, tmp_path):
    from core.models import Run

    photo = tmp_path / "hall.jpg"
    photo.write_bytes(jpeg_bytes(1920, 1080, seed=22))
    page = logged_in_page(browser, live_app.url, owner.username)
    page.goto("/ask/")
    page.check("input[name=detail][value=overview]")
    page.set_input_files("#photo-input", str(photo))
    page.locator("#photo-list li.ready").wait_for(timeout=15000)
    page.fill("#question", "What room is this?")
    page.click("#ask-button")
    page.wait_for_function("() => document.getElementById('run-status').textContent === 'Done'", timeout=120000)

    run = Run.objects.get(params__fields__question="What room is this?")
    assert run.params["image_tokens"] == 256
    assert run.prompt_tokens < 256 + 150, "the engine got the overview-sized photo, not the full one"
