"""Tutoring records: a teacher's classes and students, and each homework submission with its steps.

Every record carries its team (like the rest of VisionDesk) and its teacher: student records are the teacher's own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models import Photo, Run, RunStatus, Team


class Subject(models.TextChoices):
    MATH = "math", "Mathematics"
    PHYSICS = "physics", "Physics"
    CHEMISTRY = "chemistry", "Chemistry"
    OTHER = "other", "Other"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    CHINESE = "zh-CN", "中文 (简体)"


LANGUAGE_NAMES = {Language.ENGLISH: "English", Language.CHINESE: "Simplified Chinese"}


class Classroom(models.Model):
    name = models.CharField(max_length=120)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="classrooms")
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classrooms")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["teacher", "name"], name="one_class_name_per_teacher")]

    def __str__(self) -> str:
        return self.name


class Student(models.Model):
    name = models.CharField(max_length=120)
    classroom = models.ForeignKey(Classroom, on_delete=models.SET_NULL, null=True, blank=True, related_name="students")
    subject = models.CharField(max_length=12, choices=Subject.choices, default=Subject.MATH)
    grade_level = models.PositiveSmallIntegerField()  # school year, 1-13
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="students")
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="students")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SubmissionState(models.TextChoices):
    TRANSCRIBING = "transcribing", "Reading the handwriting"
    EXPLAINING = "explaining", "Writing the explanation"
    REVIEW = "review", "Ready for review"
    APPROVED = "approved", "Approved"
    FAILED = "failed", "Failed"


class Submission(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="submissions")
    subject = models.CharField(max_length=12, choices=Subject.choices)
    language = models.CharField(max_length=8, choices=Language.choices)
    teacher_note = models.TextField(blank=True, max_length=2000)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="submissions")
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions")
    transcribe_run = models.ForeignKey(Run, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    explain_run = models.ForeignKey(Run, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    start_error = models.CharField(max_length=500, blank=True)  # why the explanation could not be started
    # The transcription
    exercise = models.TextField(blank=True)
    exercise_latex = models.TextField(blank=True)
    # The explanation
    explained = models.BooleanField(default=False)
    problem_restated = models.TextField(blank=True)
    wrong_step = models.ForeignKey("Step", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    no_error_found = models.BooleanField(default=False)
    wrong_step_note = models.CharField(max_length=300, blank=True)  # why the model's step number was not used
    why_wrong = models.TextField(blank=True)
    mistake_type = models.CharField(max_length=40, blank=True)
    correct_steps = models.JSONField(default=list, blank=True)  # [{"text": ..., "latex": ...}]
    explanation = models.TextField(blank=True)
    read_aloud = models.TextField(blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["teacher", "-created_at"]), models.Index(fields=["student", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.student} · {self.get_subject_display()} · {self.created_at:%Y-%m-%d}"

    @property
    def state(self) -> str:
        """Where the submission stands, read from its runs (a run fails without telling the app)."""
        if self.approved_at:
            return SubmissionState.APPROVED
        if self.explained:
            return SubmissionState.REVIEW
        for run in (self.explain_run, self.transcribe_run):
            if run is not None and run.status in (RunStatus.FAILED, RunStatus.CANCELLED):
                return SubmissionState.FAILED
        if self.start_error:
            return SubmissionState.FAILED
        if self.explain_run is not None or (self.transcribe_run and self.transcribe_run.status == RunStatus.DONE):
            return SubmissionState.EXPLAINING  # running, or about to start once the reading is committed
        return SubmissionState.TRANSCRIBING

    @property
    def state_label(self) -> str:
        return SubmissionState(self.state).label


class SubmissionPage(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="pages")
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()  # 1-based page number

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["submission", "position"], name="one_page_per_position")]

    def __str__(self) -> str:
        return f"page {self.position} of {self.submission_id}"


class Step(models.Model):
    """One written line of the student's work, where it is on which page."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()  # 1-based step number, as the model and the teacher see it
    page = models.PositiveSmallIntegerField(default=1)  # 1-based page number
    text = models.TextField(blank=True)
    latex = models.TextField(blank=True)
    crossed_out = models.BooleanField(default=False)
    bbox = models.JSONField(null=True, blank=True)  # [x1, y1, x2, y2] on the 0-1000 scale of its page

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"step {self.position} of {self.submission_id}"
