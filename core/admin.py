"""The Django admin for core records: who is in which team with which role, photos, runs, batches, the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from core.models import AuditEvent, Batch, BatchItem, Membership, Photo, Run, Team, Upload

User = get_user_model()


def thumbnail(sha256: str, height: int = 48) -> str:
    return format_html(
        '<a href="/photos/{0}/"><img src="/photos/{0}/thumb/" alt="" loading="lazy" '
        'style="height:{1}px;border-radius:4px"></a>',
        sha256,
        height,
    )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    fk_name = "user"
    verbose_name = "team and role"
    verbose_name_plural = "teams and roles"


admin.site.unregister(User)


@admin.register(User)
class VisionDeskUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, UserMembershipInline]
    list_display = ["username", "email", "roles", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "memberships__role", "memberships__team"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("memberships__team")

    @admin.display(description="Teams and roles")
    def roles(self, user: Any) -> str:
        return ", ".join(f"{m.team.name}: {m.get_role_display()}" for m in user.memberships.all()) or "—"


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "member_count", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(members=Count("memberships"))

    @admin.display(description="Members", ordering="members")
    def member_count(self, team: Any) -> int:
        return team.members


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role"]
    list_filter = ["role", "team"]
    list_editable = ["role"]
    search_fields = ["user__username", "user__email", "team__name"]
    autocomplete_fields = ["user", "team"]


class UploadInline(admin.TabularInline):
    model = Upload
    extra = 0
    fields = readonly_fields = ("filename", "team", "uploaded_by", "created_at")
    can_delete = False


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["thumb", "sha256", "width", "height", "size_bytes", "mime", "created_at"]
    list_filter = ["mime", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["sha256", "uploads__filename"]
    readonly_fields = ["preview", "sha256", "mime", "width", "height", "size_bytes", "exif", "created_at"]
    date_hierarchy = "created_at"
    inlines = [UploadInline]

    @admin.display(description="Photo")
    def thumb(self, photo: Photo) -> str:
        return thumbnail(photo.sha256)

    @admin.display(description="Preview")
    def preview(self, photo: Photo) -> str:
        return thumbnail(photo.sha256, height=240)


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ["thumb", "filename", "team", "uploaded_by", "created_at"]
    list_filter = ["team", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["filename", "photo__sha256", "uploaded_by__username"]
    list_select_related = ["photo", "team", "uploaded_by"]
    raw_id_fields = ["photo"]

    @admin.display(description="Photo")
    def thumb(self, upload: Upload) -> str:
        return thumbnail(upload.photo.sha256)


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = [
        "short_id",
        "photo_thumbs",
        "task",
        "status",
        "team",
        "created_by",
        "priority",
        "completion_tokens",
        "ttft_ms",
        "latency_ms",
        "created_at",
    ]
    list_filter = ["status", "task", "team", "priority", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["id", "text", "error", "created_by__username"]
    list_select_related = ["team", "created_by"]
    readonly_fields = ["photo_thumbs", *[f.name for f in Run._meta.fields]]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("photos")

    @admin.display(description="Run", ordering="id")
    def short_id(self, run: Run) -> str:
        return str(run.id)[:8]

    @admin.display(description="Photos")
    def photo_thumbs(self, run: Run) -> str:
        return format_html_join("", "{}", ((thumbnail(p.sha256, 36),) for p in run.photos.all()))


class BatchItemInline(admin.TabularInline):
    model = BatchItem
    extra = 0
    fields = readonly_fields = ("position", "thumb", "filename", "status", "error", "run")
    can_delete = False
    show_change_link = False

    @admin.display(description="Photo")
    def thumb(self, item: BatchItem) -> str:
        return thumbnail(item.photo.sha256, 36) if item.photo else "—"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "task", "status", "progress", "team", "created_by", "priority", "created_at"]
    list_filter = ["status", "task", "team", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["id", "name", "created_by__username"]
    list_select_related = ["team", "created_by"]
    readonly_fields = ["id", "task", "fields", "team", "created_by", "created_at", "updated_at", "finished_at"]
    inlines = [BatchItemInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description="Items", ordering="item_count")
    def progress(self, batch: Any) -> str:
        done = batch.items.filter(status="done").count()
        return f"{done} / {batch.item_count} done"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the app, never edited by hand."""

    list_display = ["created_at", "actor_name", "action", "target_type", "target_repr", "team"]
    list_filter = ["action", "target_type", "team", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["actor_name", "action", "target_id", "target_repr"]
    date_hierarchy = "created_at"
    list_select_related = ["team"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
