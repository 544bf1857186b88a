"""With the real engine: a ticket's findings come from a schema-valid defect_analysis run, the support_reply run
starts by itself when it is done, and its text becomes the draft. Assertions are about what the code does with
the tiny model's answers (schema-valid gibberish), never about what it writes."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from jsonschema import Draft202012Validator

from apps.support.box_contents import missing_items
from apps.support.models import ReplyDraft, Ticket
from apps.support.schemas import DEFECT_SCHEMA
from apps.support.tests.engine_helpers import run_when_finished
from apps.support.tests.factories import product_with_reference, ticket_for, upload
from core.models import RunStatus
from tests.fixtures.runs import apply, connect, read_until_final
from tests.images import jpeg_bytes

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]


def new_ticket(owner, team) -> Ticket:
    product = product_with_reference(team, owner, sku="KET-1")
    photos = [upload(owner, jpeg_bytes(480, 360, seed=70 + i), name=f"delivery-{i}.jpg") for i in range(2)]
    return ticket_for(owner, product, photos=photos, customer_name="Ana")


def ticket_state(ticket_id: int) -> tuple[Ticket, list, ReplyDraft | None]:
    ticket = Ticket.objects.select_related("analysis_run", "product").get(pk=ticket_id)
    return ticket, list(ticket.findings.all()), ticket.drafts.select_related("run").first()


async def test_findings_come_from_a_schema_valid_run_and_the_draft_streams_after_it(live_executor, owner, team):
    ticket = await database_sync_to_async(new_ticket)(owner, team)
    ws = await connect(owner, ticket.analysis_run_id)
    text = ""
    for message in await read_until_final(ws, timeout=180):
        text = apply(text, message)
    await ws.disconnect()

    analysis = await run_when_finished(ticket.analysis_run_id)
    assert analysis.status == RunStatus.DONE, analysis.error
    assert text == analysis.text and not list(Draft202012Validator(DEFECT_SCHEMA).iter_errors(analysis.result))
    ticket, findings, draft = await database_sync_to_async(ticket_state)(ticket.pk)
    model_findings = [f for f in findings if not f.measured]
    assert [(f.issue_type, f.severity) for f in model_findings] == [
        (i["type"], i["severity"]) for i in analysis.result["issues"]
    ]
    assert ticket.missing_items == missing_items(ticket.product.box_items, ticket.items_seen)
    assert [f.item for f in findings if f.issue_type == "missing_item"] == ticket.missing_items
    assert all(f.remedy_text for f in findings)

    assert draft is not None, "the reply run is started by the analysis' done-handler"
    reply = await run_when_finished(draft.run_id)
    assert reply.status == RunStatus.DONE and reply.task == "support_reply" and reply.completion_tokens > 0
    ticket, _, draft = await database_sync_to_async(ticket_state)(ticket.pk)
    assert draft.text == reply.text.strip() and ticket.status == "review"
    assert reply.created_at >= analysis.finished_at


async def test_an_outsider_cannot_watch_a_tickets_runs(live_executor, owner, outsider, team):
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator

    from core.routing import websocket_urlpatterns

    ticket = await database_sync_to_async(new_ticket)(owner, team)
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/runs/{ticket.analysis_run_id}/")
    communicator.scope["user"] = outsider
    connected, code = await communicator.connect(timeout=15)
    assert not connected and code == 4404
    await run_when_finished(ticket.analysis_run_id)
