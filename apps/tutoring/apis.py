"""REST API of tutoring: each endpoint validates, calls one service or selector, serializes the result."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import Conflict
from core.roles import app_permission
from core.selectors import photos_get_visible, user_team

from .models import Classroom, Language, Step, Student, Subject, Submission
from .schemas import MAX_CORRECT_STEPS, MAX_PAGES, MISTAKE_TYPES
from .selectors import (
    classroom_get_visible,
    classrooms_visible_to,
    student_get_visible,
    student_history,
    student_mistake_counts,
    students_visible_to,
    submission_get_visible,
    submissions_visible_to,
)
from .services import (
    SubmissionEdit,
    classroom_create,
    student_create,
    submission_approve,
    submission_create,
    submission_explain,
    submission_update,
)
from .worksheet import worksheet_pdf

MAX_EDITED_STEPS = 40


class TutoringApi(APIView):
    """Every tutoring endpoint is for teachers (and team leads, admins); records are then the teacher's own."""

    permission_classes = [app_permission("tutoring")]


# ---- output shapes ----------------------------------------------------------------------------------------------
class ClassroomOutput(serializers.ModelSerializer):
    class Meta:
        model = Classroom
        fields = ["id", "name", "created_at"]


class StudentOutput(serializers.ModelSerializer):
    classroom = ClassroomOutput(allow_null=True)

    class Meta:
        model = Student
        fields = ["id", "name", "classroom", "subject", "grade_level", "language", "created_at"]


class StepOutput(serializers.ModelSerializer):
    bbox_2d = serializers.JSONField(source="bbox", help_text="[x1, y1, x2, y2] on the 0-1000 scale of its page.")
    bbox_px = serializers.SerializerMethodField(help_text="The same box in pixels of the stored page photo.")

    class Meta:
        model = Step
        fields = ["id", "position", "page", "text", "latex", "crossed_out", "bbox_2d", "bbox_px"]

    def get_bbox_px(self, step: Step) -> list[int] | None:
        size = self.context.get("page_sizes", {}).get(step.page)
        if not step.bbox or size is None:
            return None
        width, height = size
        x1, y1, x2, y2 = step.bbox
        return [
            round(x1 / 1000 * width),
            round(y1 / 1000 * height),
            round(x2 / 1000 * width),
            round(y2 / 1000 * height),
        ]


def _run_state(run: Any) -> dict[str, Any] | None:
    return None if run is None else {"id": str(run.id), "status": run.status, "error": run.error}


def submission_payload(submission: Submission) -> dict[str, Any]:
    """Everything the review page and API clients need about one submission."""
    pages = list(submission.pages.all())
    steps = StepOutput(
        submission.steps.all(),
        many=True,
        context={"page_sizes": {p.position: (p.photo.width, p.photo.height) for p in pages}},
    ).data
    explanation = None
    if submission.explained:
        explanation = {
            "problem_restated": submission.problem_restated,
            "wrong_step": submission.wrong_step.position if submission.wrong_step else None,
            "no_error_found": submission.no_error_found,
            "wrong_step_note": submission.wrong_step_note,
            "why_wrong": submission.why_wrong,
            "mistake_type": submission.mistake_type,
            "correct_steps": submission.correct_steps,
            "explanation": submission.explanation,
            "read_aloud": submission.read_aloud,
        }
    return {
        "id": submission.id,
        "student": {
            "id": submission.student_id,
            "name": submission.student.name,
            "grade_level": submission.student.grade_level,
        },
        "subject": submission.subject,
        "language": submission.language,
        "teacher_note": submission.teacher_note,
        "state": submission.state,
        "state_label": submission.state_label,
        "created_at": submission.created_at.isoformat(),
        "edited_at": submission.edited_at.isoformat() if submission.edited_at else None,
        "approved_at": submission.approved_at.isoformat() if submission.approved_at else None,
        "pages": [
            {
                "page": p.position,
                "sha256": p.photo.sha256,
                "width": p.photo.width,
                "height": p.photo.height,
                "url": f"/photos/{p.photo.sha256}/",
                "thumbnail_url": f"/photos/{p.photo.sha256}/thumb/",
            }
            for p in pages
        ],  # fmt: skip
        "transcription": {"exercise": submission.exercise, "exercise_latex": submission.exercise_latex, "steps": steps},
        "explanation": explanation,
        "runs": {"transcribe": _run_state(submission.transcribe_run), "explain": _run_state(submission.explain_run)},
        "start_error": submission.start_error,
        "worksheet_url": reverse("tutoring:api-submission-worksheet", args=[submission.id]),
        "page_url": reverse("tutoring:submission", args=[submission.id]),
    }


class SubmissionOutput(serializers.Serializer):
    """The shape of `submission_payload` (documented for API clients)."""

    id = serializers.IntegerField()
    student = serializers.DictField()
    subject = serializers.ChoiceField(choices=Subject.choices)
    language = serializers.ChoiceField(choices=Language.choices)
    teacher_note = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    pages = serializers.ListField(child=serializers.DictField())
    transcription = serializers.DictField()
    explanation = serializers.DictField(allow_null=True)
    runs = serializers.DictField()
    start_error = serializers.CharField()
    worksheet_url = serializers.CharField()
    page_url = serializers.CharField()


class SubmissionSummaryOutput(serializers.ModelSerializer):
    student = serializers.CharField(source="student.name")
    state = serializers.CharField()
    wrong_step = serializers.IntegerField(source="wrong_step.position", allow_null=True, default=None)

    class Meta:
        model = Submission
        fields = ["id", "student", "subject", "state", "mistake_type", "no_error_found", "wrong_step", "created_at"]


# ---- classes and students ---------------------------------------------------------------------------------------
class ClassroomListApi(TutoringApi):
    @extend_schema(responses={200: ClassroomOutput(many=True)})
    def get(self, request: Request) -> Response:
        return Response(ClassroomOutput(classrooms_visible_to(request.user), many=True).data)


class ClassroomCreateApi(TutoringApi):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        team = serializers.IntegerField(required=False)

    @extend_schema(request=InputSerializer, responses={201: ClassroomOutput})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        classroom = classroom_create(
            user=request.user, team=user_team(request.user, data.get("team")), name=data["name"]
        )
        return Response(ClassroomOutput(classroom).data, status=status.HTTP_201_CREATED)


class StudentListApi(TutoringApi):
    @extend_schema(responses={200: StudentOutput(many=True)})
    def get(self, request: Request) -> Response:
        return Response(StudentOutput(students_visible_to(request.user), many=True).data)


class StudentCreateApi(TutoringApi):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        grade_level = serializers.IntegerField(min_value=1, max_value=13)
        subject = serializers.ChoiceField(choices=Subject.choices, default=Subject.MATH)
        language = serializers.ChoiceField(choices=Language.choices, default=Language.ENGLISH)
        classroom = serializers.IntegerField(required=False, allow_null=True)
        team = serializers.IntegerField(required=False)

    @extend_schema(request=InputSerializer, responses={201: StudentOutput})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        classroom = None
        if data.get("classroom"):
            classroom = classroom_get_visible(user=request.user, classroom_id=data["classroom"])
        student = student_create(
            user=request.user,
            team=classroom.team if classroom else user_team(request.user, data.get("team")),
            name=data["name"],
            grade_level=data["grade_level"],
            subject=data["subject"],
            language=data["language"],
            classroom=classroom,
        )
        return Response(StudentOutput(student).data, status=status.HTTP_201_CREATED)


class StudentHistoryApi(TutoringApi):
    class OutputSerializer(serializers.Serializer):
        student = StudentOutput()
        submissions = SubmissionSummaryOutput(many=True)
        mistakes = serializers.ListField(child=serializers.DictField())

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request: Request, student_id: int) -> Response:
        student = student_get_visible(user=request.user, student_id=student_id)
        mistakes = [
            {"mistake_type": m.mistake_type, "count": m.count, "recurring": m.recurring}
            for m in student_mistake_counts(student)
        ]
        body = {"student": student, "submissions": student_history(student), "mistakes": mistakes}
        return Response(self.OutputSerializer(body).data)


# ---- submissions ------------------------------------------------------------------------------------------------
class SubmissionListApi(TutoringApi):
    @extend_schema(responses={200: SubmissionSummaryOutput(many=True)})
    def get(self, request: Request) -> Response:
        submissions = submissions_visible_to(request.user)
        if request.query_params.get("student", "").isdigit():
            submissions = submissions.filter(student_id=int(request.query_params["student"]))
        return Response(SubmissionSummaryOutput(submissions[:100], many=True).data)


class SubmissionCreateApi(TutoringApi):
    class InputSerializer(serializers.Serializer):
        student = serializers.IntegerField()
        photos = serializers.ListField(
            child=serializers.CharField(max_length=64), allow_empty=False, max_length=MAX_PAGES,
            help_text="sha256 of each page, in page order, from POST /api/photos/.",
        )  # fmt: skip
        subject = serializers.ChoiceField(choices=Subject.choices, required=False)
        language = serializers.ChoiceField(choices=Language.choices, required=False)
        teacher_note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: SubmissionOutput})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        submission = submission_create(
            user=request.user,
            student=student_get_visible(user=request.user, student_id=data["student"]),
            photos=photos_get_visible(user=request.user, sha256s=data["photos"]),
            subject=data.get("subject", ""),
            language=data.get("language", ""),
            teacher_note=data["teacher_note"],
        )
        submission = submission_get_visible(user=request.user, submission_id=submission.id)
        return Response(submission_payload(submission), status=status.HTTP_201_CREATED)


class SubmissionDetailApi(TutoringApi):
    @extend_schema(responses={200: SubmissionOutput})
    def get(self, request: Request, submission_id: int) -> Response:
        return Response(submission_payload(submission_get_visible(user=request.user, submission_id=submission_id)))


class StepInput(serializers.Serializer):
    id = serializers.IntegerField(required=False, allow_null=True, help_text="Keep this step's box.")
    page = serializers.IntegerField(min_value=1, max_value=MAX_PAGES, required=False)
    text = serializers.CharField(max_length=1000, allow_blank=True, default="")
    latex = serializers.CharField(max_length=1000, allow_blank=True, default="")
    crossed_out = serializers.BooleanField(default=False)
    bbox_2d = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=1000), min_length=4, max_length=4,
        required=False, allow_null=True,
    )  # fmt: skip


class CorrectStepInput(serializers.Serializer):
    text = serializers.CharField(max_length=1000, allow_blank=True, default="")
    latex = serializers.CharField(max_length=1000, allow_blank=True, default="")


class SubmissionUpdateApi(TutoringApi):
    class InputSerializer(serializers.Serializer):
        exercise = serializers.CharField(max_length=4000, required=False, allow_blank=True)
        exercise_latex = serializers.CharField(max_length=2000, required=False, allow_blank=True)
        steps = StepInput(many=True, required=False, max_length=MAX_EDITED_STEPS)
        wrong_step = serializers.IntegerField(min_value=0, required=False, help_text="A step number; 0: no error.")
        problem_restated = serializers.CharField(max_length=4000, required=False, allow_blank=True)
        why_wrong = serializers.CharField(max_length=4000, required=False, allow_blank=True)
        mistake_type = serializers.ChoiceField(choices=MISTAKE_TYPES, required=False)
        correct_steps = CorrectStepInput(many=True, required=False, max_length=MAX_CORRECT_STEPS * 2)
        explanation = serializers.CharField(max_length=8000, required=False, allow_blank=True)
        read_aloud = serializers.CharField(max_length=4000, required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses={200: SubmissionOutput})
    def patch(self, request: Request, submission_id: int) -> Response:
        submission = submission_get_visible(user=request.user, submission_id=submission_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission_update(submission=submission, user=request.user, edit=SubmissionEdit(**serializer.validated_data))
        return Response(submission_payload(submission_get_visible(user=request.user, submission_id=submission_id)))


class SubmissionExplainApi(TutoringApi):
    @extend_schema(request=None, responses={202: SubmissionOutput})
    def post(self, request: Request, submission_id: int) -> Response:
        submission_explain(submission=submission_get_visible(user=request.user, submission_id=submission_id))
        submission = submission_get_visible(user=request.user, submission_id=submission_id)
        return Response(submission_payload(submission), status=status.HTTP_202_ACCEPTED)


class SubmissionApproveApi(TutoringApi):
    @extend_schema(request=None, responses={200: SubmissionOutput})
    def post(self, request: Request, submission_id: int) -> Response:
        submission_approve(
            submission=submission_get_visible(user=request.user, submission_id=submission_id), user=request.user
        )
        return Response(submission_payload(submission_get_visible(user=request.user, submission_id=submission_id)))


class SubmissionWorksheetApi(TutoringApi):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, submission_id: int) -> HttpResponse:
        submission = submission_get_visible(user=request.user, submission_id=submission_id)
        if not submission.explained:
            raise Conflict("The worksheet is ready once the explanation is.")
        response = HttpResponse(worksheet_pdf(submission), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="worksheet-{submission.id}.pdf"'
        return response
