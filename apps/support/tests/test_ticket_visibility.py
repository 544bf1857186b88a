"""Tickets belong to their team: teammates and admins see them; outsiders get 'not found' everywhere."""

from __future__ import annotations

import pytest

from apps.support.tests.factories import analysis, finish_analysis, finish_reply, issue, ticket_for
from tests.fixtures.people import api_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(owner, product, django_capture_on_commit_callbacks):
    ticket = ticket_for(owner, product)
    with django_capture_on_commit_callbacks(execute=True):
        finish_analysis(ticket, analysis(issues=[issue()]))
    return finish_reply(ticket)


def test_a_teammate_sees_the_ticket_its_findings_and_draft(teammate_api, ticket):
    data = teammate_api.get(f"/support/api/tickets/{ticket.pk}/").json()
    assert data["id"] == ticket.pk and data["findings"][0]["issue_type"] == "product_damage"
    assert data["draft"]["text"] == "Dear customer, we are sorry." and data["status"] == "review"
    assert [t["id"] for t in teammate_api.get("/support/api/tickets/").json()] == [ticket.pk]


def test_an_admin_sees_every_teams_tickets(admin_user, ticket):
    assert api_client_for(admin_user).get(f"/support/api/tickets/{ticket.pk}/").status_code == 200


def test_an_outsider_gets_not_found_for_every_ticket_endpoint(outsider_api, ticket):
    base = f"/support/api/tickets/{ticket.pk}"
    assert outsider_api.get(f"{base}/").status_code == 404
    assert outsider_api.post(f"{base}/regenerate/", {"tone": "formal"}, format="json").status_code == 404
    assert outsider_api.post(f"{base}/draft/", {"text": "hi"}, format="json").status_code == 404
    assert outsider_api.post(f"{base}/approve/", {}, format="json").status_code == 404
    assert outsider_api.get("/support/api/tickets/").json() == []
    ticket.refresh_from_db()
    assert ticket.status == "review" and ticket.drafts.count() == 1


def test_an_outsider_cannot_open_the_ticket_page_or_its_photos(client, outsider, ticket):
    client.force_login(outsider)
    assert client.get(f"/support/tickets/{ticket.pk}/").status_code == 404
    assert client.get(f"/photos/{ticket.photos.first().sha256}/").status_code == 404
    assert "Glass kettle" not in client.get("/support/").content.decode()


def test_an_outsider_cannot_read_the_tickets_runs(outsider_api, ticket):
    assert outsider_api.get(f"/api/runs/{ticket.analysis_run_id}/").status_code == 404
    assert outsider_api.get(f"/api/runs/{ticket.drafts.first().run_id}/").status_code == 404
