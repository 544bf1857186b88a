"""A student's history: their submissions, newest first, and the kinds of mistakes that keep coming back."""

from __future__ import annotations

import pytest

from ..selectors import student_mistake_counts
from .factories import EXPLANATION, explained, make_student, make_submission, transcribed

pytestmark = pytest.mark.django_db


def homework(owner, student, mistake_type, first_wrong_step=1, seed=0):
    result = {**EXPLANATION, "mistake_type": mistake_type, "first_wrong_step": first_wrong_step}
    return explained(transcribed(make_submission(owner, student=student, seed=seed)), result)


def test_mistakes_that_come_back_are_counted_and_called_recurring(owner):
    student = make_student(owner)
    homework(owner, student, "sign", seed=1)
    homework(owner, student, "sign", seed=2)
    homework(owner, student, "units", seed=3)
    homework(owner, student, "fractions", first_wrong_step=0, seed=4)  # no error found: not a mistake
    counts = student_mistake_counts(student)
    assert [(c.mistake_type, c.count, c.recurring) for c in counts] == [("sign", 2, True), ("units", 1, False)]


def test_the_history_api_lists_submissions_and_mistakes(owner, owner_api):
    student = make_student(owner)
    homework(owner, student, "sign", seed=1)
    homework(owner, student, "sign", seed=2)
    data = owner_api.get(f"/tutoring/api/students/{student.id}/").json()
    assert data["student"]["name"] == "Mia" and len(data["submissions"]) == 2
    assert data["submissions"][0]["wrong_step"] == 1 and data["submissions"][0]["state"] == "review"
    assert data["mistakes"] == [{"mistake_type": "sign", "count": 2, "recurring": True}]


def test_the_history_page_shows_the_recurring_mistake(client, owner):
    student = make_student(owner)
    homework(owner, student, "sign", seed=1)
    homework(owner, student, "sign", seed=2)
    client.force_login(owner)
    html = client.get(f"/tutoring/students/{student.id}/").content.decode()
    assert "recurring" in html and "2 times" in html and html.count("/tutoring/submissions/") == 2
