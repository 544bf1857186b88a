"""Inspection: the site registry (sites, equipment and their limits) and inspection reports with their rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models import Photo, Run, RunStatus, Team


class EquipmentType(models.TextChoices):
    PRESSURE_GAUGE = "pressure_gauge", "Pressure gauge"
    VALVE = "valve", "Valve"
    BREAKER = "breaker", "Breaker"
    PANEL = "panel", "Panel"
    PUMP = "pump", "Pump"
    OTHER = "other", "Other"


class FindingStatus(models.TextChoices):
    NORMAL = "normal", "Normal"
    ABNORMAL = "abnormal", "Abnormal"
    CANNOT_TELL = "cannot_tell", "Cannot tell"


class LimitState(models.TextChoices):
    UNCHECKED = "", "Not checked"
    WITHIN = "within", "Within normal range"
    OUTSIDE_NORMAL = "outside_normal", "Outside normal range"
    ALARM = "alarm", "At or beyond alarm limit"
    UNIT_MISMATCH = "unit_mismatch", "Unit differs from the registered unit"


class FindingSource(models.TextChoices):
    MODEL = "model", "Read from the photos"
    INSPECTOR = "inspector", "Added by the inspector"


class Site(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="inspection_sites")
    name = models.CharField(max_length=120)
    location = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="one_site_name_per_team")]

    def __str__(self) -> str:
        return self.name


class Equipment(models.Model):
    """A registered piece of equipment; instruments carry their unit and their normal and alarm limits."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="equipment")
    name = models.CharField(max_length=120)
    tag = models.CharField(max_length=40)
    tag_key = models.CharField(max_length=40, editable=False)  # the tag without case, spaces or dashes
    type = models.CharField(max_length=20, choices=EquipmentType.choices, default=EquipmentType.OTHER)
    location = models.CharField(max_length=200, blank=True)
    unit = models.CharField(max_length=16, blank=True)
    normal_min = models.FloatField(null=True, blank=True)
    normal_max = models.FloatField(null=True, blank=True)
    alarm_min = models.FloatField(null=True, blank=True)
    alarm_max = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tag"]
        verbose_name_plural = "equipment"
        constraints = [models.UniqueConstraint(fields=["site", "tag_key"], name="one_tag_per_site")]

    def __str__(self) -> str:
        return f"{self.tag} {self.name}"

    @property
    def has_limits(self) -> bool:
        return any(v is not None for v in (self.normal_min, self.normal_max, self.alarm_min, self.alarm_max))


class Inspection(models.Model):
    """One round at a site: photos, the model's reading of them, and the inspector's reviewed rows."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="inspections")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="inspections")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    date = models.DateField()
    note = models.TextField(blank=True, max_length=2000)
    photos = models.ManyToManyField(Photo, through="InspectionPhoto", related_name="inspections")
    run = models.ForeignKey(Run, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revision = models.PositiveSmallIntegerField(default=1)
    revision_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="revisions")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["team", "-date"]), models.Index(fields=["site", "date"])]

    def __str__(self) -> str:
        return f"{self.site} {self.date} r{self.revision}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def state(self) -> str:
        """approved, reading (the model is at work), failed (the reading failed) or draft (under review)."""
        if self.is_approved:
            return "approved"
        status = self.run.status if self.run_id and self.run else RunStatus.DONE
        if status in (RunStatus.QUEUED, RunStatus.RUNNING):
            return "reading"
        if status in (RunStatus.FAILED, RunStatus.CANCELLED):
            return "failed"
        return "draft"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE)
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "position"], name="one_inspection_photo_per_position")
        ]

    def __str__(self) -> str:
        return f"photo {self.position + 1} of inspection {self.inspection_id}"


class Finding(models.Model):
    """One row of a report: a piece of equipment seen in a photo, as read by the model or written by a person."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveSmallIntegerField()
    equipment = models.ForeignKey(Equipment, on_delete=models.SET_NULL, null=True, blank=True, related_name="findings")
    name = models.CharField(max_length=120, blank=True)  # as read on the label
    tag = models.CharField(max_length=40, blank=True)  # as read on the label
    type = models.CharField(max_length=20, choices=EquipmentType.choices, default=EquipmentType.OTHER)
    status = models.CharField(max_length=12, choices=FindingStatus.choices, default=FindingStatus.CANNOT_TELL)
    model_status = models.CharField(max_length=12, choices=FindingStatus.choices, blank=True)
    anomaly = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=300, blank=True)
    reading_value = models.FloatField(null=True, blank=True)
    reading_unit = models.CharField(max_length=16, blank=True)
    limit_state = models.CharField(max_length=16, choices=LimitState.choices, blank=True)
    over_limit = models.BooleanField(default=False)
    photo_index = models.PositiveSmallIntegerField(null=True, blank=True)  # 0-based position among the photos
    bbox_2d = models.JSONField(null=True, blank=True)  # [x1, y1, x2, y2] on Qwen3-VL's 0-1000 scale
    bbox_px = models.JSONField(null=True, blank=True)  # the same box in pixels of the stored photo
    source = models.CharField(max_length=12, choices=FindingSource.choices, default=FindingSource.MODEL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["equipment", "inspection"])]

    def __str__(self) -> str:
        return f"#{self.position + 1} {self.label}"

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.tag, self.name) if p) or self.get_type_display()


class ChangeAction(models.TextChoices):
    READ = "read", "Rows read from the photos"
    ADDED = "added", "Row added"
    EDITED = "edited", "Row edited"
    DELETED = "deleted", "Row deleted"
    APPROVED = "approved", "Report approved"
    REVISED = "revised", "New revision started"


class ReportChange(models.Model):
    """The audit list of a report: who changed what, when, from what to what."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="changes")
    finding = models.ForeignKey(Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    row = models.CharField(max_length=200, blank=True)  # the row as it was named, kept when it is deleted
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    action = models.CharField(max_length=12, choices=ChangeAction.choices)
    field = models.CharField(max_length=40, blank=True)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.field} by {self.user} at {self.at:%Y-%m-%d %H:%M}"
