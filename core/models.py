"""Shared models: teams, photos (content-addressed) and runs (one model invocation each)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    INSPECTOR = "inspector", "Inspector"
    SUPPORT_AGENT = "support_agent", "Support agent"
    TEACHER = "teacher", "Teacher"
    TEAM_LEAD = "team_lead", "Team lead"
    ADMIN = "admin", "Admin"


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.INSPECTOR)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="one_membership_per_team")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} as {self.role}"


class Photo(models.Model):
    """An uploaded image, normalised (upright, RGB, no metadata) and stored once per content hash."""

    sha256 = models.CharField(max_length=64, unique=True)
    mime = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    exif = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.width}x{self.height})"


class Upload(models.Model):
    """One person's upload of a photo: who may see it, and the name it had on their device."""

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="uploads")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="uploads")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    filename = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["photo", "team"])]

    def __str__(self) -> str:
        return self.filename or self.photo.sha256[:12]


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class Run(models.Model):
    """One model invocation: what was asked, what streamed back, and how long it took."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task = models.CharField(max_length=64)
    template_version = models.PositiveIntegerField()
    params = models.JSONField(default=dict, blank=True)
    photos = models.ManyToManyField(Photo, through="RunPhoto", related_name="runs")
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    priority = models.IntegerField(default=0)  # lower runs first
    text = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    cached_tokens = models.PositiveIntegerField(default=0)
    ttft_ms = models.FloatField(null=True, blank=True)
    latency_ms = models.FloatField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=120, blank=True)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="runs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)  # doubles as the heartbeat of a running run

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "updated_at"]),
            models.Index(fields=["team", "-created_at"]),
            models.Index(fields=["task", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.status} {self.id}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class RunPhoto(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE)
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["run", "position"], name="one_photo_per_position")]

    def __str__(self) -> str:
        return f"photo {self.position} of run {self.run_id}"


class AuditEvent(models.Model):
    """Who did what to which record, and when (created, edited, approved, exported, cancelled...)."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)  # kept when the user is deleted
    action = models.CharField(max_length=64)  # "<entity>.<verb>", e.g. "run.create", "report.approve"
    target_type = models.CharField(max_length=64, blank=True)  # "core.run", "inspection.report"
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events")
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"]), models.Index(fields=["action", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.actor_name or 'system'} {self.action} {self.target_repr}"


class BatchStatus(models.TextChoices):
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    CANCELLED = "cancelled", "Cancelled"
    DONE = "done", "Done"


class Batch(models.Model):
    """Many photos, one task: each item becomes a low-priority run, sent a bounded number at a time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, blank=True)
    task = models.CharField(max_length=64)
    fields = models.JSONField(default=dict, blank=True)  # the same fields for every item's run
    max_tokens = models.PositiveIntegerField(null=True, blank=True)
    priority = models.IntegerField(default=10)  # interactive runs use 0 and go first
    status = models.CharField(max_length=12, choices=BatchStatus.choices, default=BatchStatus.RUNNING)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="batches")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["team", "-created_at"])]

    def __str__(self) -> str:
        return self.name or f"{self.task} batch {str(self.id)[:8]}"


class ItemStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    SUBMITTED = "submitted", "Sent"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class BatchItem(models.Model):
    """One photo of a batch; its run once sent. A failed item never stops the others."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    filename = models.CharField(max_length=255, blank=True)
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT, null=True, blank=True)
    run = models.OneToOneField(Run, on_delete=models.SET_NULL, null=True, blank=True, related_name="batch_item")
    status = models.CharField(max_length=12, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["batch", "position"], name="one_item_per_position")]
        indexes = [models.Index(fields=["status", "batch"])]

    def __str__(self) -> str:
        return f"item {self.position} of {self.batch_id}"


class Conversation(models.Model):
    """Questions and answers beside a run. Text only: photos are referred to by number, bound to their hash."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="conversations")
    origin_run = models.ForeignKey(Run, on_delete=models.SET_NULL, null=True, related_name="conversations")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"conversation {self.id}"


class ConversationPhoto(models.Model):
    """Photo N of a conversation, and the one-line description that stands in for it once it is no longer sent."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="photo_refs")
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=200, blank=True)
    description_run = models.ForeignKey(Run, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "number"], name="one_photo_per_number"),
            models.UniqueConstraint(fields=["conversation", "photo"], name="one_number_per_photo"),
        ]

    def __str__(self) -> str:
        return f"photo {self.number} of {self.conversation_id}"


class TurnSource(models.TextChoices):
    ORIGIN = "origin", "The run the conversation started from"
    MODEL = "model", "Answered by the model"
    TABLE = "table", "Answered from stored table cells"


class ConversationTurn(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="turns")
    number = models.PositiveSmallIntegerField()  # 0: the run the conversation started from
    question = models.TextField()
    answer = models.TextField(blank=True)
    photo_numbers = models.JSONField(default=list, blank=True)  # photos this turn added
    source = models.CharField(max_length=10, choices=TurnSource.choices, default=TurnSource.MODEL)
    run = models.ForeignKey(Run, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversation_turns")
    cited = models.JSONField(null=True, blank=True)  # the table (and cells) an answer came from or looked at
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["conversation", "number"], name="one_turn_per_number")]

    def __str__(self) -> str:
        return f"turn {self.number} of {self.conversation_id}"


class Table(models.Model):
    """A table found in a photo: box and grid from TableTransformer, cell text read by the model."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="tables")
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT, related_name="tables")
    index = models.PositiveSmallIntegerField()  # 1-based, in reading order within the photo
    box = models.JSONField()  # [x1, y1, x2, y2] in pixels of the stored photo
    crop = models.JSONField()  # the padded region structured and read
    score = models.FloatField()
    n_rows = models.PositiveSmallIntegerField()
    n_columns = models.PositiveSmallIntegerField()
    header_rows = models.PositiveSmallIntegerField(default=0)
    grid = models.JSONField()  # row, column, header and spanning-cell boxes (inference.tables.Grid.as_dict)
    read_run = models.OneToOneField(Run, on_delete=models.SET_NULL, null=True, blank=True, related_name="table")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "index"]
        indexes = [models.Index(fields=["photo", "team"])]

    def __str__(self) -> str:
        return f"table {self.index} of {self.photo.sha256[:12]} ({self.n_rows}x{self.n_columns})"


class TableCell(models.Model):
    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="cells")
    row = models.PositiveSmallIntegerField()  # 0-based grid row, header rows included
    column = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=200, blank=True)
    box = models.JSONField()

    class Meta:
        ordering = ["row", "column"]
        constraints = [models.UniqueConstraint(fields=["table", "row", "column"], name="one_cell_per_position")]

    def __str__(self) -> str:
        return f"cell ({self.row}, {self.column}) of table {self.table_id}"
