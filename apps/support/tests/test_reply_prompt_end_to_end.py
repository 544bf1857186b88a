"""The reply run's prompt carries the policy's remedies, computed by code, and "needs a human decision" where the
policy has no rule. Checked on the request built by the executor's own code path and on the engine's own count
of the prompt tokens it received."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.db import transaction

from apps.support.models import ReplyDraft
from apps.support.remedies import NEEDS_HUMAN
from apps.support.tests.engine_helpers import engine_token_count, run_when_finished
from apps.support.tests.factories import analysis, finish_analysis, issue, product_with_reference, ticket_for
from core.models import Run, RunStatus
from core.run_state import build_request
from inference.protocol import ChatRequest, Message

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]
REPLACEMENT = "we send a replacement Glass kettle at no cost"
RESHIP = "we ship the Power base again at no cost"


def analysed_ticket(owner, team, result):
    """A ticket whose analysis answer we wrote ourselves; committing it starts the real reply run."""
    product = product_with_reference(team, owner, sku="KET-1")
    with transaction.atomic():  # the analysis is done before the executor could claim it
        ticket = ticket_for(owner, product)
        finish_analysis(ticket, result)
    return ticket


def reply_request(run: Run) -> ChatRequest:
    run.photo_list = list(run.photos.all())
    return build_request(run)


def without(request: ChatRequest, line_part: str) -> ChatRequest:
    """The same request with every prompt line containing `line_part` left out."""

    def strip(message: Message) -> Message:
        kept = "\n".join(line for line in message.text.split("\n") if line_part not in line)
        return Message(message.role, (kept,))

    return ChatRequest(messages=tuple(strip(m) for m in request.messages), max_tokens=request.max_tokens)


async def test_the_engine_received_the_policys_remedies_and_no_invented_one(live_executor, engine, owner, team):
    result = analysis(
        issues=[issue("product_damage", "severe"), issue("wrong_item", "moderate")], items_seen=["kettle"]
    )
    ticket = await database_sync_to_async(analysed_ticket)(owner, team, result)
    draft = await database_sync_to_async(ReplyDraft.objects.get)(ticket=ticket)
    run = await run_when_finished(draft.run_id)
    assert run.status == RunStatus.DONE, run.error

    request = await database_sync_to_async(reply_request)(run)
    prompt = request.messages[-1].text
    assert f"- for point 1: {REPLACEMENT}" in prompt
    assert f"- for point 2: {NEEDS_HUMAN}" in prompt, "wrong items have no rule in the default policy"
    assert f"- for point 3: {RESHIP}" in prompt
    assert "coupon" not in prompt and "refund" not in prompt, "nothing beyond the policy's remedies"
    assert not request.messages[-1].parts or all(isinstance(p, str) for p in request.messages[-1].parts)

    # The engine counted exactly this prompt, remedies included: the same messages tokenised by the engine give
    # the run's prompt token count, and leaving out a remedy line gives fewer.
    assert await engine_token_count(engine.url, request) == run.prompt_tokens
    assert await engine_token_count(engine.url, without(request, REPLACEMENT)) < run.prompt_tokens
    assert await engine_token_count(engine.url, without(request, NEEDS_HUMAN)) < run.prompt_tokens


async def test_regenerating_in_another_tone_keeps_the_findings_in_the_prompt(live_executor, engine, owner, team):
    from apps.support.services import ticket_regenerate

    result = analysis(issues=[issue("packaging_damage", "minor")])
    ticket = await database_sync_to_async(analysed_ticket)(owner, team, result)
    first = await database_sync_to_async(ReplyDraft.objects.get)(ticket=ticket)
    await run_when_finished(first.run_id)
    await database_sync_to_async(ticket.refresh_from_db)()
    second = await database_sync_to_async(ticket_regenerate)(ticket=ticket, user=owner, tone="formal", language=None)
    run_one, run_two = await run_when_finished(first.run_id), await run_when_finished(second.run_id)
    assert run_two.status == RunStatus.DONE and run_two.id != run_one.id

    one, two = [await database_sync_to_async(reply_request)(r) for r in (run_one, run_two)]
    findings_one = one.messages[-1].text.split("Findings:")[1]
    findings_two = two.messages[-1].text.split("Findings:")[1]
    assert findings_one.split("Customer's message")[0] == findings_two.split("Customer's message")[0]
    assert "Tone: warm" in one.messages[-1].text and "Tone: formal" in two.messages[-1].text
    assert "a coupon worth 5.00 EUR for the customer's next order" in two.messages[-1].text
