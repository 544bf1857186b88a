"""Inspection: reads. Everything is seen through the team that owns it; outsiders get "not found"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from apps.inspection.models import Equipment, Finding, FindingStatus, Inspection, Site
from apps.inspection.readings import convert
from core.errors import NotFound
from core.selectors import visible_to


def sites_visible_to(user: Any) -> QuerySet[Site]:
    return visible_to(Site.objects.all(), user).annotate(equipment_count=Count("equipment"))


def site_get_visible(*, user: Any, site_id: int | str) -> Site:
    try:
        return sites_visible_to(user).get(id=site_id)
    except (Site.DoesNotExist, ValueError):
        raise NotFound("No such site.") from None


def equipment_get_visible(*, user: Any, equipment_id: int | str) -> Equipment:
    try:
        return visible_to(Equipment.objects.select_related("site"), user, "site__team").get(id=equipment_id)
    except (Equipment.DoesNotExist, ValueError):
        raise NotFound("No such equipment.") from None


def inspections_visible_to(user: Any) -> QuerySet[Inspection]:
    return visible_to(Inspection.objects.select_related("site", "inspector", "run", "approved_by"), user)


def inspection_get_visible(*, user: Any, inspection_id: int | str) -> Inspection:
    try:
        return inspections_visible_to(user).get(id=inspection_id)
    except (Inspection.DoesNotExist, ValueError):
        raise NotFound("No such inspection.") from None


def inspections_recent_for(user: Any, *, site: Site | None = None, limit: int = 50) -> list[Inspection]:
    inspections = inspections_visible_to(user).annotate(
        row_count=Count("findings", distinct=True),
        abnormal_count=Count("findings", filter=Q(findings__status=FindingStatus.ABNORMAL), distinct=True),
    )
    if site is not None:
        inspections = inspections.filter(site=site)
    return list(inspections[:limit])


def finding_get(*, inspection: Inspection, finding_id: int | str) -> Finding:
    try:
        return inspection.findings.select_related("equipment").get(id=finding_id)
    except (Finding.DoesNotExist, ValueError):
        raise NotFound("No such row in this report.") from None


def report_findings(inspection: Inspection) -> list[Finding]:
    return list(inspection.findings.select_related("equipment"))


def report_photos(inspection: Inspection) -> list[Any]:
    return list(inspection.photos.order_by("inspectionphoto__position"))


@dataclass(frozen=True)
class AnalysisFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str = ""  # a FindingStatus value, or every status
    approved_only: bool = False


@dataclass
class AnomalyDay:
    date: dt.date
    rows: int = 0
    abnormal: int = 0
    over_limit: int = 0


@dataclass
class ReadingSeries:
    equipment: Equipment
    points: list[tuple[dt.date, float, str, int]] = field(default_factory=list)  # date, value, status, inspection


def _site_findings(site: Site, filters: AnalysisFilter) -> QuerySet[Finding]:
    findings = Finding.objects.filter(inspection__site=site).select_related("inspection", "equipment")
    if filters.date_from:
        findings = findings.filter(inspection__date__gte=filters.date_from)
    if filters.date_to:
        findings = findings.filter(inspection__date__lte=filters.date_to)
    if filters.status:
        findings = findings.filter(status=filters.status)
    # A report that was revised counts once: its newest (approved, when asked) revision stands for it.
    if filters.approved_only:
        findings = findings.filter(inspection__approved_at__isnull=False)
        return findings.exclude(inspection__revisions__approved_at__isnull=False)
    return findings.exclude(inspection__revisions__isnull=False)


def anomalies_over_time(site: Site, filters: AnalysisFilter) -> list[AnomalyDay]:
    days: dict[dt.date, AnomalyDay] = {}
    for finding in _site_findings(site, filters).order_by("inspection__date"):
        day = days.setdefault(finding.inspection.date, AnomalyDay(finding.inspection.date))
        day.rows += 1
        day.abnormal += finding.status == FindingStatus.ABNORMAL
        day.over_limit += finding.over_limit
    return list(days.values())


def anomalies_list(site: Site, filters: AnalysisFilter, *, limit: int = 200) -> list[Finding]:
    findings = _site_findings(site, filters).filter(Q(status=FindingStatus.ABNORMAL) | Q(over_limit=True))
    return list(findings.order_by("-inspection__date", "position")[:limit])


def readings_by_instrument(site: Site, filters: AnalysisFilter) -> list[ReadingSeries]:
    """Each registered instrument's readings over time, in its registered unit."""
    series: dict[int, ReadingSeries] = {}
    findings = _site_findings(site, filters).filter(equipment__isnull=False, reading_value__isnull=False)
    for finding in findings.order_by("inspection__date", "inspection__created_at"):
        equipment = finding.equipment
        assert equipment is not None and finding.reading_value is not None
        unit = finding.reading_unit if finding.reading_unit.strip() and equipment.unit.strip() else equipment.unit
        value = convert(finding.reading_value, unit=unit, to=equipment.unit)
        if value is None:
            continue
        entry = series.setdefault(equipment.id, ReadingSeries(equipment))
        entry.points.append((finding.inspection.date, value, finding.status, finding.inspection_id))
    return sorted(series.values(), key=lambda s: s.equipment.tag)
