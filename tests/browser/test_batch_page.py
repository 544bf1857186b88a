"""Batches in Chromium: start one from photos or a zip, watch the progress bar, pause, resume, export."""

from __future__ import annotations

import os

import pytest

from tests.fixtures.browser import logged_in_page
from tests.fixtures.live_app import start_app_server, stop_app_server
from tests.images import jpeg_bytes
from tests.ops.zips import zip_bytes

pytestmark = [pytest.mark.browser, pytest.mark.engine, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def live_app(engine, django_db_setup, django_db_blocker):
    """One item in flight at a time, so a pause pressed as the page opens finds items still waiting even when the
    tiny engine is quick."""
    app = start_app_server(engine.url, extra_env={"BATCH_MAX_IN_FLIGHT": "1", "BATCH_TICK_MS": "200"})
    yield app
    stop_app_server(app)


def start_batch(page, name: str, paths: list[str]) -> None:
    page.goto("/batches/")
    page.fill("#batch-name", name)
    page.select_option("#batch-task", "describe")
    page.fill("input[data-field=question]", "What is in the photo?")
    page.set_input_files("#batch-files", paths)
    page.click("#batch-start")
    page.wait_for_url("**/batches/*-*/", timeout=60000)


def test_a_batch_of_photos_runs_to_the_end_with_a_progress_bar(browser, live_app, owner, tmp_path):
    paths = []
    for i in range(6):
        path = tmp_path / f"site-{i}.jpg"
        path.write_bytes(jpeg_bytes(160, 120, seed=700 + i))
        paths.append(str(path))
    page = logged_in_page(browser, live_app.url, owner.username)
    start_batch(page, "Roof survey", paths)
    assert "Roof survey" in page.inner_text("h1")
    page.wait_for_function(
        "() => document.getElementById('batch-summary').textContent.startsWith('6 of 6 done')", timeout=180000
    )
    assert page.inner_text("#batch-status") == "Done"
    assert page.locator("#batch-progress .done").evaluate("el => el.style.width") == "100%"
    rows = page.locator("#batch-items tbody tr")
    assert rows.count() == 6 and "site-0.jpg" in rows.first.inner_text()
    assert page.locator("#batch-items img").first.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator("#batch-items a.status.done").count() == 6
    assert page.is_disabled("#batch-pause") and page.is_disabled("#batch-cancel")
    with page.expect_download() as download:
        page.click("#batch-export")
    assert download.value.suggested_filename.endswith(".csv")
    if os.environ.get("VISIONDESK_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["VISIONDESK_SCREENSHOTS"], "batch.png"), full_page=True)
    page.goto("/batches/")
    assert "Roof survey" in page.inner_text("#batch-list") and "6 / 6 done" in page.inner_text("#batch-list")
    if os.environ.get("VISIONDESK_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["VISIONDESK_SCREENSHOTS"], "batches.png"), full_page=True)


def test_a_zip_batch_can_be_paused_and_resumed_and_a_bad_file_fails_alone(browser, live_app, owner, tmp_path):
    members = {f"photos/p{i}.jpg": jpeg_bytes(160, 120, seed=720 + i) for i in range(12)}
    archive = tmp_path / "visit.zip"
    archive.write_bytes(zip_bytes({**members, "photos/notes.txt": b"not a photo"}))
    page = logged_in_page(browser, live_app.url, owner.username)
    start_batch(page, "Zip visit", [str(archive)])
    page.click("#batch-pause")
    page.wait_for_function("() => document.getElementById('batch-status').textContent === 'Paused'")
    page.wait_for_timeout(2500)  # paused: the items that were not sent stay waiting
    assert "waiting" in page.inner_text("#batch-summary"), page.inner_text("#batch-items")
    assert "not an image" in page.inner_text("#batch-items")
    if os.environ.get("VISIONDESK_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["VISIONDESK_SCREENSHOTS"], "batch-paused.png"), full_page=True)
    page.click("#batch-resume")
    page.wait_for_function("() => document.getElementById('batch-status').textContent === 'Done'", timeout=180000)
    summary = page.inner_text("#batch-summary")
    assert summary.startswith("12 of 13 done · 1 failed"), page.inner_text("#batch-items")
    assert not page.is_disabled("#batch-retry")
