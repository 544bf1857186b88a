"""Reads for conversations and tables: team visibility (outsiders get "not found") and what a turn needs."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from core.errors import NotFound
from core.models import Conversation, ConversationPhoto, ConversationTurn, RunStatus, Table, TurnSource
from core.selectors import run_get_visible, visible_to


def conversations_visible_to(user: Any) -> QuerySet[Conversation]:
    return visible_to(Conversation.objects.all(), user)


def conversation_get_visible(*, user: Any, conversation_id: UUID | str) -> Conversation:
    """A conversation of the user's team whose starting run they may see (an app may narrow that run's audience)."""
    try:
        conversation = conversations_visible_to(user).get(id=conversation_id)
    except (Conversation.DoesNotExist, ValueError):
        raise NotFound("No such conversation.") from None
    if not origin_visible(conversation, user):
        raise NotFound("No such conversation.")
    return conversation


def origin_visible(conversation: Conversation, user: Any) -> bool:
    if conversation.origin_run_id is None:
        return True
    try:
        run_get_visible(user=user, run_id=conversation.origin_run_id)
    except NotFound:
        return False
    return True


def conversation_for_run(run: Any) -> Conversation | None:
    """The conversation a run belongs to: as its starting run or as one of its turns."""
    turn = ConversationTurn.objects.filter(run=run).select_related("conversation").order_by("-number").first()
    return turn.conversation if turn else None


def latest_photo_with_table(conversation: Conversation, *, number: int | None = None) -> ConversationPhoto | None:
    """The most recent photo of the conversation (or photo `number`) that has a table."""
    refs = conversation.photo_refs.select_related("photo").order_by("-number")
    if number is not None:
        refs = refs.filter(number=number)
    for ref in refs:
        if Table.objects.filter(team_id=conversation.team_id, photo_id=ref.photo_id).exists():
            return ref
    return None


def turn_answer(turn: ConversationTurn) -> str:
    """What a turn answered: its stored answer, or the starting run's text once that run is done."""
    if turn.answer:
        return turn.answer
    if turn.source == TurnSource.ORIGIN and turn.run is not None and turn.run.status == RunStatus.DONE:
        return turn.run.text
    return ""
