from django.contrib import admin
from django.utils.html import format_html

from core.models import Membership, Photo, Run, Team, Upload


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["thumb", "sha256", "width", "height", "size_bytes", "created_at"]
    search_fields = ["sha256"]
    readonly_fields = ["sha256", "mime", "width", "height", "size_bytes", "exif", "created_at"]

    @admin.display(description="Photo")
    def thumb(self, photo: Photo) -> str:
        return format_html('<img src="/photos/{}/thumb/" style="height:48px">', photo.sha256)


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ["filename", "team", "uploaded_by", "created_at"]
    list_filter = ["team"]
    search_fields = ["filename", "photo__sha256"]


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "task",
        "status",
        "team",
        "created_by",
        "completion_tokens",
        "ttft_ms",
        "latency_ms",
        "created_at",
    ]
    list_filter = ["status", "task", "team"]
    search_fields = ["id", "text", "error"]
    readonly_fields = [f.name for f in Run._meta.fields]
