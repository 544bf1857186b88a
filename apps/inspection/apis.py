"""Inspection REST API: each endpoint validates, calls one service, serializes the result."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.inspection import registry, services
from apps.inspection.exports import export_filename, limits_text, report_csv, report_pdf
from apps.inspection.models import Equipment, EquipmentType, Finding, FindingStatus, Inspection, Site
from apps.inspection.schemas import MAX_PHOTOS
from apps.inspection.selectors import (
    equipment_get_visible,
    finding_get,
    inspection_get_visible,
    inspections_recent_for,
    report_findings,
    report_photos,
    site_get_visible,
    sites_visible_to,
)
from core.selectors import photos_get_visible
from core.streaming import run_payload


# ---- output shapes ---------------------------------------------------------------------------------------------
class SiteOutput(serializers.ModelSerializer):
    equipment_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Site
        fields = ["id", "name", "location", "team", "equipment_count"]


class EquipmentOutput(serializers.ModelSerializer):
    class Meta:
        model = Equipment
        fields = ["id", "site", "name", "tag", "type", "location", "unit"]
        fields += ["normal_min", "normal_max", "alarm_min", "alarm_max"]


class FindingOutput(serializers.ModelSerializer):
    number = serializers.SerializerMethodField()
    reading = serializers.SerializerMethodField()
    limits = serializers.SerializerMethodField()
    equipment = EquipmentOutput(allow_null=True)
    photo = serializers.SerializerMethodField(help_text="sha256 of the photo the row's box is on")
    box = serializers.JSONField(source="bbox_px", help_text="[x1, y1, x2, y2] in pixels of the stored photo")
    model_status = serializers.CharField(help_text="the status the model gave, before the code checked the reading")

    class Meta:
        model = Finding
        fields = ["id", "number", "name", "tag", "type", "status", "model_status", "anomaly", "action", "reading"]
        fields += ["over_limit", "limit_state", "limits", "equipment", "photo_index", "photo", "bbox_2d", "box"]
        fields += ["source"]

    def get_number(self, finding: Finding) -> int:
        return self.context["numbers"].get(finding.id, 0)

    def get_reading(self, finding: Finding) -> dict[str, Any] | None:
        if finding.reading_value is None:
            return None
        return {"value": finding.reading_value, "unit": finding.reading_unit}

    def get_limits(self, finding: Finding) -> str:
        return limits_text(finding)

    def get_photo(self, finding: Finding) -> str | None:
        photos = self.context["photos"]
        index = finding.photo_index
        return photos[index].sha256 if index is not None and 0 <= index < len(photos) else None


def _person(user: Any) -> str | None:
    return None if user is None else user.get_username()


def report_payload(inspection: Inspection) -> dict[str, Any]:
    """Everything the report page and API clients need: the inspection, its photos, rows with pixel boxes, run,
    and the audit list."""
    photos = report_photos(inspection)
    findings = report_findings(inspection)
    context = {"photos": photos, "numbers": {f.id: n for n, f in enumerate(findings, start=1)}}
    return {
        "id": inspection.id,
        "site": {"id": inspection.site_id, "name": inspection.site.name, "location": inspection.site.location},
        "date": inspection.date.isoformat(),
        "inspector": _person(inspection.inspector),
        "note": inspection.note,
        "state": inspection.state,
        "locked": inspection.is_approved,
        "revision": inspection.revision,
        "revision_of": inspection.revision_of_id,
        "approved_by": _person(inspection.approved_by),
        "approved_at": inspection.approved_at.isoformat() if inspection.approved_at else None,
        "photos": [
            {"sha256": p.sha256, "width": p.width, "height": p.height, "url": reverse("photo", args=[p.sha256])}
            for p in photos
        ],
        "run": run_payload(inspection.run) if inspection.run else None,
        "rows": FindingOutput(findings, many=True, context=context).data,
        "changes": [
            {
                "at": c.at.isoformat(),
                "user": _person(c.user),
                "action": c.action,
                "row": c.row,
                "field": c.field,
                "old": c.old,
                "new": c.new,
            }
            for c in inspection.changes.select_related("user")
        ],
        "exports": {
            "pdf": reverse("inspection:api-export-pdf", args=[inspection.id]),
            "csv": reverse("inspection:api-export-csv", args=[inspection.id]),
        },
    }


class ReportOutput(serializers.Serializer):
    """Documentation of report_payload's shape."""

    id = serializers.IntegerField()
    site = serializers.DictField()
    date = serializers.DateField()
    inspector = serializers.CharField(allow_null=True)
    note = serializers.CharField()
    state = serializers.ChoiceField(choices=["reading", "failed", "draft", "approved"])
    locked = serializers.BooleanField()
    revision = serializers.IntegerField()
    revision_of = serializers.IntegerField(allow_null=True)
    approved_by = serializers.CharField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    photos = serializers.ListField(child=serializers.DictField())
    run = serializers.DictField(allow_null=True)
    rows = FindingOutput(many=True)
    changes = serializers.ListField(child=serializers.DictField())
    exports = serializers.DictField()


def report_response(inspection: Inspection, *, code: int = status.HTTP_200_OK) -> Response:
    return Response(report_payload(inspection), status=code)


# ---- registry --------------------------------------------------------------------------------------------------
class SiteListApi(APIView):
    @extend_schema(responses={200: SiteOutput(many=True)})
    def get(self, request: Request) -> Response:
        return Response(SiteOutput(sites_visible_to(request.user), many=True).data)


class SiteCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        team = serializers.IntegerField(required=False)

    @extend_schema(request=InputSerializer, responses={201: SiteOutput})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        site = registry.site_create(
            user=request.user, name=data["name"], location=data["location"], team_id=data.get("team")
        )
        return Response(SiteOutput(site).data, status=status.HTTP_201_CREATED)


class EquipmentInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    tag = serializers.CharField(max_length=40)
    type = serializers.ChoiceField(choices=EquipmentType.choices, default=EquipmentType.OTHER)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    unit = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    normal_min = serializers.FloatField(required=False, allow_null=True, default=None)
    normal_max = serializers.FloatField(required=False, allow_null=True, default=None)
    alarm_min = serializers.FloatField(required=False, allow_null=True, default=None)
    alarm_max = serializers.FloatField(required=False, allow_null=True, default=None)


class EquipmentListApi(APIView):
    @extend_schema(responses={200: EquipmentOutput(many=True)})
    def get(self, request: Request, site_id: int) -> Response:
        site = site_get_visible(user=request.user, site_id=site_id)
        return Response(EquipmentOutput(site.equipment.all(), many=True).data)


class EquipmentCreateApi(APIView):
    @extend_schema(request=EquipmentInput, responses={201: EquipmentOutput})
    def post(self, request: Request, site_id: int) -> Response:
        site = site_get_visible(user=request.user, site_id=site_id)
        serializer = EquipmentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = registry.EquipmentFields(**serializer.validated_data)
        equipment = registry.equipment_create(site=site, fields=fields)
        return Response(EquipmentOutput(equipment).data, status=status.HTTP_201_CREATED)


class EquipmentApi(APIView):
    @extend_schema(request=EquipmentInput, responses={200: EquipmentOutput})
    def put(self, request: Request, equipment_id: int) -> Response:
        equipment = equipment_get_visible(user=request.user, equipment_id=equipment_id)
        serializer = EquipmentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = registry.EquipmentFields(**serializer.validated_data)
        return Response(EquipmentOutput(registry.equipment_update(equipment=equipment, fields=fields)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, equipment_id: int) -> Response:
        registry.equipment_delete(equipment=equipment_get_visible(user=request.user, equipment_id=equipment_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EquipmentImportApi(APIView):
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(
            help_text="CSV: tag,name,type,location,unit,normal_min,normal_max,alarm_min,alarm_max"
        )

    class OutputSerializer(serializers.Serializer):
        created = serializers.IntegerField()
        updated = serializers.IntegerField()

    @extend_schema(request={"multipart/form-data": InputSerializer}, responses={200: OutputSerializer})
    def post(self, request: Request, site_id: int) -> Response:
        site = site_get_visible(user=request.user, site_id=site_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = registry.equipment_import_csv(site=site, data=serializer.validated_data["file"].read())
        return Response({"created": result.created, "updated": result.updated})


# ---- inspections -----------------------------------------------------------------------------------------------
class InspectionListApi(APIView):
    class OutputSerializer(serializers.ModelSerializer):
        state = serializers.CharField()
        inspector = serializers.SlugRelatedField(slug_field="username", read_only=True)
        row_count = serializers.IntegerField()
        abnormal_count = serializers.IntegerField()

        class Meta:
            model = Inspection
            fields = ["id", "site", "date", "inspector", "state", "revision", "row_count", "abnormal_count"]

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        site_id = request.query_params.get("site")
        site = site_get_visible(user=request.user, site_id=site_id) if site_id else None
        inspections = inspections_recent_for(request.user, site=site, limit=200)
        return Response(self.OutputSerializer(inspections, many=True).data)


class InspectionCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        site = serializers.IntegerField()
        date = serializers.DateField(required=False)
        note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
        photos = serializers.ListField(
            child=serializers.CharField(max_length=64),
            allow_empty=False,
            max_length=MAX_PHOTOS,
            help_text="sha256 of photos uploaded through POST /api/photos/",
        )

    @extend_schema(request=InputSerializer, responses={202: ReportOutput})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        inspection = services.inspection_create(
            user=request.user,
            site=site_get_visible(user=request.user, site_id=data["site"]),
            date=data.get("date") or timezone.localdate(),
            photos=photos_get_visible(user=request.user, sha256s=data["photos"]),
            note=data["note"],
        )
        return report_response(inspection, code=status.HTTP_202_ACCEPTED)


class ReportApi(APIView):
    @extend_schema(responses={200: ReportOutput})
    def get(self, request: Request, inspection_id: int) -> Response:
        return report_response(inspection_get_visible(user=request.user, inspection_id=inspection_id))


class FindingInput(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    tag = serializers.CharField(max_length=40, required=False, allow_blank=True)
    type = serializers.ChoiceField(choices=EquipmentType.choices, required=False)
    status = serializers.ChoiceField(choices=FindingStatus.choices, required=False)
    anomaly = serializers.CharField(max_length=300, required=False, allow_blank=True)
    action = serializers.CharField(max_length=300, required=False, allow_blank=True)
    reading_value = serializers.FloatField(required=False, allow_null=True)
    reading_unit = serializers.CharField(max_length=16, required=False, allow_blank=True)
    photo_index = serializers.IntegerField(min_value=0, required=False, allow_null=True, help_text="0-based")
    bbox_2d = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=1000),
        min_length=4,
        max_length=4,
        required=False,
        allow_null=True,
        help_text="[x1, y1, x2, y2] on the 0-1000 scale of the photo",
    )


def _report_after(request: Request, inspection_id: int, code: int = status.HTTP_200_OK) -> Response:
    """The whole report after a change: row numbers, the audit list and the lock all change together."""
    return report_response(inspection_get_visible(user=request.user, inspection_id=inspection_id), code=code)


class FindingAddApi(APIView):
    @extend_schema(request=FindingInput, responses={201: ReportOutput})
    def post(self, request: Request, inspection_id: int) -> Response:
        inspection = inspection_get_visible(user=request.user, inspection_id=inspection_id)
        serializer = FindingInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.finding_add(inspection=inspection, user=request.user, values=serializer.validated_data)
        return _report_after(request, inspection_id, status.HTTP_201_CREATED)


class FindingApi(APIView):
    @extend_schema(request=FindingInput, responses={200: ReportOutput})
    def patch(self, request: Request, inspection_id: int, finding_id: int) -> Response:
        inspection = inspection_get_visible(user=request.user, inspection_id=inspection_id)
        finding = finding_get(inspection=inspection, finding_id=finding_id)
        serializer = FindingInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.finding_update(finding=finding, user=request.user, changes=serializer.validated_data)
        return _report_after(request, inspection_id)

    @extend_schema(responses={200: ReportOutput})
    def delete(self, request: Request, inspection_id: int, finding_id: int) -> Response:
        inspection = inspection_get_visible(user=request.user, inspection_id=inspection_id)
        services.finding_delete(finding=finding_get(inspection=inspection, finding_id=finding_id), user=request.user)
        return _report_after(request, inspection_id)


class InspectionApproveApi(APIView):
    @extend_schema(request=None, responses={200: ReportOutput})
    def post(self, request: Request, inspection_id: int) -> Response:
        inspection = inspection_get_visible(user=request.user, inspection_id=inspection_id)
        services.inspection_approve(inspection=inspection, user=request.user)
        return _report_after(request, inspection_id)


class InspectionReviseApi(APIView):
    @extend_schema(request=None, responses={201: ReportOutput})
    def post(self, request: Request, inspection_id: int) -> Response:
        inspection = inspection_get_visible(user=request.user, inspection_id=inspection_id)
        revision = services.inspection_revise(inspection=inspection, user=request.user)
        return _report_after(request, revision.id, status.HTTP_201_CREATED)


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class ReportPdfApi(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request: Request, inspection_id: int) -> HttpResponse:
        inspection = inspection_get_visible(user=request.user, inspection_id=inspection_id)
        pdf = report_pdf(inspection, report_photos(inspection), report_findings(inspection))
        return _download(pdf, "application/pdf", export_filename(inspection, "pdf"))


class ReportCsvApi(APIView):
    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request: Request, inspection_id: int) -> HttpResponse:
        inspection = inspection_get_visible(user=request.user, inspection_id=inspection_id)
        data = report_csv(inspection, report_findings(inspection))
        return _download(data, "text/csv; charset=utf-8", export_filename(inspection, "csv"))
