"""The agent edits the draft and approves it (the ticket is then sent); regenerating keeps the findings."""

from __future__ import annotations

import pytest

from apps.support.models import ReplyDraft
from apps.support.tests.factories import analysis, finish_analysis, finish_reply, issue, ticket_for
from core.models import Run, RunStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed(owner, product, django_capture_on_commit_callbacks):
    ticket = ticket_for(owner, product)
    with django_capture_on_commit_callbacks(execute=True):
        finish_analysis(ticket, analysis(issues=[issue(), issue("wrong_item", "moderate")], items_seen=["kettle"]))
    return ticket


def url(ticket, action: str = "") -> str:
    return f"/support/api/tickets/{ticket.pk}/{action + '/' if action else ''}"


def test_the_draft_is_the_reply_runs_text_and_the_ticket_waits_for_review(owner_api, analysed):
    finish_reply(analysed, "  Dear Ana, we are sorry about the crack.  ")
    data = owner_api.get(url(analysed)).json()
    assert data["status"] == "review" and data["draft"]["text"] == "Dear Ana, we are sorry about the crack."
    assert data["draft"]["run"]["status"] == "done" and not data["draft"]["edited"]


def test_an_edit_is_kept_and_marked(owner_api, analysed):
    finish_reply(analysed)
    response = owner_api.post(url(analysed, "draft"), {"text": "Dear Ana, edited."}, format="json")
    assert response.status_code == 200 and response.json()["draft"]["text"] == "Dear Ana, edited."
    assert response.json()["draft"]["edited"]


def test_approving_marks_the_ticket_sent_with_the_final_text(owner_api, owner, analysed):
    finish_reply(analysed)
    response = owner_api.post(url(analysed, "approve"), {"text": "Dear Ana, final."}, format="json")
    data = response.json()
    assert response.status_code == 200 and data["status"] == "sent" and data["sent_text"] == "Dear Ana, final."
    assert data["approved_by"] == owner.username and data["approved_at"]


def test_a_sent_ticket_cannot_be_edited_approved_again_or_regenerated(owner_api, analysed):
    finish_reply(analysed)
    owner_api.post(url(analysed, "approve"), {}, format="json")
    assert owner_api.post(url(analysed, "draft"), {"text": "late"}, format="json").status_code == 409
    assert owner_api.post(url(analysed, "approve"), {}, format="json").status_code == 409
    assert owner_api.post(url(analysed, "regenerate"), {"tone": "brief"}, format="json").status_code == 409


def test_nothing_can_be_approved_while_the_draft_is_still_being_written(owner_api, analysed):
    response = owner_api.post(url(analysed, "approve"), {"text": "too early"}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"


def test_an_empty_reply_is_refused(owner_api, analysed):
    finish_reply(analysed)
    assert owner_api.post(url(analysed, "approve"), {"text": "   "}, format="json").status_code == 400


def test_regenerating_in_another_tone_starts_a_new_reply_run_with_the_same_findings(owner_api, analysed):
    finish_reply(analysed)
    findings_before = list(analysed.findings.values_list("number", "issue_type", "remedy_text"))
    first = ReplyDraft.objects.get(ticket=analysed)
    response = owner_api.post(url(analysed, "regenerate"), {"tone": "formal"}, format="json")
    assert response.status_code == 202 and response.json()["status"] == "drafting"
    second = analysed.drafts.first()
    assert second.pk != first.pk and second.tone == "formal" and second.run_id != first.run_id
    assert list(analysed.findings.values_list("number", "issue_type", "remedy_text")) == findings_before
    old, new = Run.objects.get(pk=first.run_id), Run.objects.get(pk=second.run_id)
    assert new.task == "support_reply" and new.status == RunStatus.QUEUED
    for key in ("findings", "remedies"):
        assert new.params["fields"][key] == old.params["fields"][key]
    assert new.params["fields"]["tone_instruction"].startswith("formal")
    assert old.params["fields"]["tone_instruction"].startswith("warm")


def test_regenerating_while_a_draft_is_written_cancels_the_old_run(owner_api, analysed):
    first = ReplyDraft.objects.get(ticket=analysed)
    owner_api.post(url(analysed, "regenerate"), {"tone": "brief", "language": "English"}, format="json")
    assert Run.objects.get(pk=first.run_id).status == RunStatus.CANCELLED


def test_a_late_old_draft_does_not_take_over_the_newest(owner_api, analysed):
    first = ReplyDraft.objects.get(ticket=analysed)
    owner_api.post(url(analysed, "regenerate"), {"tone": "brief"}, format="json")
    from apps.support.run_hooks import support_reply_done

    run = Run.objects.get(pk=first.run_id)
    run.text = "old"
    support_reply_done(run)
    analysed.refresh_from_db()
    assert analysed.status == "drafting"


def test_regenerating_is_refused_while_the_photos_are_analysed(owner_api, owner, product):
    ticket = ticket_for(owner, product)
    assert owner_api.post(url(ticket, "regenerate"), {"tone": "brief"}, format="json").status_code == 409
