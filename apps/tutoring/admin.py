from django.contrib import admin

from .models import Classroom, Step, Student, Submission, SubmissionPage


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "teacher", "team", "created_at"]
    list_filter = ["team"]


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["name", "classroom", "subject", "grade_level", "language", "teacher", "team"]
    list_filter = ["team", "subject", "grade_level"]
    search_fields = ["name"]


class PageInline(admin.TabularInline):
    model = SubmissionPage
    extra = 0
    raw_id_fields = ["photo"]


class StepInline(admin.TabularInline):
    model = Step
    extra = 0


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["id", "student", "subject", "teacher", "explained", "no_error_found", "mistake_type", "created_at"]
    list_filter = ["subject", "explained", "mistake_type"]
    raw_id_fields = ["student", "transcribe_run", "explain_run", "wrong_step", "approved_by"]
    inlines = [PageInline, StepInline]
