"""Reads: a teacher sees their own classes, students and submissions (admins see all); others get "not found"."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from core.errors import NotFound
from core.models import Run
from core.run_hooks import restrict_visibility
from core.selectors import user_is_admin, visible_to

from .models import Classroom, Student, Submission
from .schemas import EXPLAIN_TASK, TRANSCRIBE_TASK


def _own(queryset: QuerySet, user: Any) -> QuerySet:
    """Records of the user's team that the user teaches; everything for admins."""
    if user_is_admin(user):
        return queryset
    return visible_to(queryset, user).filter(teacher=user)


def classrooms_visible_to(user: Any) -> QuerySet[Classroom]:
    return _own(Classroom.objects.all(), user)


def classroom_get_visible(*, user: Any, classroom_id: int) -> Classroom:
    classroom = classrooms_visible_to(user).filter(id=classroom_id).first()
    if classroom is None:
        raise NotFound("No such class.")
    return classroom


def students_visible_to(user: Any) -> QuerySet[Student]:
    return _own(Student.objects.select_related("classroom"), user)


def student_get_visible(*, user: Any, student_id: int) -> Student:
    student = students_visible_to(user).filter(id=student_id).first()
    if student is None:
        raise NotFound("No such student.")
    return student


def submissions_visible_to(user: Any) -> QuerySet[Submission]:
    related = ["student", "transcribe_run", "explain_run", "wrong_step"]
    return _own(Submission.objects.select_related(*related), user)


def submission_get_visible(*, user: Any, submission_id: int) -> Submission:
    submission = submissions_visible_to(user).prefetch_related("pages__photo", "steps").filter(id=submission_id)
    found = submission.first()
    if found is None:
        raise NotFound("No such submission.")
    return found


def submission_for_run(run: Run) -> Submission | None:
    return Submission.objects.filter(transcribe_run=run).first() or Submission.objects.filter(explain_run=run).first()


@restrict_visibility(TRANSCRIBE_TASK)
@restrict_visibility(EXPLAIN_TASK)
def run_is_own_submission(run: Run, user: Any) -> bool:
    """A tutoring run is shown to the teacher of its submission only, not to their whole team."""
    submission = submission_for_run(run)
    teacher_id = submission.teacher_id if submission is not None else run.created_by_id
    return teacher_id == getattr(user, "id", None)


@dataclass(frozen=True)
class MistakeCount:
    mistake_type: str
    count: int

    @property
    def recurring(self) -> bool:
        return self.count >= 2


def student_mistake_counts(student: Student) -> list[MistakeCount]:
    """How often each kind of mistake appears in the student's explained work, most frequent first."""
    types = (
        Submission.objects.filter(student=student, explained=True, no_error_found=False)
        .exclude(mistake_type__in=["", "none"])
        .values_list("mistake_type", flat=True)
    )
    counts = Counter(types)
    return [MistakeCount(t, n) for t, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def student_history(student: Student) -> QuerySet[Submission]:
    return student.submissions.select_related("transcribe_run", "explain_run", "wrong_step").order_by("-created_at")
