"""Conversations beside runs: start one from any run, then ask follow-ups.

A follow-up is a `followup` run (it streams like any run) unless it asks about a table whose cells are stored:
then it is answered from those cells at once, naming the table and cells, without asking the model to look
again. Each photo gets a one-line description from a cheap `photo_caption` run (256 visual tokens, 40 answer
tokens) once the answer it came with is done; that line stands in for the photo when it is no longer sent as an
image. Until it exists, the start of the first answer given with the photo stands in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from core.conversations.requests import chat_turn, prefix_request, window_photos
from core.conversations.selectors import conversation_for_run, latest_photo_with_table
from core.conversations.table_questions import answer_from_cells, cited, parse_table_question
from core.errors import Busy, InvalidInput
from core.models import (
    Conversation,
    ConversationPhoto,
    ConversationTurn,
    Photo,
    Run,
    RunStatus,
    Team,
    TurnSource,
)
from core.run_executor import executor
from core.services.runs import run_create
from core.tables.selectors import table_is_read, table_rows, tables_of_photo
from inference.prompts import get_template
from inference.prompts.conversation import ChatTurn, clip

CAPTION_PRIORITY = 5  # behind the questions people wait for
MAX_QUESTION_CHARS = 4000
MAX_PHOTOS_PER_CONVERSATION = 200
ORIGIN_QUESTION_CHARS = 1000


def _person(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _origin_question(run: Run) -> str:
    fields = (run.params or {}).get("fields", {})
    if fields.get("question"):
        return str(fields["question"])[:ORIGIN_QUESTION_CHARS]
    try:
        template = get_template(run.task)
        return clip(template.user.format(**fields), ORIGIN_QUESTION_CHARS)
    except (KeyError, IndexError, ValueError):
        return f"({run.task})"


def conversation_start(*, user: Any, run: Run) -> tuple[Conversation, bool]:
    """The conversation beside `run` (created if there is none): its photos become photos 1..n and its question
    and answer turn 0. Returns (conversation, created)."""
    photos = list(run.photos.order_by("runphoto__position"))
    with transaction.atomic():
        Run.objects.select_for_update().filter(id=run.id).first()  # one conversation per run, even when two start it
        existing = conversation_for_run(run)
        if existing is not None:
            return existing, False
        conversation = Conversation.objects.create(team=run.team, origin_run=run, created_by=_person(user))
        refs = _photos_add(conversation, photos)
        ConversationTurn.objects.create(
            conversation=conversation,
            number=0,
            question=_origin_question(run),
            answer=run.text if run.status == RunStatus.DONE else "",
            photo_numbers=[ref.number for ref in refs],
            source=TurnSource.ORIGIN,
            run=run,
            created_by=_person(user),
        )
        _photos_describe(user=user, team=run.team, refs=refs)
        transaction.on_commit(lambda: conversation_warm(conversation=conversation))
    return conversation, True


def _photos_add(conversation: Conversation, photos: Sequence[Photo]) -> list[ConversationPhoto]:
    """The conversation's photo for each of `photos` (numbered on, in order, when new)."""
    known = {ref.photo_id: ref for ref in conversation.photo_refs.all()}
    if len(known) + len(photos) > MAX_PHOTOS_PER_CONVERSATION:
        raise InvalidInput(f"A conversation holds at most {MAX_PHOTOS_PER_CONVERSATION} photos; start a new one.")
    number = max((ref.number for ref in known.values()), default=0)
    refs = []
    for photo in photos:
        if photo.id not in known:
            number += 1
            known[photo.id] = ConversationPhoto.objects.create(conversation=conversation, photo=photo, number=number)
        refs.append(known[photo.id])
    return refs


def _photos_describe(*, user: Any, team: Team, refs: Sequence[ConversationPhoto]) -> None:
    """Give each new photo its one-line description: one this team already has, else a cheap caption run."""
    for ref in refs:
        if ref.description or ref.description_run_id:
            continue
        known = (
            ConversationPhoto.objects.filter(photo_id=ref.photo_id, conversation__team=team)
            .exclude(description="")
            .values_list("description", flat=True)
            .first()
        )
        if known:
            ref.description = known
        else:
            try:
                ref.description_run = run_create(
                    user=user, team=team, task="photo_caption", photos=[ref.photo], fields={}, priority=CAPTION_PRIORITY
                )
            except Busy:
                continue  # the first answer given with the photo stands in
        ref.save(update_fields=["description", "description_run"])


def photo_description_store(*, run: Run) -> None:
    ConversationPhoto.objects.filter(description_run=run).update(description=clip(" ".join(run.text.split()), 200))


def conversation_ask(
    *,
    user: Any,
    conversation: Conversation,
    question: str,
    photos: Sequence[Photo] = (),
    max_tokens: int | None = None,
    sampling: dict[str, Any] | None = None,
) -> ConversationTurn:
    """Add a turn: answered from stored table cells when it can be, otherwise by a new `followup` run."""
    question = question.strip()
    if not question:
        raise InvalidInput("Type a question.")
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidInput(f"A question has at most {MAX_QUESTION_CHARS} characters.")
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(id=conversation.id)
        number = (conversation.turns.aggregate(last=Max("number"))["last"] or 0) + 1
        refs = _photos_add(conversation, photos)
        new_turn = ConversationTurn(
            conversation=conversation,
            number=number,
            question=question,
            photo_numbers=[ref.number for ref in refs],
            created_by=_person(user),
        )
        table_turn = None if refs else _table_answer(conversation, new_turn)
        turn = table_turn or _model_answer(user, conversation, new_turn, max_tokens=max_tokens, sampling=sampling)
        conversation.save(update_fields=["updated_at"])
    return turn


def _table_answer(conversation: Conversation, turn: ConversationTurn) -> ConversationTurn | None:
    """Answer from the stored cells of the table the question is about. None when the model must answer; then
    `turn.cited` names the table whose crop it is shown."""
    asked = parse_table_question(turn.question)
    ref = latest_photo_with_table(conversation, number=asked.photo) if asked else None
    tables = tables_of_photo(team_id=conversation.team_id, photo=ref.photo) if ref else []
    index = (asked.table or 1) - 1 if asked else -1
    if asked is None or ref is None or not 0 <= index < len(tables):
        return None
    table = tables[index]
    where = f"Table {table.index} on photo {ref.number}"
    reference = {"table": table.id, "table_index": table.index, "photo": ref.number}
    if table.read_run is not None and table.read_run.is_active:
        turn.answer, turn.cited = f"{where} is still being read; ask again in a moment.", reference
    else:
        rows = table_rows(table) if table_is_read(table) else []
        found = answer_from_cells(asked, turn.question, rows, table.header_rows, where=f"{where} (stored cells)")
        if found is None:
            turn.cited = {**reference, "crop": True}
            return None
        turn.answer, turn.cited = found.text, cited(table, ref.number, found)
    turn.source = TurnSource.TABLE
    turn.save()
    return turn


def _model_answer(
    user: Any, conversation: Conversation, turn: ConversationTurn, *, max_tokens: int | None, sampling: dict | None
) -> ConversationTurn:
    turns = [chat_turn(t, with_answer=False) for t in conversation.turns.all()]
    photos = window_photos(conversation, [*turns, ChatTurn(turn.question, photos=tuple(turn.photo_numbers))])
    turn.run = run_create(
        user=user,
        team=conversation.team,
        task="followup",
        photos=photos,
        fields={"question": turn.question},
        max_tokens=max_tokens,
        sampling=sampling,
    )
    turn.source = TurnSource.MODEL
    turn.save()
    return turn


def turn_answer_store(*, run: Run) -> None:
    """Keep a follow-up's answer; then describe the photos that have no description yet. Their caption runs start
    now, while the person reads, rather than beside the question (where they would slow its first token)."""
    turn = ConversationTurn.objects.filter(run=run, source=TurnSource.MODEL).select_related("conversation").first()
    if turn is None:
        return
    turn.answer = run.text
    turn.save(update_fields=["answer"])
    refs = turn.conversation.photo_refs.filter(description="", description_run__isnull=True).select_related("photo")
    _photos_describe(user=run.created_by, team=turn.conversation.team, refs=list(refs))


def conversation_warm(*, conversation: Conversation) -> None:
    """Put the conversation's prefix (system prompt, photos, turns) into the engine's cache ahead of a question."""
    if not (settings.WARM_CACHE_ON_UPLOAD and executor.bound):
        return
    request = prefix_request(conversation)
    if request is not None:
        executor.warm(request)
