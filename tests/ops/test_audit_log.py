"""The audit log records who did what to which record; runs are recorded by core, apps call audit_record."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent, Run, RunStatus
from core.services.audit import audit_record
from tests.images import jpeg_bytes

pytestmark = pytest.mark.django_db


def start_run(api) -> str:
    file = SimpleUploadedFile("p.jpg", jpeg_bytes(320, 240, seed=80), content_type="image/jpeg")
    sha = api.post("/api/photos/", {"files": [file]}, format="multipart").json()["photos"][0]["sha256"]
    return api.post("/api/runs/create/", {"photos": [sha], "question": "?"}, format="json").json()["id"]


def test_creating_cancelling_and_retrying_a_run_are_recorded_with_the_actor(owner_api, owner, team):
    run_id = start_run(owner_api)
    assert owner_api.post(f"/api/runs/{run_id}/cancel/").status_code == 200
    assert owner_api.post(f"/api/runs/{run_id}/retry/").status_code == 202
    events = list(AuditEvent.objects.filter(target_id=run_id).order_by("id"))
    assert [e.action for e in events] == ["run.create", "run.cancel", "run.retry"]
    assert all(e.actor == owner and e.actor_name == "olivia" and e.team == team for e in events)
    assert events[0].target_type == "core.run" and events[0].details == {"task": "describe", "priority": 0}


def test_an_app_records_an_action_on_its_own_record(owner, team):
    run = Run.objects.create(task="describe", template_version=1, team=team, status=RunStatus.DONE)
    event = audit_record(actor=owner, action="report.approve", target=run, details={"version": 2})
    assert (event.action, event.target_id, event.team, event.details) == (
        "report.approve",
        str(run.id),
        team,
        {"version": 2},
    )


def test_a_system_action_and_a_plain_text_target_are_recorded_too(team):
    event = audit_record(actor=None, action="export.nightly", target="all reports of March", team=team)
    assert event.actor is None and event.actor_name == "" and event.target_repr == "all reports of March"


def test_the_actor_name_survives_the_users_deletion(owner, team):
    event = audit_record(actor=owner, action="photo.upload", target=team)
    owner.delete()
    event.refresh_from_db()
    assert event.actor is None and event.actor_name == "olivia"


def test_the_admin_lists_and_filters_the_log_and_nobody_can_edit_it(client, admin_user, owner, team):
    audit_record(actor=owner, action="report.approve", target=team)
    audit_record(actor=owner, action="report.export", target=team)
    client.force_login(admin_user)
    page = client.get("/admin/core/auditevent/?action=report.export").content.decode()
    assert "report.export" in page and "report.approve</td>" not in page
    assert client.get("/admin/core/auditevent/?q=olivia").status_code == 200
    event = AuditEvent.objects.first()
    assert client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/core/auditevent/add/").status_code == 403
