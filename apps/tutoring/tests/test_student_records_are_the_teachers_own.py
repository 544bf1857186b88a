"""Student records are visible to their teacher (and admins) only: anyone else gets "not found" everywhere."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from core.routing import websocket_urlpatterns
from tests.fixtures.people import api_client_for

from .factories import explained, make_student, make_submission, transcribed


def urls_of(submission):
    sid, student = submission.id, submission.student_id
    pages = [f"/tutoring/students/{student}/", f"/tutoring/submissions/{sid}/"]
    api = [
        f"/tutoring/api/students/{student}/",
        f"/tutoring/api/submissions/{sid}/",
        f"/tutoring/api/submissions/{sid}/worksheet.pdf",
    ]
    return pages, api


@pytest.fixture
def submission(owner):
    return explained(transcribed(make_submission(owner)))


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "teammate"])
def test_another_teacher_gets_not_found_on_pages_api_and_pdf(request, client, submission, who):
    user = request.getfixturevalue(who)
    api = api_client_for(user)
    client.force_login(user)
    pages, reads = urls_of(submission)
    for url in pages:
        assert client.get(url).status_code == 404, url
    for url in reads:
        assert api.get(url).status_code == 404, url
    sid = submission.id
    assert api.patch(f"/tutoring/api/submissions/{sid}/edit/", {"exercise": "x"}, format="json").status_code == 404
    assert api.post(f"/tutoring/api/submissions/{sid}/approve/").status_code == 404
    assert api.post(f"/tutoring/api/submissions/{sid}/explain/").status_code == 404
    assert api.get(f"/api/runs/{submission.transcribe_run_id}/").status_code == 404
    assert client.get(f"/runs/{submission.explain_run_id}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "teammate"])
def test_another_teacher_sees_none_of_the_records_in_lists(request, client, submission, who):
    user = request.getfixturevalue(who)
    api = api_client_for(user)
    assert api.get("/tutoring/api/students/").json() == []
    assert api.get("/tutoring/api/submissions/").json() == []
    client.force_login(user)
    assert submission.student.name not in client.get("/tutoring/").content.decode()


@pytest.mark.django_db
def test_another_teacher_cannot_submit_work_for_a_student_not_theirs(owner, outsider_api, teammate):
    student = make_student(owner)
    body = {"student": student.id, "photos": ["0" * 64]}
    assert outsider_api.post("/tutoring/api/submissions/create/", body, format="json").status_code == 404
    assert api_client_for(teammate).post("/tutoring/api/submissions/create/", body, format="json").status_code == 404


@pytest.mark.django_db
def test_the_teacher_and_an_admin_see_everything(client, owner, admin_user, submission):
    for user in (owner, admin_user):
        api = api_client_for(user)
        client.force_login(user)
        pages, reads = urls_of(submission)
        for url in pages:
            assert client.get(url).status_code == 200, url
        for url in reads:
            assert api.get(url).status_code == 200, url


async def opens(user, run_id) -> tuple[bool, int | None]:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/runs/{run_id}/")
    communicator.scope["user"] = user
    connected, code = await communicator.connect(timeout=15)
    await communicator.disconnect()
    return connected, code


@pytest.mark.django_db(transaction=True)
async def test_only_the_teacher_can_open_the_runs_streams(owner, teammate, outsider):
    submission = await database_sync_to_async(make_submission)(owner)
    run_id = submission.transcribe_run_id
    assert await opens(outsider, run_id) == (False, 4404)
    assert await opens(teammate, run_id) == (False, 4404)
    assert (await opens(owner, run_id))[0]
