"""Inspection pages. Thin: they read through selectors and render; the browser writes through the API."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from apps.inspection.apis import EquipmentOutput, report_payload
from apps.inspection.charts import anomalies_chart, readings_chart
from apps.inspection.models import EquipmentType, FindingStatus
from apps.inspection.registry import CSV_COLUMNS
from apps.inspection.schemas import MAX_PHOTOS
from apps.inspection.selectors import (
    AnalysisFilter,
    anomalies_list,
    anomalies_over_time,
    inspection_get_visible,
    inspections_recent_for,
    readings_by_instrument,
    site_get_visible,
    sites_visible_to,
)
from core.errors import NotFound


def _not_found(message: str) -> HttpResponse:
    return HttpResponse(message, status=404, content_type="text/plain")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    context = {
        "sites": list(sites_visible_to(request.user)),
        "inspections": inspections_recent_for(request.user, limit=50),
        "today": timezone.localdate(),
        "max_photos": MAX_PHOTOS,
    }
    return render(request, "inspection/index.html", context)


@login_required
def report(request: HttpRequest, inspection_id: int) -> HttpResponse:
    try:
        inspection = inspection_get_visible(user=request.user, inspection_id=inspection_id)
    except NotFound:
        return _not_found("No such inspection.")
    context = {
        "inspection": inspection,
        "payload": report_payload(inspection),
        "types": EquipmentType.choices,
        "statuses": FindingStatus.choices,
    }
    return render(request, "inspection/report.html", context)


@login_required
def sites(request: HttpRequest) -> HttpResponse:
    return render(request, "inspection/sites.html", {"sites": sites_visible_to(request.user)})


@login_required
def site_detail(request: HttpRequest, site_id: int) -> HttpResponse:
    try:
        site = site_get_visible(user=request.user, site_id=site_id)
    except NotFound:
        return _not_found("No such site.")
    context = {
        "site": site,
        "equipment": site.equipment.all(),
        "equipment_data": EquipmentOutput(site.equipment.all(), many=True).data,
        "types": EquipmentType.choices,
        "csv_columns": ",".join(CSV_COLUMNS),
        "inspections": inspections_recent_for(request.user, site=site, limit=20),
    }
    return render(request, "inspection/site.html", context)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _analysis_filter(request: HttpRequest) -> AnalysisFilter:
    status = request.GET.get("status", "")
    return AnalysisFilter(
        date_from=_date(request.GET.get("from")),
        date_to=_date(request.GET.get("to")),
        status=status if status in FindingStatus.values else "",
        approved_only=request.GET.get("approved") == "1",
    )


@login_required
def site_analysis(request: HttpRequest, site_id: int) -> HttpResponse:
    try:
        site = site_get_visible(user=request.user, site_id=site_id)
    except NotFound:
        return _not_found("No such site.")
    filters = _analysis_filter(request)
    report_url = reverse("inspection:index") + "{}/"
    series = readings_by_instrument(site, filters)
    context = {
        "site": site,
        "filters": filters,
        "statuses": FindingStatus.choices,
        "anomalies_chart": anomalies_chart(anomalies_over_time(site, filters)),
        "instruments": [(s, readings_chart(s, report_url=report_url)) for s in series],
        "anomalies": anomalies_list(site, filters),
    }
    return render(request, "inspection/analysis.html", context)
