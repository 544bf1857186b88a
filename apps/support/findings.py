"""From a schema-valid `defect_analysis` answer to findings: the model's issues as given, then what code measures
(colour difference against the catalogue photo, missing items against the box list), each with its policy remedy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from apps.support.box_contents import missing_items
from apps.support.delta_e import compare_to_catalogue, normalised_box
from apps.support.models import Finding, IssueType, Policy, Severity, Ticket, TicketPhoto
from apps.support.remedies import colour_severity, remedy_text, rule_for
from core.services.photos import photo_path

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_HAS_WORD = re.compile(r"[^\W_]")


@dataclass
class AnalysisOutcome:
    findings: list[Finding] = field(default_factory=list)
    items_seen: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    colour: dict[str, Any] = field(default_factory=dict)


def _clean(text: str, limit: int) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())[:limit]


def _photo_position(number: Any, photo_count: int) -> int | None:
    """The model numbers photos from 1; a number beyond this ticket's photos points nowhere."""
    return number - 1 if isinstance(number, int) and 1 <= number <= photo_count else None


def _model_finding(issue: dict[str, Any], photo_count: int) -> Finding:
    position = _photo_position(issue.get("photo"), photo_count)
    box = normalised_box(issue.get("bbox_2d")) if position is not None else None
    issue_type = issue["type"] if issue["type"] in IssueType.values else IssueType.OTHER
    description = _clean(issue.get("description", ""), 300)
    return Finding(
        issue_type=issue_type,
        severity=issue.get("severity", Severity.MODERATE),
        description=description if _HAS_WORD.search(description) else IssueType(issue_type).label,
        photo_position=position if box is not None else None,
        bbox=box,
    )


def _colour_check(
    ticket: Ticket, product_box: dict[str, Any] | None, photos: list[TicketPhoto], threshold: float
) -> tuple[dict[str, Any], Finding | None]:
    """Delta E (CIEDE2000) between the product in the customer's photo and the catalogue photo, or why not."""
    references = list(ticket.product.reference_photos.select_related("photo"))
    position = _photo_position((product_box or {}).get("photo"), len(photos))
    box = normalised_box((product_box or {}).get("bbox_2d")) if position is not None else None
    if not references:
        return {"measured": False, "reason": "The catalogue has no reference photo of this product."}, None
    if box is None or position is None:
        return {"measured": False, "reason": "The product could not be located in the photos."}, None
    comparison = compare_to_catalogue(
        customer=photo_path(photos[position].photo),
        customer_box=box,
        references=[(photo_path(r.photo), normalised_box(r.product_box) or [0, 0, 1000, 1000]) for r in references],
    )
    assert comparison is not None
    delta_e = round(comparison.delta_e, 2)
    check = {
        "measured": True,
        "delta_e": delta_e,
        "threshold": threshold,
        "exceeds": comparison.delta_e > threshold,
        "photo": position + 1,
        "bbox": box,
        "customer_lab": comparison.customer_lab,
        "reference_lab": comparison.reference_lab,
        "reference_photo": references[comparison.reference_index].photo.sha256,
    }
    if not check["exceeds"]:
        return check, None
    finding = Finding(
        issue_type=IssueType.COLOUR_DIFFERENCE,
        severity=colour_severity(comparison.delta_e, threshold),
        description=(
            f"the product's colour differs from the catalogue photo: CIEDE2000 Delta E {delta_e:.1f} "
            f"(the shop accepts up to {threshold:g})"
        ),
        measured=True,
        photo_position=position,
        bbox=box,
        delta_e=delta_e,
    )
    return check, finding


def _items_seen(result: dict[str, Any]) -> list[str]:
    items = (_clean(item, 120) for item in result.get("items_seen", []))
    return list(dict.fromkeys(item for item in items if _HAS_WORD.search(item)))


def _missing_finding(item: str) -> Finding:
    return Finding(
        issue_type=IssueType.MISSING_ITEM,
        severity=Severity.MODERATE,
        description=f"{item} is missing from the box",
        measured=True,
        item=item,
    )


def _apply_policy(findings: list[Finding], *, ticket: Ticket, policy: Policy) -> None:
    rules = list(policy.rules.all())
    for number, finding in enumerate(findings, start=1):
        finding.ticket, finding.number = ticket, number
        finding.rule = rule_for(rules, issue_type=finding.issue_type, severity=finding.severity)
        finding.remedy = finding.rule.remedy if finding.rule else ""
        finding.needs_human = finding.rule is None
        finding.remedy_text = remedy_text(
            finding.rule, product_name=ticket.product.name, item=finding.item, currency=policy.currency
        )


def analysis_findings(*, ticket: Ticket, policy: Policy, result: dict[str, Any]) -> AnalysisOutcome:
    photos = list(TicketPhoto.objects.filter(ticket=ticket).select_related("photo").order_by("position"))
    outcome = AnalysisOutcome(items_seen=_items_seen(result))
    outcome.findings = [_model_finding(issue, len(photos)) for issue in result.get("issues", [])]
    outcome.colour, colour_finding = _colour_check(ticket, result.get("product_box"), photos, policy.colour_threshold)
    if colour_finding is not None:
        outcome.findings.append(colour_finding)
    outcome.missing = missing_items(ticket.product.box_items, outcome.items_seen)
    outcome.findings.extend(_missing_finding(item) for item in outcome.missing)
    _apply_policy(outcome.findings, ticket=ticket, policy=policy)
    return outcome
