"""The remedy is computed by code from the policy rule's fields; no rule means a person decides."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.support.models import PolicyRule
from apps.support.remedies import NEEDS_HUMAN, colour_severity, remedy_text, rule_for

RULES = [
    PolicyRule(issue_type="product_damage", min_severity="minor", remedy="coupon", coupon_amount=Decimal("7.5")),
    PolicyRule(issue_type="product_damage", min_severity="severe", remedy="refund", refund_percent=100),
    PolicyRule(issue_type="packaging_damage", min_severity="moderate", remedy="coupon", coupon_amount=Decimal("3")),
]


@pytest.mark.parametrize(
    ("issue_type", "severity", "expected"),
    [
        ("product_damage", "minor", RULES[0]),
        ("product_damage", "moderate", RULES[0]),
        ("product_damage", "severe", RULES[1]),
        ("packaging_damage", "minor", None),  # below the rule's minimum severity
        ("packaging_damage", "severe", RULES[2]),
        ("wrong_item", "severe", None),
    ],
)
def test_the_rule_with_the_highest_severity_reached_applies(issue_type, severity, expected):
    assert rule_for(RULES, issue_type=issue_type, severity=severity) is expected


@pytest.mark.parametrize(
    ("rule", "item", "expected"),
    [
        (RULES[0], "", "a coupon worth 7.50 EUR for the customer's next order"),
        (RULES[1], "", "a full refund of the price of the Glass kettle"),
        (PolicyRule(remedy="refund", refund_percent=30), "", "a refund of 30% of the price of the Glass kettle"),
        (PolicyRule(remedy="replacement"), "", "we send a replacement Glass kettle at no cost"),
        (PolicyRule(remedy="reship_part"), "Power base", "we ship the Power base again at no cost"),
        (PolicyRule(remedy="reship_part"), "", "we ship a new part for the damaged one at no cost"),
        (PolicyRule(remedy="replacement", note="no need to return it"), "",
         "we send a replacement Glass kettle at no cost (no need to return it)"),
        (None, "Power base", NEEDS_HUMAN),
    ],
)  # fmt: skip
def test_the_remedy_text_says_exactly_what_the_rule_offers(rule, item, expected):
    assert remedy_text(rule, product_name="Glass kettle", item=item, currency="EUR") == expected


@pytest.mark.parametrize(("delta_e", "severity"), [(6.1, "minor"), (12.0, "moderate"), (18.0, "severe")])
def test_colour_severity_grows_with_the_multiple_of_the_threshold(delta_e, severity):
    assert colour_severity(delta_e, 6.0) == severity
