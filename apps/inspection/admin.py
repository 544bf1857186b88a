"""Admin for the registry (sites, equipment); reports are shown read-only so the audit list stays true."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from apps.inspection.models import Equipment, Finding, Inspection, ReportChange, Site
from apps.inspection.readings import tag_key


class EquipmentInline(admin.TabularInline):
    model = Equipment
    extra = 1
    fields = ["tag", "name", "type", "location", "unit", "normal_min", "normal_max", "alarm_min", "alarm_max"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "location", "team", "created_at"]
    list_filter = ["team"]
    search_fields = ["name", "location"]
    inlines = [EquipmentInline]

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        for equipment in formset.save(commit=False):
            equipment.tag_key = tag_key(equipment.tag)
            equipment.save()
        for gone in formset.deleted_objects:
            gone.delete()


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ["tag", "name", "type", "site", "unit", "normal_min", "normal_max", "alarm_min", "alarm_max"]
    list_filter = ["type", "site__team", "site"]
    search_fields = ["tag", "name", "location"]

    def save_model(self, request: Any, obj: Equipment, form: Any, change: bool) -> None:
        obj.tag_key = tag_key(obj.tag)
        super().save_model(request, obj, form, change)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class FindingInline(ReadOnlyInline):
    model = Finding
    fields = ["position", "tag", "name", "type", "status", "over_limit", "anomaly", "action", "reading_value"]
    fields += ["reading_unit", "source"]


class ReportChangeInline(ReadOnlyInline):
    model = ReportChange
    fields = ["at", "user", "action", "row", "field", "old", "new"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["id", "site", "date", "inspector", "revision", "approved_at", "team"]
    list_filter = ["team", "site"]
    date_hierarchy = "date"
    readonly_fields = ["run", "approved_by", "approved_at", "revision", "revision_of", "inspector", "team"]
    inlines = [FindingInline, ReportChangeInline]

    def has_add_permission(self, request: Any) -> bool:
        return False  # an inspection starts the model's reading: create it from the Inspection page or the API
