"""Tutoring pages. Thin: they read through selectors and render; the browser talks to the API."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.errors import NotFound
from core.roles import role_required

from .apis import submission_payload
from .models import Language, Subject
from .schemas import MAX_PAGES, MISTAKE_TYPES
from .selectors import (
    classrooms_visible_to,
    student_get_visible,
    student_history,
    student_mistake_counts,
    students_visible_to,
    submission_get_visible,
    submissions_visible_to,
)


def _not_found(message: str) -> HttpResponse:
    return HttpResponse(message, status=404, content_type="text/plain")


@role_required("tutoring")
def index(request: HttpRequest) -> HttpResponse:
    students = students_visible_to(request.user).annotate(submission_count=Count("submissions"))
    context = {
        "classrooms": classrooms_visible_to(request.user),
        "students": students,
        "submissions": submissions_visible_to(request.user)[:20],
        "subjects": Subject.choices,
        "languages": Language.choices,
        "grades": range(1, 14),
        "max_pages": MAX_PAGES,
    }
    return render(request, "tutoring/index.html", context)


@role_required("tutoring")
def student_page(request: HttpRequest, student_id: int) -> HttpResponse:
    try:
        student = student_get_visible(user=request.user, student_id=student_id)
    except NotFound:
        return _not_found("No such student.")
    context = {
        "student": student,
        "submissions": student_history(student),
        "mistakes": student_mistake_counts(student),
    }
    return render(request, "tutoring/student.html", context)


@role_required("tutoring")
def submission_page(request: HttpRequest, submission_id: int) -> HttpResponse:
    try:
        submission = submission_get_visible(user=request.user, submission_id=submission_id)
    except NotFound:
        return _not_found("No such submission.")
    context = {
        "submission": submission,
        "payload": submission_payload(submission),
        "mistake_types": MISTAKE_TYPES,
    }
    return render(request, "tutoring/submission.html", context)
