"""Support in the admin: catalogue (with reference photos), policy (with its rules), and tickets to look into."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from apps.support.models import Finding, Policy, PolicyRule, Product, ProductPhoto, ReplyDraft, Ticket, TicketPhoto
from core.models import Photo


class ProductPhotoForm(forms.ModelForm):
    """A reference photo is named by the sha256 of an uploaded photo (as the API answers it)."""

    sha256 = forms.CharField(max_length=64, label="Photo sha256")

    class Meta:
        model = ProductPhoto
        fields = ["sha256", "position", "product_box"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if self.instance.pk:
            self.fields["sha256"].initial = self.instance.photo.sha256

    def clean_sha256(self) -> str:
        sha256 = self.cleaned_data["sha256"].strip().lower()
        photo = Photo.objects.filter(sha256=sha256).first()
        if photo is None:
            raise forms.ValidationError("No uploaded photo has this sha256.")
        self.instance.photo = photo
        return sha256


class ProductPhotoInline(admin.TabularInline):
    model = ProductPhoto
    form = ProductPhotoForm
    extra = 1


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "team"]
    list_filter = ["team"]
    search_fields = ["sku", "name"]
    inlines = [ProductPhotoInline]


class PolicyRuleInline(admin.TabularInline):
    model = PolicyRule
    extra = 1


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["team", "shop_name", "colour_threshold", "default_tone", "default_language"]
    inlines = [PolicyRuleInline]


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    fields = ["number", "issue_type", "severity", "description", "delta_e", "item", "remedy_text", "needs_human"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class TicketPhotoInline(admin.TabularInline):
    model = TicketPhoto
    extra = 0
    raw_id_fields = ["photo"]


class ReplyDraftInline(admin.StackedInline):
    model = ReplyDraft
    extra = 0
    fields = ["tone", "language", "text", "edited", "run"]
    readonly_fields = ["run"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["id", "sku", "customer_name", "status", "team", "created_at"]
    list_filter = ["status", "team", "findings__issue_type"]
    search_fields = ["sku", "customer_name", "order_ref", "customer_message"]
    raw_id_fields = ["product", "analysis_run", "created_by", "approved_by"]
    readonly_fields = ["items_seen", "missing_items", "colour_check"]
    inlines = [TicketPhotoInline, FindingInline, ReplyDraftInline]
