"""Tutoring is for teachers (and team leads, admins): someone with another role is refused the app."""

from __future__ import annotations

import pytest

from tests.fixtures.people import api_client_for

pytestmark = pytest.mark.django_db


def test_a_person_without_a_teaching_role_is_refused_the_pages_and_the_api(client, inspector):
    client.force_login(inspector)
    assert client.get("/tutoring/").status_code == 403
    api = api_client_for(inspector)
    assert api.get("/tutoring/api/students/").status_code == 403
    response = api.post("/tutoring/api/classes/create/", {"name": "7B"}, format="json")
    assert response.status_code == 403 and "teachers" in response.json()["error"]["message"]


def test_the_outsider_teacher_may_use_the_app_but_sees_only_their_own(outsider, client):
    client.force_login(outsider)
    assert client.get("/tutoring/").status_code == 200
    assert api_client_for(outsider).get("/tutoring/api/students/").json() == []


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/tutoring/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert api_client_for(None).get("/tutoring/api/students/").status_code in (401, 403)
