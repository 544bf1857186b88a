"""Support is for support agents (and team leads, admins): someone with another role is refused the app."""

from __future__ import annotations

import pytest

from apps.support.models import Ticket
from apps.support.tests.factories import ticket_for
from tests.fixtures.people import api_client_for

pytestmark = pytest.mark.django_db


def test_a_person_without_a_support_role_is_refused_the_pages_and_the_api(client, inspector, owner, product):
    ticket = ticket_for(owner, product)
    client.force_login(inspector)
    for page in ("/support/", "/support/settings/", f"/support/tickets/{ticket.pk}/"):
        assert client.get(page).status_code == 403
    api = api_client_for(inspector)
    assert api.get("/support/api/tickets/").status_code == 403
    assert api.get(f"/support/api/tickets/{ticket.pk}/").status_code == 403
    response = api.post("/support/api/tickets/create/", {"sku": "KET-1", "photos": []}, format="json")
    assert response.status_code == 403 and "support agents" in response.json()["error"]["message"]
    assert Ticket.objects.count() == 1


def test_a_team_lead_may_use_support(client, lead, product):
    client.force_login(lead)
    assert client.get("/support/").status_code == 200


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/support/")
    assert response.status_code == 302 and "/login/" in response["Location"]
