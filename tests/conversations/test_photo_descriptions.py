"""Each photo gets a one-line description from a cheap caption run, started once the answer it came with is
done (so it never slows that answer); a team's photo is described once."""

from __future__ import annotations

import pytest

from core.models import ConversationPhoto, Run
from core.services.conversations import conversation_ask, conversation_start
from tests.conversations.builders import finish, finished_run, photo_for

pytestmark = pytest.mark.django_db


def test_a_new_photo_is_described_after_its_answer_not_beside_it(owner):
    conversation, _ = conversation_start(user=owner, run=finished_run(owner, [photo_for(owner, 1)]))
    turn = conversation_ask(user=owner, conversation=conversation, question="And this?", photos=[photo_for(owner, 2)])
    ref = ConversationPhoto.objects.get(conversation=conversation, number=2)
    assert ref.description_run is None
    finish(turn.run, text="A valve.")
    ref.refresh_from_db()
    assert ref.description_run is not None and ref.description_run.task == "photo_caption"
    assert list(ref.description_run.photos.all()) == [ref.photo]


def test_the_caption_becomes_the_photo_s_description(owner):
    conversation, _ = conversation_start(user=owner, run=finished_run(owner, [photo_for(owner, 1)]))
    ref = ConversationPhoto.objects.get(conversation=conversation, number=1)
    finish(ref.description_run, text="  pump outlet,\nvalve DN80 ")
    ref.refresh_from_db()
    assert ref.description == "pump outlet, valve DN80"


def test_a_photo_the_team_has_described_is_not_described_again(owner):
    photo = photo_for(owner, 1)
    first, _ = conversation_start(user=owner, run=finished_run(owner, [photo]))
    finish(ConversationPhoto.objects.get(conversation=first, number=1).description_run, text="pump outlet")
    captions = Run.objects.filter(task="photo_caption").count()
    second, _ = conversation_start(user=owner, run=finished_run(owner, [photo], question="Again?"))
    assert ConversationPhoto.objects.get(conversation=second, number=1).description == "pump outlet"
    assert Run.objects.filter(task="photo_caption").count() == captions
