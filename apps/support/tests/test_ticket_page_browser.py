"""The support pages in Chromium: create a ticket with photos, see boxes and findings, watch the draft stream,
edit it and approve it."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from apps.support.models import Ticket
from apps.support.tests.factories import analysis, finish_analysis, issue, product_with_reference, ticket_for
from tests.fixtures.browser import logged_in_page
from tests.images import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.engine, pytest.mark.django_db(transaction=True)]


def ticket_json(page, ticket_id: int) -> dict:
    return page.evaluate(f"async () => (await fetch('/support/api/tickets/{ticket_id}/')).json()")


def expected_boxes(ticket: dict) -> int:
    colour = ticket["colour_check"]
    ok_box = colour.get("measured") and not colour.get("exceeds")
    return sum(1 for f in ticket["findings"] if f["bbox"]) + (1 if ok_box else 0)


def test_an_agent_turns_delivery_photos_into_an_approved_reply(browser, live_app, owner, team, tmp_path):
    product_with_reference(team, owner, sku="KET-1")
    paths = []
    for i in range(2):
        paths.append(tmp_path / f"delivery-{i}.jpg")
        paths[-1].write_bytes(jpeg_bytes(800, 600, seed=40 + i))
    page = logged_in_page(browser, live_app.url, owner.username)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_app.url)
    frames: list[dict] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(json.loads(payload))))

    page.goto("/support/")
    page.set_input_files("#photo-input", [str(p) for p in paths])
    page.locator("#photo-list li.ready").nth(1).wait_for(timeout=20000)
    page.fill("#customer-name", "Ana")
    page.fill("#customer-message", "The kettle arrived with a cracked lid and the base is missing.")
    page.click("#create-button")
    page.wait_for_url("**/support/tickets/*/", timeout=15000)
    ticket_id = int(page.url.rstrip("/").split("/")[-1])

    # Findings and boxes appear when the analysis is done.
    page.wait_for_function("() => document.getElementById('analysis-status').textContent === 'Done'", timeout=180000)
    data = ticket_json(page, ticket_id)
    assert page.locator("#findings li.finding").count() == len(data["findings"])
    assert page.locator("#photos .box").count() == expected_boxes(data)
    assert page.locator("#box-contents .chip").count() == len(data["product"]["box_items"])
    assert page.locator("#photos img").count() == 2
    assert "Colour:" in page.inner_text("#colour-check")

    # Then the draft streams into the editor. A random-weight model sometimes ends a draft before the page has
    # looked; the page then shows it whole, which is right. When the page saw it running, text came while it ran.
    page.evaluate(
        """() => { const watch = setInterval(() => {
            const status = document.getElementById('draft-status').textContent;
            const text = document.getElementById('draft').value;
            if (status === 'Running' && text.length > 0) window.sawDraftStreaming = true;
            if (status === 'Done') clearInterval(watch);
        }, 10); }"""
    )
    page.wait_for_function("() => document.getElementById('draft-status').textContent === 'Done'", timeout=180000)
    data = ticket_json(page, ticket_id)
    assert data["draft"]["text"], "the draft has text"
    if page.evaluate("window.sawDraftStreaming === true"):
        reply_deltas = [f for f in frames if f["type"] == "delta"]
        assert len(reply_deltas) >= 2, "the draft arrived in several pieces"
    assert page.input_value("#draft") == data["draft"]["text"]
    assert page.locator("#draft").get_attribute("readonly") is None

    page.fill("#draft", "Dear Ana, we are sorry. Edited by the agent.")
    page.click("#save-draft")
    page.wait_for_function("() => document.getElementById('action-note').textContent === 'Saved.'")
    assert ticket_json(page, ticket_id)["draft"]["edited"]

    page.click("#approve")
    page.locator("#sent").wait_for(state="visible", timeout=10000)
    assert page.inner_text("#ticket-status") == "Sent"
    assert page.evaluate("navigator.clipboard.readText()") == "Dear Ana, we are sorry. Edited by the agent."
    ticket = Ticket.objects.get(pk=ticket_id)
    assert ticket.status == "sent" and ticket.sent_text == "Dear Ana, we are sorry. Edited by the agent."
    page.screenshot(path=str(tmp_path / "ticket.png"), full_page=True)


def test_findings_are_marked_where_the_analysis_put_them(browser, live_app, owner, team):
    product = product_with_reference(team, owner, sku="KET-2")
    with transaction.atomic():
        ticket = ticket_for(owner, product)
        result = analysis(
            issues=[issue(bbox=(100, 200, 400, 600)), issue("wrong_item", "moderate", bbox=(500, 0, 900, 500))]
        )
        finish_analysis(ticket, result)
    page = logged_in_page(browser, live_app.url, owner.username)
    page.goto(f"/support/tickets/{ticket.pk}/")
    box = page.locator("#photos .box.product_damage")
    style = box.get_attribute("style")
    assert "left: 10%" in style and "top: 20%" in style and "width: 30%" in style and "height: 40%" in style
    assert box.inner_text() == "1"
    assert page.locator("#photos .box.wrong_item").inner_text() == "2"
    findings = page.inner_text("#findings")
    assert "Remedy: we send a replacement Glass kettle at no cost" in findings
    assert "Needs a human decision" in findings
    assert "ΔE00 0.00" in page.inner_text("#colour-check")
