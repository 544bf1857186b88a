"""A follow-up turn as one engine request, laid out for the prefix cache (see inference.prompts.conversation)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.conversations.selectors import turn_answer
from core.models import Conversation, ConversationPhoto, ConversationTurn, Photo, Run, Table
from core.services.photos import photo_image_input
from core.services.tables import table_crop_input
from core.tables.selectors import table_rows
from inference.prompts.conversation import ChatTurn, clip, conversation_messages, photo_window
from inference.prompts.followup import FOLLOWUP
from inference.protocol import ChatRequest, ImageInput, Part, Sampling
from inference.tables.reading import TABLE_READ

FALLBACK_DESCRIPTION_CHARS = 100
CELLS_TEXT_CHARS = 4000


@dataclass(frozen=True)
class Context:
    history: list[ChatTurn]  # answered turns before the one asked
    descriptions: dict[int, str]  # photo number -> one line


def chat_turn(turn: ConversationTurn, *, with_answer: bool = True) -> ChatTurn:
    answer = turn_answer(turn) if with_answer else ""
    return ChatTurn(question=turn.question, answer=answer, photos=tuple(turn.photo_numbers))


def conversation_context(conversation: Conversation, *, before: int) -> Context:
    earlier = list(conversation.turns.filter(number__lt=before).select_related("run"))
    history = [t for t in (chat_turn(turn) for turn in earlier) if t.answer]
    return Context(history=history, descriptions=_descriptions(conversation, earlier))


def _descriptions(conversation: Conversation, turns: Sequence[ConversationTurn]) -> dict[int, str]:
    """Each photo's stored description; until its caption run has answered, the start of the first answer
    given with it stands in."""
    found: dict[int, str] = {}
    for ref in conversation.photo_refs.all():
        found[ref.number] = ref.description
    for turn in turns:
        answer = turn_answer(turn)
        for number in turn.photo_numbers:
            if not found.get(number) and answer:
                found[number] = clip(" ".join(answer.split()), FALLBACK_DESCRIPTION_CHARS)
    return found


def window_photos(conversation: Conversation, turns: Sequence[ChatTurn]) -> list[Photo]:
    """The photos the next request sends as images, in the order it sends them."""
    refs = {ref.number: ref.photo for ref in conversation.photo_refs.select_related("photo")}
    return [refs[number] for number in photo_window(turns) if number in refs]


def followup_request(run: Run, images: Sequence[ImageInput]) -> ChatRequest:
    """The request for a follow-up run: its conversation up to its turn, the photos of its window as images."""
    turn = ConversationTurn.objects.select_related("conversation").get(run=run, number__gt=0)
    conversation = turn.conversation
    context = conversation_context(conversation, before=turn.number)
    numbers = _numbers(conversation, run.photo_list)  # type: ignore[attr-defined]
    messages = conversation_messages(
        system=FOLLOWUP.system,
        images=list(zip(numbers, images, strict=True)),
        descriptions=context.descriptions,
        history=context.history,
        question=chat_turn(turn, with_answer=False),
        extra_parts=_table_parts(turn),
    )
    params = run.params or {}
    sampling = params.get("sampling")
    return ChatRequest(
        messages=messages,
        max_tokens=params.get("max_tokens") or FOLLOWUP.max_tokens,
        sampling=Sampling(**sampling) if sampling else FOLLOWUP.sampling,
        priority=run.priority,
        request_id=str(run.id),
    )


def _numbers(conversation: Conversation, photos: Sequence[Photo]) -> list[int]:
    by_photo = dict(ConversationPhoto.objects.filter(conversation=conversation).values_list("photo_id", "number"))
    return [by_photo[photo.id] for photo in photos]


def _table_parts(turn: ConversationTurn) -> list[Part]:
    """For a table question the cells could not answer: the table's crop and whatever cells are stored."""
    cited = turn.cited or {}
    if not cited.get("crop") or not cited.get("table"):
        return []
    table = Table.objects.select_related("photo").filter(id=cited["table"]).first()
    if table is None:
        return []
    crop = table_crop_input(table, max_tokens=TABLE_READ.image_tokens)
    label = f"Table {table.index} of photo {cited.get('photo')}, cropped"
    rows = table_rows(table)
    if rows:
        text = "\n".join(" | ".join(cell or "-" for cell in row) for row in rows)
        label += f"; its cells as read earlier, row by row:\n{clip(text, CELLS_TEXT_CHARS)}"
    return [f"{label}:", crop]


def prefix_request(conversation: Conversation) -> ChatRequest | None:
    """Everything before the next question (system prompt, photos, turns): sent with max_tokens=1, it puts the
    conversation's prefix into the engine's cache while the person types."""
    turns = list(conversation.turns.select_related("run"))
    photos = window_photos(conversation, [chat_turn(t, with_answer=False) for t in turns])
    if not photos:
        return None
    numbers = _numbers(conversation, photos)
    images = [photo_image_input(photo, max_tokens=FOLLOWUP.image_tokens) for photo in photos]
    context = conversation_context(conversation, before=turns[-1].number + 1)
    messages = conversation_messages(
        system=FOLLOWUP.system,
        images=list(zip(numbers, images, strict=True)),
        descriptions=context.descriptions,
        history=context.history,
        question=ChatTurn(question=""),
    )
    return ChatRequest(messages=messages[:-1], max_tokens=1, sampling=FOLLOWUP.sampling, priority=1)
