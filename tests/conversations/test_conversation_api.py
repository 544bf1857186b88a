"""The conversation API: start one beside any run you may see, ask, list turns; outsiders get 404."""

from __future__ import annotations

import pytest

from core.models import Conversation
from tests.conversations.builders import finished_run, photo_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def origin(owner):
    return finished_run(owner, [photo_for(owner, 1), photo_for(owner, 2)], question="Is the valve open?", text="Yes.")


def start(api, run):
    return api.post("/api/conversations/start/", {"run": str(run.id)}, format="json")


def test_starting_makes_the_run_turn_0_and_its_photos_1_and_2(owner_api, origin):
    response = start(owner_api, origin)
    assert response.status_code == 201
    body = response.json()
    assert [p["number"] for p in body["photos"]] == [1, 2]
    assert body["turns"][0] | {"run": None} == {
        "number": 0,
        "question": "Is the valve open?",
        "answer": "Yes.",
        "source": "origin",
        "photo_numbers": [1, 2],
        "cited": None,
        "run": None,
    }


def test_starting_again_returns_the_same_conversation(owner_api, teammate, origin):
    first = start(owner_api, origin).json()
    from rest_framework.test import APIClient

    teammate_api = APIClient()
    teammate_api.force_authenticate(teammate)
    again = start(teammate_api, origin)
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert Conversation.objects.count() == 1


def test_asking_starts_a_followup_run_and_the_turn_lists_it(owner_api, origin):
    conversation = start(owner_api, origin).json()
    response = owner_api.post(
        f"/api/conversations/{conversation['id']}/ask/", {"question": "What colour?"}, format="json"
    )
    assert response.status_code == 201
    turn = response.json()
    assert turn["number"] == 1 and turn["source"] == "model" and turn["run"]["task"] == "followup"
    assert turn["run"]["photos"] == [p["sha256"] for p in conversation["photos"]]
    turns = owner_api.get(f"/api/conversations/{conversation['id']}/turns/").json()
    assert [t["number"] for t in turns] == [0, 1]
    listed = owner_api.get(f"/api/conversations/?run={origin.id}").json()
    assert [c["id"] for c in listed] == [conversation["id"]]


def test_a_followup_run_leads_back_to_its_conversation(owner_api, origin):
    conversation = start(owner_api, origin).json()
    turn = owner_api.post(f"/api/conversations/{conversation['id']}/ask/", {"question": "More?"}, format="json").json()
    listed = owner_api.get(f"/api/conversations/?run={turn['run']['id']}").json()
    assert [c["id"] for c in listed] == [conversation["id"]]


def test_an_empty_question_is_refused(owner_api, origin):
    conversation = start(owner_api, origin).json()
    response = owner_api.post(f"/api/conversations/{conversation['id']}/ask/", {"question": "  "}, format="json")
    assert response.status_code == 400


def test_an_outsider_can_neither_start_read_nor_ask(owner_api, outsider_api, origin):
    conversation = start(owner_api, origin).json()
    assert start(outsider_api, origin).status_code == 404
    assert outsider_api.get(f"/api/conversations/{conversation['id']}/").status_code == 404
    assert outsider_api.get(f"/api/conversations/{conversation['id']}/turns/").status_code == 404
    asked = outsider_api.post(f"/api/conversations/{conversation['id']}/ask/", {"question": "Hi?"}, format="json")
    assert asked.status_code == 404
    assert outsider_api.get(f"/api/conversations/?run={origin.id}").status_code == 404


def test_photos_of_another_team_cannot_be_added(owner_api, outsider, origin):
    conversation = start(owner_api, origin).json()
    foreign = photo_for(outsider, 77)
    body = {"question": "And this?", "photos": [foreign.sha256]}
    assert owner_api.post(f"/api/conversations/{conversation['id']}/ask/", body, format="json").status_code == 400


def test_a_conversation_is_hidden_from_those_its_starting_run_is_hidden_from(owner_api, teammate, origin):
    from rest_framework.test import APIClient

    from core.run_hooks import _visibility_checks, restrict_visibility

    conversation = start(owner_api, origin).json()
    turn = owner_api.post(f"/api/conversations/{conversation['id']}/ask/", {"question": "More?"}, format="json").json()
    restrict_visibility("describe")(lambda run, user: run.created_by_id == user.id)
    try:
        teammate_api = APIClient()
        teammate_api.force_authenticate(teammate)
        assert teammate_api.get(f"/api/conversations/{conversation['id']}/").status_code == 404
        assert teammate_api.get(f"/api/runs/{turn['run']['id']}/").status_code == 404
        assert owner_api.get(f"/api/runs/{turn['run']['id']}/").status_code == 200
    finally:
        _visibility_checks.pop("describe", None)
