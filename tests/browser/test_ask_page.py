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
