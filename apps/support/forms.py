"""Forms of the support settings page: the policy, its rules, and the catalogue."""

from __future__ import annotations

from django import forms

from apps.support.models import IssueType, Remedy, Severity, Tone


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


class PolicyForm(forms.Form):
    shop_name = forms.CharField(max_length=120, required=False)
    colour_threshold = forms.FloatField(
        min_value=0.1, max_value=100, label="Colour difference threshold (CIEDE2000 Delta E)"
    )
    currency = forms.CharField(max_length=8)
    tones = forms.MultipleChoiceField(choices=Tone.choices, widget=forms.CheckboxSelectMultiple)
    default_tone = forms.ChoiceField(choices=Tone.choices)
    languages = forms.CharField(max_length=400, help_text="Comma-separated, e.g. English, Deutsch, Français.")
    default_language = forms.CharField(max_length=40)

    def clean_languages(self) -> list[str]:
        return _lines(self.cleaned_data["languages"])


class RuleForm(forms.Form):
    issue_type = forms.ChoiceField(choices=IssueType.choices)
    min_severity = forms.ChoiceField(choices=Severity.choices, label="From severity")
    remedy = forms.ChoiceField(choices=Remedy.choices)
    coupon_amount = forms.DecimalField(min_value=0, max_digits=8, decimal_places=2, required=False, initial=0)
    refund_percent = forms.IntegerField(min_value=1, max_value=100, initial=100, required=False)
    note = forms.CharField(max_length=200, required=False)


class ProductForm(forms.Form):
    sku = forms.CharField(max_length=64, label="SKU")
    name = forms.CharField(max_length=200)
    box_items = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="In the box",
        help_text="One item per line (or comma-separated).",
    )

    def clean_box_items(self) -> list[str]:
        return _lines(self.cleaned_data["box_items"])


class ProductPhotoForm(forms.Form):
    file = forms.FileField(label="Reference photo")
    product_box = forms.CharField(
        max_length=40,
        required=False,
        help_text="Where the product is, as x1, y1, x2, y2 on a 0-1000 scale; empty = the whole photo.",
    )

    def clean_product_box(self) -> list[int] | None:
        text = self.cleaned_data["product_box"].strip()
        if not text:
            return None
        try:
            box = [int(v) for v in text.replace(" ", "").split(",")]
        except ValueError:
            raise forms.ValidationError("Four whole numbers, e.g. 100, 150, 900, 850.") from None
        if len(box) != 4 or not all(0 <= v <= 1000 for v in box) or box[0] >= box[2] or box[1] >= box[3]:
            raise forms.ValidationError("Four numbers 0-1000: left, top, right, bottom.")
        return box
