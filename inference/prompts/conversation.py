"""How a conversation about photos becomes one bounded, cache-friendly request.

Layout: the fixed system prompt, then the photos sent as images (each labelled "Photo N:"), then the turns, then
the new question. Nothing before the turns changes while people ask about the same photos, so each follow-up
reuses the engine's prefix cache for the system prompt, the photos and every earlier turn.

Bounds: only the photos of the last MAX_PHOTO_TURNS turns that carry photos are sent as images (at most
MAX_IMAGES); older photos appear as their stored one-line descriptions, "[photo 2: pump outlet, valve DN80]",
in the turn that added them. At most HISTORY_KEEP earlier turns are kept; older ones are dropped HISTORY_STEP at
a time, so the kept prefix stays the same for several turns in a row instead of shifting (and missing the cache)
on every turn. One note stands in for the dropped turns and still names the photos they added.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from inference.protocol import ImageInput, Message, Part

MAX_PHOTO_TURNS = 3
MAX_IMAGES = 3
HISTORY_KEEP = 8
HISTORY_STEP = 4
ANSWER_CHARS = 1500  # an earlier answer longer than this is cut in the history (the full text stays stored)
DESCRIPTION_CHARS = 120
MAX_DESCRIBED_EARLIER = 12  # photos of turns no longer sent that are still named by their descriptions


@dataclass(frozen=True)
class ChatTurn:
    question: str
    answer: str = ""
    photos: tuple[int, ...] = ()  # numbers of the photos this turn added to the conversation


def photo_window(
    turns: Sequence[ChatTurn], *, max_turns: int = MAX_PHOTO_TURNS, max_images: int = MAX_IMAGES
) -> list[int]:
    """Photo numbers sent as images: those of the last `max_turns` photo-carrying turns, newest first until
    `max_images`, returned in ascending order (the order they appear in the request)."""
    chosen: list[int] = []
    for turn in reversed([t for t in turns if t.photos][-max_turns:]):
        for number in reversed(turn.photos):
            if number not in chosen and len(chosen) < max_images:
                chosen.append(number)
    return sorted(chosen)


def first_kept_turn(count: int, *, keep: int = HISTORY_KEEP, step: int = HISTORY_STEP) -> int:
    """Index of the oldest earlier turn kept: moves `step` turns at a time once there are more than `keep`."""
    if count <= keep:
        return 0
    return math.ceil((count - keep) / step) * step


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters at a word boundary, with an ellipsis when cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    return cut.rstrip(" ,;:") + "…"


def photo_mention(number: int, window: Sequence[int], descriptions: Mapping[int, str]) -> str:
    if number in window:
        return f"[photo {number} attached]"
    description = clip(" ".join(descriptions.get(number, "").split()), DESCRIPTION_CHARS) or "no description"
    return f"[photo {number}: {description}]"


def turn_text(turn: ChatTurn, window: Sequence[int], descriptions: Mapping[int, str]) -> str:
    mentions = " ".join(photo_mention(n, window, descriptions) for n in turn.photos)
    return f"{mentions}\n{turn.question}" if mentions else turn.question


def conversation_messages(
    *,
    system: str,
    images: Sequence[tuple[int, ImageInput]],
    descriptions: Mapping[int, str],
    history: Sequence[ChatTurn],
    question: ChatTurn,
    extra_parts: Sequence[Part] = (),
) -> tuple[Message, ...]:
    """The messages for `question`. `history` holds the answered earlier turns; `extra_parts` (a table crop, the
    table's cells) go into the last message, after everything the cache can reuse."""
    window = [number for number, _ in images]
    messages = [Message("system", (system,)), *photo_block(images)]
    start = first_kept_turn(len(history))
    if start:
        messages.append(Message("user", (earlier_turns_note(history[:start], window, descriptions),)))
    for turn in history[start:]:
        messages.append(Message("user", (turn_text(turn, window, descriptions),)))
        messages.append(Message("assistant", (clip(turn.answer, ANSWER_CHARS),)))
    messages.append(Message("user", (*extra_parts, turn_text(question, window, descriptions))))
    return tuple(messages)


def earlier_turns_note(dropped: Sequence[ChatTurn], window: Sequence[int], descriptions: Mapping[int, str]) -> str:
    """Stands in for the turns no longer sent, naming the photos they added (newest MAX_DESCRIBED_EARLIER)."""
    photos = [n for turn in dropped for n in turn.photos if n not in window]
    note = f"({len(dropped)} earlier turns of this conversation are not shown."
    if photos:
        shown = photos[-MAX_DESCRIBED_EARLIER:]
        more = f" and {len(photos) - len(shown)} older ones" if len(photos) > len(shown) else ""
        note += " Photos added in them: " + " ".join(photo_mention(n, window, descriptions) for n in shown) + more + "."
    return note + ")"


def photo_block(images: Sequence[tuple[int, ImageInput]]) -> list[Message]:
    """The photos sent as images, each after its label: the part of the prefix shared by every follow-up."""
    if not images:
        return []
    parts: list[Part] = []
    for number, image in images:
        parts += [f"Photo {number}:", image]
    return [Message("user", tuple(parts))]
