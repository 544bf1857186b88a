"""The request a follow-up sends: fixed system prompt, then at most three photos, then the turns, then the
question; older photos as their one-line descriptions; the same prefix turn after turn on the same photos."""

from __future__ import annotations

import pytest

from core import run_state
from core.models import ConversationPhoto, Run
from core.services.conversations import conversation_ask, conversation_start
from inference.prompts.followup import FOLLOWUP
from inference.protocol import ChatRequest, ImageInput
from tests.conversations.builders import finish, finished_run, photo_for

pytestmark = pytest.mark.django_db


def request_for(run: Run) -> ChatRequest:
    run.photo_list = list(run.photos.order_by("runphoto__position"))  # what the executor sets when it starts
    return run_state.build_request(run)


def images_in(request: ChatRequest) -> list[ImageInput]:
    return [p for m in request.messages for p in m.parts if isinstance(p, ImageInput)]


def long_conversation(owner, turns: int = 12):
    """Turn 0 brings photo 1; every odd turn brings one more photo; every turn is answered."""
    origin = finished_run(owner, [photo_for(owner, 0)], text="A pump with a valve on its outlet.")
    conversation, _ = conversation_start(user=owner, run=origin)
    asked = []
    for i in range(1, turns + 1):
        photos = [photo_for(owner, i)] if i % 2 else []
        turn = conversation_ask(user=owner, conversation=conversation, question=f"Question {i}?", photos=photos)
        asked.append(turn)
        if i < turns:
            finish(turn.run, text=f"Answer {i}.")
    return conversation, asked


def test_the_twelfth_turn_sends_only_the_three_newest_photos(owner):
    _, turns = long_conversation(owner)
    request = request_for(turns[-1].run)
    assert len(images_in(request)) == 3
    photo_block = request.messages[1].parts
    assert [p for p in photo_block if isinstance(p, str)] == ["Photo 5:", "Photo 6:", "Photo 7:"]


def test_older_photos_are_described_in_words_instead(owner):
    conversation, turns = long_conversation(owner)
    caption = ConversationPhoto.objects.get(conversation=conversation, number=2).description_run
    finish(caption, text="pump outlet, valve DN80")
    text = "\n".join(m.text for m in request_for(turns[-1].run).messages)
    assert "[photo 2: pump outlet, valve DN80]" in text
    assert "[photo 1: A pump with a valve on its outlet.]" in text, (
        "until its caption exists, the first answer stands in"
    )
    assert "[photo 7 attached]" in text


def test_the_system_prompt_comes_first_and_the_question_last(owner):
    _, turns = long_conversation(owner, turns=3)
    request = request_for(turns[-1].run)
    assert request.messages[0].role == "system" and request.messages[0].text == FOLLOWUP.system
    assert request.messages[-1].role == "user" and request.messages[-1].text.endswith("Question 3?")


def test_a_follow_up_on_the_same_photos_extends_the_previous_request(owner):
    conversation, turns = long_conversation(owner, turns=4)
    first = request_for(turns[-1].run)
    finish(turns[-1].run, text="Answer 4.")
    second = request_for(conversation_ask(user=owner, conversation=conversation, question="And now?").run)
    assert second.messages[: len(first.messages)] == first.messages
    assert second.messages[len(first.messages)].text == "Answer 4."


def test_the_request_stays_bounded_however_long_the_conversation(owner):
    _, turns = long_conversation(owner, turns=24)
    requests = {n: request_for(turns[n - 1].run) for n in (12, 24)}
    lengths = {n: sum(len(m.text) for m in r.messages) for n, r in requests.items()}
    assert len(images_in(requests[24])) == 3
    assert lengths[24] <= lengths[12] * 1.2
    assert "earlier turns of this conversation are not shown" in requests[24].messages[2].text
