"""Creating and reading runs through the API; the run is persisted at once, and outsiders see nothing."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Run, RunStatus
from tests.images import jpeg_bytes


def uploaded_sha(client, seed: int = 0) -> str:
    file = SimpleUploadedFile("p.jpg", jpeg_bytes(320, 240, seed=seed), content_type="image/jpeg")
    return client.post("/api/photos/", {"files": [file]}, format="multipart").json()["photos"][0]["sha256"]


def test_creating_a_run_persists_it_with_the_users_controls(owner_api):
    sha = uploaded_sha(owner_api)
    body = {"photos": [sha], "question": "Is the valve open?", "activity": "strict", "length": "sentence"}
    response = owner_api.post("/api/runs/create/", body, format="json")
    assert response.status_code == 202
    run = Run.objects.get(id=response.json()["id"])
    assert run.status == RunStatus.QUEUED and run.params["fields"]["question"] == "Is the valve open?"
    assert run.params["max_tokens"] == 64 and run.params["sampling"]["temperature"] == 0.1
    assert [p.sha256 for p in run.photos.all()] == [sha]


def test_a_question_is_required(owner_api):
    response = owner_api.post("/api/runs/create/", {"photos": [uploaded_sha(owner_api)]}, format="json")
    assert response.status_code == 400 and "question" in response.json()["error"]["message"]


def test_an_outsiders_photo_cannot_be_used_in_a_run(owner_api, outsider_api):
    sha = uploaded_sha(owner_api, seed=3)
    response = outsider_api.post("/api/runs/create/", {"photos": [sha], "question": "?"}, format="json")
    assert response.status_code == 400 and response.json()["error"]["details"]["photos"] == [sha]


def test_an_outsider_cannot_read_retry_or_cancel_a_run(owner_api, outsider_api):
    sha = uploaded_sha(owner_api, seed=4)
    run_id = owner_api.post("/api/runs/create/", {"photos": [sha], "question": "?"}, format="json").json()["id"]
    assert outsider_api.get(f"/api/runs/{run_id}/").status_code == 404
    assert outsider_api.post(f"/api/runs/{run_id}/retry/").status_code == 404
    assert outsider_api.post(f"/api/runs/{run_id}/cancel/").status_code == 404
    assert owner_api.get(f"/api/runs/{run_id}/").json()["status"] == "queued"


def test_too_many_waiting_runs_get_a_clear_busy_answer(owner_api, settings):
    settings.RUNS_MAX_QUEUED = 0
    settings.RUNS_MAX_IN_FLIGHT = 0
    response = owner_api.post(
        "/api/runs/create/", {"photos": [uploaded_sha(owner_api)], "question": "?"}, format="json"
    )
    assert response.status_code == 503 and response["Retry-After"]
    assert response.json()["error"]["code"] == "busy"


def test_a_failed_run_can_be_retried_and_a_queued_one_cannot(owner_api):
    sha = uploaded_sha(owner_api, seed=5)
    run_id = owner_api.post("/api/runs/create/", {"photos": [sha], "question": "?"}, format="json").json()["id"]
    assert owner_api.post(f"/api/runs/{run_id}/retry/").status_code == 409
    Run.objects.filter(id=run_id).update(status=RunStatus.FAILED, error="engine down")
    response = owner_api.post(f"/api/runs/{run_id}/retry/")
    assert response.status_code == 202 and response.json()["status"] == "queued" and response.json()["error"] == ""


def test_the_openapi_schema_describes_the_api(owner_api):
    response = owner_api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/photos/" in paths and "/api/runs/create/" in paths


def test_the_photo_detail_control_sets_the_photos_budget(owner_api):
    sha = uploaded_sha(owner_api, seed=8)
    overview = owner_api.post(
        "/api/runs/create/", {"photos": [sha], "question": "What room is this?", "detail": "overview"}, format="json"
    )
    full = owner_api.post("/api/runs/create/", {"photos": [sha], "question": "Read the label."}, format="json")
    assert Run.objects.get(id=overview.json()["id"]).params["image_tokens"] == 256
    assert "image_tokens" not in Run.objects.get(id=full.json()["id"]).params, "full detail is the task's own"


def test_an_unknown_photo_detail_is_refused_by_name(owner_api):
    body = {"photos": [uploaded_sha(owner_api, seed=9)], "question": "?", "detail": "microscope"}
    response = owner_api.post("/api/runs/create/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"]["fields"]["detail"] == ['"microscope" is not a valid choice.']
