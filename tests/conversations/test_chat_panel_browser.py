"""The chat panel on a run's page in Chromium: a follow-up streams in; a table question is answered from the
stored cells at once, with the cells marked in the table shown beside it."""

from __future__ import annotations

import pytest

from tests.conversations.builders import finished_run, read_table, table_photo_for
from tests.fixtures.browser import logged_in_page

pytestmark = [pytest.mark.browser, pytest.mark.engine, pytest.mark.django_db(transaction=True)]


def test_a_person_asks_follow_ups_beside_a_run(browser, live_app, owner, tmp_path):
    photo = table_photo_for(owner)
    run = finished_run(owner, [photo], question="What is on the desk?", text="A printed table of readings.")
    read_table(owner, photo)
    page = logged_in_page(browser, live_app.url, owner.username)
    page.goto(f"/runs/{run.id}/")
    page.locator("#chat-tables table.grid").wait_for(timeout=15000)
    assert page.locator("#chat-tables th").first.inner_text() == "Tag"

    page.fill("#chat-question", "What does the gauge on the left read?")
    page.click("#chat-send")
    page.wait_for_function(
        "() => document.querySelector('.chat-turn') || document.getElementById('chat-error').textContent", timeout=30000
    )
    assert page.inner_text("#chat-error") == ""
    answer = page.locator(".chat-turn").nth(0).locator(".chat-a")
    page.wait_for_function("() => document.querySelector('.chat-turn .chat-a').textContent.length > 0", timeout=60000)
    page.wait_for_function(
        "() => document.querySelector('.chat-turn .chat-meta').textContent.includes('first token')", timeout=120000
    )
    assert len(answer.inner_text()) > 0

    page.fill("#chat-question", "What is in row 3 of the table in the previous photo?")
    page.click("#chat-send")
    table_turn = page.locator(".chat-turn").nth(1)
    table_turn.locator(".chat-badge").wait_for(timeout=10000)
    assert "FT-303" in table_turn.locator(".chat-a").inner_text()
    assert table_turn.locator(".chat-badge").inner_text() == "From stored cells · table 1, photo 1"
    assert page.locator("#chat-tables td.cited").count() == 3
    page.screenshot(path=str(tmp_path / "chat-panel.png"), full_page=True)

    page.reload()
    page.locator(".chat-turn").nth(1).wait_for(timeout=10000)
    assert page.locator(".chat-turn").count() == 2, "the conversation is there after a reload"
    page.click(".chat-find-tables")  # already read: the stored table comes back, no models needed
    page.wait_for_function("() => !document.querySelector('.chat-find-tables').disabled", timeout=10000)
    assert page.locator("#chat-tables .chat-table").count() == 1 and page.inner_text("#chat-table-note") == ""
