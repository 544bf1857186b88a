"""What a person sees when the engine is down as they ask: the question is kept, the page says it waits for the
engine, and the answer streams in once the engine is back; nothing to retype, nothing to reload."""

from __future__ import annotations

import pytest

from core.models import Run, RunStatus
from tests.fixtures.browser import logged_in_page
from tests.fixtures.live_app import start_app_server, stop_app_server
from tests.images import jpeg_bytes
from tests.reliability.engine_proxy import EngineProxy

pytestmark = [pytest.mark.browser, pytest.mark.engine, pytest.mark.django_db(transaction=True)]


def test_a_question_asked_while_the_engine_is_down_says_so_and_is_answered_when_it_is_back(
    browser, engine, owner, tmp_path
):
    proxy = EngineProxy(engine.url)  # switched off: the engine is "restarting"
    app = start_app_server(proxy.url)
    photo = tmp_path / "pump.jpg"
    photo.write_bytes(jpeg_bytes(640, 480, seed=161))
    try:
        page = logged_in_page(browser, app.url, owner.username)
        assert "not reachable" in page.inner_text("body")  # the banner: engine down, questions are kept
        page.goto("/ask/")
        page.set_input_files("#photo-input", str(photo))
        page.locator("#photo-list li.ready").wait_for(timeout=30000)
        page.fill("#question", "Is the pump running?")
        page.click("#ask-button")

        status = page.locator("#run-status")
        status.filter(has_text="Waiting for the model engine").wait_for(timeout=30000)
        assert Run.objects.get().status == RunStatus.RUNNING

        proxy.up()
        page.wait_for_function("document.getElementById('run-status').textContent === 'Done'", timeout=120000)
        assert page.inner_text("#answer").strip()
        run = Run.objects.get()
        assert run.status == RunStatus.DONE and run.error == "" and run.attempts == 1
    finally:
        stop_app_server(app)
        proxy.close()
