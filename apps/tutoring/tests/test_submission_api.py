"""The API: classes, students, a submission from uploaded photos, its transcription and explanation, edits, approval."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.images import jpeg_bytes

from ..schemas import TRANSCRIBE_TASK
from .factories import explained, make_student, make_submission, transcribed

pytestmark = pytest.mark.django_db


def upload(api, *seeds):
    files = [SimpleUploadedFile(f"page-{s}.jpg", jpeg_bytes(600, 800, seed=s), "image/jpeg") for s in seeds]
    response = api.post("/api/photos/", {"files": files}, format="multipart")
    assert response.status_code == 201, response.content
    return [p["sha256"] for p in response.json()["photos"]]


def test_a_teacher_creates_a_class_and_a_student_in_it(owner_api):
    classroom = owner_api.post("/tutoring/api/classes/create/", {"name": "7B maths"}, format="json").json()
    body = {"name": "Li Wei", "grade_level": 8, "subject": "physics", "language": "zh-CN", "classroom": classroom["id"]}
    response = owner_api.post("/tutoring/api/students/create/", body, format="json")
    assert response.status_code == 201
    student = response.json()
    assert student["classroom"]["name"] == "7B maths" and student["language"] == "zh-CN" and student["grade_level"] == 8
    assert [s["name"] for s in owner_api.get("/tutoring/api/students/").json()] == ["Li Wei"]


def test_a_second_class_with_the_same_name_is_refused(owner_api):
    owner_api.post("/tutoring/api/classes/create/", {"name": "7B"}, format="json")
    response = owner_api.post("/tutoring/api/classes/create/", {"name": "7B"}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"


def test_a_submission_from_uploaded_pages_starts_the_transcription(owner, owner_api):
    student = make_student(owner)
    photos = upload(owner_api, 1, 2)
    body = {"student": student.id, "photos": photos, "teacher_note": "Only 4b."}
    response = owner_api.post("/tutoring/api/submissions/create/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "transcribing" and data["runs"]["transcribe"]["status"] == "queued"
    assert [p["sha256"] for p in data["pages"]] == photos and data["pages"][1]["page"] == 2
    assert data["subject"] == "math" and data["language"] == "en" and data["explanation"] is None
    run = owner_api.get(f"/api/runs/{data['runs']['transcribe']['id']}/").json()
    assert run["task"] == TRANSCRIBE_TASK and run["photos"] == photos


def test_more_pages_than_a_run_can_take_are_refused(owner, owner_api):
    student = make_student(owner)
    photos = upload(owner_api, 1, 2, 3, 4, 5)
    response = owner_api.post(
        "/tutoring/api/submissions/create/", {"student": student.id, "photos": photos}, format="json"
    )
    assert response.status_code == 400


def test_a_photo_the_teacher_cannot_see_is_refused(owner, owner_api, outsider_api):
    student = make_student(owner)
    foreign = upload(outsider_api, 9)
    response = owner_api.post(
        "/tutoring/api/submissions/create/", {"student": student.id, "photos": foreign}, format="json"
    )
    assert response.status_code == 400 and "Unknown photo" in response.json()["error"]["message"]


def test_the_detail_has_the_steps_with_boxes_in_both_scales_and_the_explanation(owner, owner_api):
    submission = explained(transcribed(make_submission(owner)))
    data = owner_api.get(f"/tutoring/api/submissions/{submission.id}/").json()
    first = data["transcription"]["steps"][0]
    assert first["bbox_2d"] == [100, 200, 600, 260]
    assert first["bbox_px"] == [60, 160, 360, 208]  # the stored page is 600 x 800 px
    assert data["explanation"]["wrong_step"] == 1 and data["state"] == "review"


def test_edits_replace_the_steps_and_keep_the_boxes_of_kept_steps(owner, owner_api):
    submission = explained(transcribed(make_submission(owner)))
    steps = owner_api.get(f"/tutoring/api/submissions/{submission.id}/").json()["transcription"]["steps"]
    body = {
        "steps": [
            {"id": steps[1]["id"], "text": "Divide by 2", "latex": "x = \\frac{8}{2}"},
            {"text": "New line", "latex": "x = 4", "page": 1},
        ],
        "wrong_step": 2,
        "explanation": "Edited.",
    }
    response = owner_api.patch(f"/tutoring/api/submissions/{submission.id}/edit/", body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    new_steps = data["transcription"]["steps"]
    assert [s["position"] for s in new_steps] == [1, 2] and new_steps[0]["bbox_2d"] == [100, 280, 500, 340]
    assert new_steps[1]["bbox_2d"] is None and data["explanation"]["wrong_step"] == 2
    assert data["explanation"]["explanation"] == "Edited."


def test_marking_a_step_that_does_not_exist_is_refused(owner, owner_api):
    submission = explained(transcribed(make_submission(owner)))
    response = owner_api.patch(f"/tutoring/api/submissions/{submission.id}/edit/", {"wrong_step": 7}, format="json")
    assert response.status_code == 400 and "3 step(s)" in response.json()["error"]["message"]


def test_a_step_on_a_missing_page_is_refused(owner, owner_api):
    submission = explained(transcribed(make_submission(owner)))
    body = {"steps": [{"text": "x", "page": 2}]}
    response = owner_api.patch(f"/tutoring/api/submissions/{submission.id}/edit/", body, format="json")
    assert response.status_code == 400


def test_nothing_can_be_approved_before_the_explanation(owner, owner_api):
    submission = make_submission(owner)
    assert owner_api.post(f"/tutoring/api/submissions/{submission.id}/approve/").status_code == 409


def test_editing_while_the_model_reads_is_refused(owner, owner_api):
    submission = make_submission(owner)
    response = owner_api.patch(f"/tutoring/api/submissions/{submission.id}/edit/", {"exercise": "x"}, format="json")
    assert response.status_code == 409


def test_approval_is_recorded_and_an_edit_asks_for_it_again(owner, owner_api):
    submission = explained(transcribed(make_submission(owner)))
    approved = owner_api.post(f"/tutoring/api/submissions/{submission.id}/approve/").json()
    assert approved["state"] == "approved" and approved["approved_at"]
    edited = owner_api.patch(f"/tutoring/api/submissions/{submission.id}/edit/", {"read_aloud": "Hi."}, format="json")
    assert edited.json()["state"] == "review" and edited.json()["approved_at"] is None


def test_explaining_again_starts_a_new_explanation_of_the_edited_work(owner, owner_api):
    submission = explained(transcribed(make_submission(owner)))
    owner_api.patch(f"/tutoring/api/submissions/{submission.id}/edit/", {"exercise": "Solve 3x = 9."}, format="json")
    response = owner_api.post(f"/tutoring/api/submissions/{submission.id}/explain/")
    assert response.status_code == 202
    data = response.json()
    assert data["state"] == "explaining" and data["runs"]["explain"]["id"] != str(submission.explain_run_id)
    submission.refresh_from_db()
    assert submission.explain_run.params["fields"]["exercise"].startswith("Solve 3x = 9.")
    assert owner_api.post(f"/tutoring/api/submissions/{submission.id}/explain/").status_code == 409


def test_the_worksheet_is_a_pdf_once_there_is_an_explanation(owner, owner_api):
    submission = transcribed(make_submission(owner))
    assert owner_api.get(f"/tutoring/api/submissions/{submission.id}/worksheet.pdf").status_code == 409
    explained(submission)
    response = owner_api.get(f"/tutoring/api/submissions/{submission.id}/worksheet.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and "attachment" in response["Content-Disposition"]
