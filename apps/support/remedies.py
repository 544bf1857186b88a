"""The shop's policy applied to one finding: which rule, and the remedy in words. Code decides; the model never does."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from apps.support.models import SEVERITY_RANK, IssueType, PolicyRule, Remedy, Severity

NEEDS_HUMAN = "needs a human decision"

# What a new team starts with; wrong items and anything else go to a person until the shop decides otherwise.
DEFAULT_RULES: list[dict[str, object]] = [
    {"issue_type": IssueType.PACKAGING_DAMAGE, "min_severity": Severity.MINOR, "remedy": Remedy.COUPON,
     "coupon_amount": Decimal("5.00")},
    {"issue_type": IssueType.PRODUCT_DAMAGE, "min_severity": Severity.MINOR, "remedy": Remedy.COUPON,
     "coupon_amount": Decimal("10.00")},
    {"issue_type": IssueType.PRODUCT_DAMAGE, "min_severity": Severity.MODERATE, "remedy": Remedy.REPLACEMENT},
    {"issue_type": IssueType.COLOUR_DIFFERENCE, "min_severity": Severity.MINOR, "remedy": Remedy.COUPON,
     "coupon_amount": Decimal("10.00")},
    {"issue_type": IssueType.COLOUR_DIFFERENCE, "min_severity": Severity.SEVERE, "remedy": Remedy.REPLACEMENT},
    {"issue_type": IssueType.MISSING_ITEM, "min_severity": Severity.MINOR, "remedy": Remedy.RESHIP_PART},
]  # fmt: skip


def rule_for(rules: Iterable[PolicyRule], *, issue_type: str, severity: str) -> PolicyRule | None:
    """The rule for this issue type with the highest minimum severity the finding reaches; None when none does."""
    reached = SEVERITY_RANK[Severity(severity)]
    candidates = [r for r in rules if r.issue_type == issue_type and SEVERITY_RANK[Severity(r.min_severity)] <= reached]
    return max(candidates, key=lambda r: SEVERITY_RANK[Severity(r.min_severity)], default=None)


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount.quantize(Decimal('0.01'))} {currency}".strip()


def remedy_text(rule: PolicyRule | None, *, product_name: str, item: str = "", currency: str = "EUR") -> str:
    """The remedy as it goes into the reply prompt, computed from the rule's fields alone."""
    if rule is None:
        return NEEDS_HUMAN
    if rule.remedy == Remedy.COUPON:
        text = f"a coupon worth {_money(Decimal(rule.coupon_amount or 0), currency)} for the customer's next order"
    elif rule.remedy == Remedy.RESHIP_PART:
        text = f"we ship the {item} again at no cost" if item else "we ship a new part for the damaged one at no cost"
    elif rule.remedy == Remedy.REPLACEMENT:
        text = f"we send a replacement {product_name} at no cost"
    elif rule.refund_percent >= 100:
        text = f"a full refund of the price of the {product_name}"
    else:
        text = f"a refund of {rule.refund_percent}% of the price of the {product_name}"
    return f"{text} ({rule.note})" if rule.note else text


def colour_severity(delta_e: float, threshold: float) -> Severity:
    """Just over the threshold is minor; twice it moderate; three times or more severe."""
    if delta_e >= 3 * threshold:
        return Severity.SEVERE
    if delta_e >= 2 * threshold:
        return Severity.MODERATE
    return Severity.MINOR
