"""What asking costs the database: a request reads the user's memberships once, and its session from the cache."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Membership, Role, Team
from core.roles import user_may_use_task
from core.selectors import photos_get_visible, user_is_admin, user_roles, user_team, user_team_ids
from tests.fixtures.people import PASSWORD
from tests.images import jpeg_bytes


def test_the_checks_of_one_request_read_the_users_memberships_once(owner, team, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert user_may_use_task(owner, "describe")
        assert user_team(owner) == team and user_team_ids(owner) == [team.id]
        assert not user_is_admin(owner) and user_roles(owner) == {Role.INSPECTOR}


def test_a_membership_saved_or_deleted_meanwhile_is_read_again(owner, team, other_team):
    assert user_team_ids(owner) == [team.id]
    added = Membership.objects.create(user=owner, team=other_team, role=Role.ADMIN)
    assert user_team_ids(owner) == [team.id, other_team.id] and user_is_admin(owner)
    assert user_team(owner, other_team.id) == other_team
    added.delete()
    assert user_team_ids(owner) == [team.id] and not user_is_admin(owner)
    Team.objects.filter(id=team.id).delete()  # the membership goes with its team
    assert user_team_ids(owner) == [] and photos_get_visible(user=owner, sha256s=[]) == []


def test_asking_a_question_from_a_browser_session_costs_nine_queries(client, owner, django_assert_num_queries):
    assert client.login(username=owner.username, password=PASSWORD)
    file = SimpleUploadedFile("p.jpg", jpeg_bytes(320, 240, seed=21), content_type="image/jpeg")
    sha = client.post("/api/photos/", {"files": [file]}).json()["photos"][0]["sha256"]
    body = {"photos": [sha], "question": "Is the valve open?"}
    # The user, their memberships, the photos; the run, its photo and the audit entry in one transaction; its
    # place in the queue. The session comes from the cache, and nothing is asked twice.
    with django_assert_num_queries(9):
        response = client.post("/api/runs/create/", body, content_type="application/json")
    assert response.status_code == 202
