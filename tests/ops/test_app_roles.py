"""Each app opens to its roles only: pages, APIs and the nav use the same check; admins open everything."""

from __future__ import annotations

import pytest

from core.models import Membership, Role
from core.roles import app_permission, apps_for, refusal_message, role_required, task_app, user_may_use
from tests.fixtures.people import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.ops.role_urls")]

EXPECTED = {
    Role.INSPECTOR: {"inspection"},
    Role.SUPPORT_AGENT: {"support"},
    Role.TEACHER: {"tutoring"},
    Role.TEAM_LEAD: {"inspection", "support", "tutoring"},
    Role.ADMIN: {"inspection", "support", "tutoring", "ops"},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_opens_exactly_its_apps(team, role):
    user = make_user(f"user-{role}", team, role=role)
    opened = {app for app, ok in apps_for(user).items() if ok} - {"ask", "batches"}
    assert opened == EXPECTED[role]
    assert all(user_may_use(user, app) == (app in opened) for app in ("inspection", "support", "tutoring", "ops"))


def test_everyone_may_ask_about_photos_but_anonymous_visitors_may_not(owner, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert user_may_use(owner, "ask") and user_may_use(owner, "batches")
    assert not any(apps_for(AnonymousUser()).values())


def test_a_superuser_opens_every_app(admin_user):
    assert all(apps_for(admin_user).values())


def test_roles_from_several_teams_add_up(team, other_team):
    user = make_user("multi", team, role=Role.INSPECTOR)
    Membership.objects.create(user=user, team=other_team, role=Role.TEACHER)
    assert user_may_use(user, "inspection") and user_may_use(user, "tutoring") and not user_may_use(user, "support")


def test_a_page_refuses_a_user_without_the_role_with_a_clear_message(client, owner, support_agent):
    client.force_login(owner)  # an inspector
    response = client.get("/guarded/support/")
    assert response.status_code == 403
    assert "Support is for support agents, team leads and admins" in response.content.decode()
    client.force_login(support_agent)
    assert client.get("/guarded/support/").content == b"support desk"


def test_a_page_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/guarded/support/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_api_refuses_a_user_without_the_role_in_the_core_error_shape(owner_api, support_agent):
    from tests.fixtures.people import api_client_for

    response = owner_api.get("/guarded/api/support/")
    assert response.status_code == 403
    assert response.json()["error"] == {"code": "forbidden", "message": refusal_message("support"), "details": {}}
    assert api_client_for(support_agent).get("/guarded/api/support/").json() == {"ok": True}


def test_an_api_refuses_anonymous_callers(client):
    assert client.get("/guarded/api/support/").status_code in (401, 403)


def test_the_nav_shows_only_the_apps_the_user_may_open(client, teacher, admin_member):
    client.force_login(teacher)
    nav = client.get("/").content.decode().split("<nav>")[1].split("</nav>")[0]
    assert "Tutoring" in nav and "Ask about photos" in nav
    assert "Inspection" not in nav and "Support" not in nav and "Operations" not in nav
    client.force_login(admin_member)
    nav = client.get("/").content.decode().split("<nav>")[1].split("</nav>")[0]
    assert all(name in nav for name in ("Inspection", "Support", "Tutoring", "Operations"))


def test_unknown_app_names_fail_at_import_time():
    with pytest.raises(ValueError):
        role_required("inspektion")
    with pytest.raises(ValueError):
        app_permission("inspektion")


def test_a_task_belongs_to_the_app_that_registered_its_hooks(monkeypatch):
    from core import roles

    def handler(run):
        return None

    handler.__module__ = "apps.support.run_hooks"
    monkeypatch.setattr(roles, "done_handler_for", lambda task: handler if task == "defect_x" else None)
    assert task_app("defect_x") == "support" and task_app("describe") == "ask"
    roles.assign_tasks("tutoring", "homework_x")
    assert task_app("homework_x") == "tutoring"


def test_the_generic_run_api_applies_the_tasks_app_roles(owner_api, monkeypatch):
    from core import roles

    monkeypatch.setitem(roles._task_apps, "describe", "support")
    response = owner_api.post("/api/runs/create/", {"photos": ["0" * 64], "question": "?"}, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
