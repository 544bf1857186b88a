"""The `support_reply` template's fields, computed from a ticket's stored findings and the policy's remedies."""

from __future__ import annotations

from collections.abc import Sequence

from apps.support.models import Finding, IssueType, Ticket, Tone
from apps.support.remedies import NEEDS_HUMAN

TONE_INSTRUCTIONS = {
    Tone.FORMAL: "formal and courteous: full sentences, no exclamation marks, address the customer formally.",
    Tone.WARM: "warm and empathetic: acknowledge the inconvenience sincerely and personally.",
    Tone.BRIEF: "brief and clear: at most five short sentences.",
}
NO_FINDINGS = "No problem was found in the photos."
NO_REMEDY = (
    "None. Offer no compensation; thank the customer and ask for another photo or more details if they still see "
    "a problem."
)


def finding_line(finding: Finding) -> str:
    label = finding.get_issue_type_display().lower()
    if finding.issue_type == IssueType.MISSING_ITEM:
        return f"{finding.number}. {label}: {finding.item} is not in the photos of the box contents."
    where = ""
    if finding.bbox is not None and finding.photo_position is not None:
        where = f" (marked area {finding.number} on photo {finding.photo_position + 1})"
    line = f"{finding.number}. {label}, {finding.severity}{where}: {finding.description.strip()}"
    return line if line.endswith(".") else line + "."


def remedy_lines(findings: Sequence[Finding]) -> list[str]:
    """One line per distinct remedy, naming the points it answers; undecided points are listed as such."""
    grouped: dict[str, list[int]] = {}
    for finding in findings:
        grouped.setdefault(finding.remedy_text, []).append(finding.number)
    lines = []
    for text, numbers in grouped.items():
        points = ", ".join(str(n) for n in numbers)
        lines.append(f"- for point{'s' if len(numbers) > 1 else ''} {points}: {text}")
    return lines


def reply_fields(ticket: Ticket, *, tone: str, language: str, shop_name: str) -> dict[str, str]:
    findings = list(ticket.findings.all())
    return {
        "tone_instruction": TONE_INSTRUCTIONS[Tone(tone)],
        "language": language,
        "shop_name": shop_name or "our shop",
        "product_name": ticket.product.name,
        "sku": ticket.sku,
        "customer_name": ticket.customer_name or "(name not given)",
        "findings": "\n".join(finding_line(f) for f in findings) or NO_FINDINGS,
        "remedies": "\n".join(remedy_lines(findings)) or NO_REMEDY,
        "customer_message": ticket.customer_message,
    }


def needs_human(findings: Sequence[Finding]) -> bool:
    return any(f.remedy_text == NEEDS_HUMAN for f in findings)
