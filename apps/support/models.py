"""Support: the shop's catalogue and policy, and tickets with their findings and reply drafts."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.models import Photo, Run, Team

FULL_FRAME = [0, 0, 1000, 1000]


def _full_frame() -> list[int]:
    return list(FULL_FRAME)


def _all_tones() -> list[str]:
    return ["formal", "warm", "brief"]


def _default_languages() -> list[str]:
    return ["English"]


class IssueType(models.TextChoices):
    PACKAGING_DAMAGE = "packaging_damage", "Packaging damage"
    PRODUCT_DAMAGE = "product_damage", "Product damage"
    COLOUR_DIFFERENCE = "colour_difference", "Colour difference"
    MISSING_ITEM = "missing_item", "Missing item"
    WRONG_ITEM = "wrong_item", "Wrong item"
    OTHER = "other", "Other"


class Severity(models.TextChoices):
    MINOR = "minor", "Minor"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


SEVERITY_RANK = {Severity.MINOR: 1, Severity.MODERATE: 2, Severity.SEVERE: 3}


class Remedy(models.TextChoices):
    COUPON = "coupon", "Coupon"
    RESHIP_PART = "reship_part", "Reship the part"
    REPLACEMENT = "replacement", "Replacement"
    REFUND = "refund", "Refund"


class Tone(models.TextChoices):
    FORMAL = "formal", "Formal"
    WARM = "warm", "Warm"
    BRIEF = "brief", "Brief"


class Product(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="support_products")
    sku = models.CharField("SKU", max_length=64)
    name = models.CharField(max_length=200)
    box_items = models.JSONField(default=list, blank=True, help_text="What ships in the box, one item per entry.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sku"]
        constraints = [models.UniqueConstraint(fields=["team", "sku"], name="support_one_sku_per_team")]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class ProductPhoto(models.Model):
    """A catalogue reference photo; `product_box` marks the product in it (0-1000 scale) for colour checks."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reference_photos")
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    product_box = models.JSONField(default=_full_frame, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.product.sku} photo {self.position + 1}"


class Policy(models.Model):
    """One per team: how colour is judged, which tones and languages replies may use."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="support_policy")
    shop_name = models.CharField(max_length=120, blank=True)
    colour_threshold = models.FloatField(
        "colour difference threshold (CIEDE2000)",
        default=6.0,
        validators=[MinValueValidator(0.1), MaxValueValidator(100)],
    )
    currency = models.CharField(max_length=8, default="EUR")
    tones = models.JSONField(default=_all_tones, blank=True, help_text="Enabled tone presets: formal, warm, brief.")
    default_tone = models.CharField(max_length=10, choices=Tone.choices, default=Tone.WARM)
    languages = models.JSONField(
        default=_default_languages, blank=True, help_text="Reply languages, e.g. English, Deutsch."
    )
    default_language = models.CharField(max_length=40, default="English")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return f"Support policy of {self.team}"


class PolicyRule(models.Model):
    """What to offer for an issue type, from a severity on (the strictest matching rule applies)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="rules")
    issue_type = models.CharField(max_length=20, choices=IssueType.choices)
    min_severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MINOR)
    remedy = models.CharField(max_length=20, choices=Remedy.choices)
    coupon_amount = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0"), blank=True)
    refund_percent = models.PositiveSmallIntegerField(
        default=100, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    note = models.CharField(max_length=200, blank=True, help_text="Added to the remedy, e.g. 'no need to return it'.")

    class Meta:
        ordering = ["issue_type", "min_severity"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "issue_type", "min_severity"], name="support_one_rule_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.get_issue_type_display()} from {self.min_severity}: {self.get_remedy_display()}"


class TicketStatus(models.TextChoices):
    ANALYSING = "analysing", "Analysing photos"
    DRAFTING = "drafting", "Drafting reply"
    REVIEW = "review", "Ready for review"
    SENT = "sent", "Sent"
    FAILED = "failed", "Needs attention"  # derived: the current run failed (never stored)


class Ticket(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="support_tickets")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="tickets")
    sku = models.CharField("SKU", max_length=64, db_index=True)
    customer_name = models.CharField(max_length=120, blank=True)
    order_ref = models.CharField(max_length=64, blank=True)
    customer_message = models.TextField(max_length=4000)
    photos = models.ManyToManyField(Photo, through="TicketPhoto", related_name="+")
    status = models.CharField(max_length=12, choices=TicketStatus.choices, default=TicketStatus.ANALYSING)
    tone = models.CharField(max_length=10, choices=Tone.choices, default=Tone.WARM)
    language = models.CharField(max_length=40, default="English")
    analysis_run = models.OneToOneField(Run, on_delete=models.SET_NULL, null=True, related_name="support_ticket")
    items_seen = models.JSONField(default=list, blank=True)
    missing_items = models.JSONField(default=list, blank=True)
    colour_check = models.JSONField(default=dict, blank=True)  # delta E, threshold, regions compared, or why not
    reply_error = models.CharField(max_length=300, blank=True)
    sent_text = models.TextField(blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["team", "-created_at"]), models.Index(fields=["team", "status"])]

    def __str__(self) -> str:
        return f"Ticket {self.pk} ({self.sku})"


class TicketPhoto(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE)
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["ticket", "position"], name="support_one_photo_per_position")]

    def __str__(self) -> str:
        return f"photo {self.position + 1} of ticket {self.ticket_id}"


class Finding(models.Model):
    """One issue: seen by the model (damage, wrong item) or measured by code (colour, missing items)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="findings")
    number = models.PositiveSmallIntegerField()  # "marked area N" in the photos and the reply
    issue_type = models.CharField(max_length=20, choices=IssueType.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    description = models.CharField(max_length=300)
    measured = models.BooleanField(default=False)  # True when code found it, False when the model did
    photo_position = models.PositiveSmallIntegerField(null=True, blank=True)  # 0-based; None: no box
    bbox = models.JSONField(null=True, blank=True)  # [x1, y1, x2, y2], 0-1000 of that photo
    delta_e = models.FloatField(null=True, blank=True)
    item = models.CharField(max_length=120, blank=True)
    rule = models.ForeignKey(PolicyRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    remedy = models.CharField(max_length=20, choices=Remedy.choices, blank=True)
    remedy_text = models.CharField(max_length=400)
    needs_human = models.BooleanField(default=False)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.get_issue_type_display()} ({self.severity})"


class ReplyDraft(models.Model):
    """One `support_reply` run for a ticket; regenerating adds another. The newest is the one shown."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="drafts")
    run = models.OneToOneField(Run, on_delete=models.SET_NULL, null=True, related_name="support_draft")
    tone = models.CharField(max_length=10, choices=Tone.choices)
    language = models.CharField(max_length=40)
    text = models.TextField(blank=True)
    edited = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"draft {self.pk} of ticket {self.ticket_id} ({self.tone}, {self.language})"
