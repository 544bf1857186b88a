"""REST API for tables: find and read the tables in a photo, read one back, export it as CSV."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import Table
from core.selectors import photo_get_visible, user_team
from core.services.tables import table_csv, tables_extract
from core.tables.models_state import table_models_status
from core.tables.selectors import table_get_visible, table_rows, tables_visible_to


class TableOutput(serializers.Serializer):
    id = serializers.IntegerField()
    photo = serializers.CharField(help_text="The photo's sha256.")
    index = serializers.IntegerField(help_text="1-based, in reading order within the photo.")
    box = serializers.ListField(child=serializers.FloatField(), help_text="[x1, y1, x2, y2], photo pixels.")
    n_rows = serializers.IntegerField()
    n_columns = serializers.IntegerField()
    header_rows = serializers.IntegerField()
    status = serializers.CharField(help_text="The reading run's status: queued, running, done, failed.")
    run = serializers.UUIDField(allow_null=True)
    rows = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    grid = serializers.DictField(help_text="Row, column, header and spanning-cell boxes (photo pixels).")
    csv_url = serializers.CharField()


def table_payload(table: Table) -> dict[str, Any]:
    run = table.read_run
    return {
        "id": table.id,
        "photo": table.photo.sha256,
        "index": table.index,
        "box": table.box,
        "n_rows": table.n_rows,
        "n_columns": table.n_columns,
        "header_rows": table.header_rows,
        "status": run.status if run else "failed",
        "run": str(run.id) if run else None,
        "rows": table_rows(table),
        "grid": table.grid,
        "csv_url": f"/api/tables/{table.id}/csv/",
    }


class TableStatusApi(APIView):
    @extend_schema(responses={200: serializers.DictField(child=serializers.CharField())})
    def get(self, request: Request) -> Response:
        return Response(table_models_status())


class TableListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("photo", str, description="The photo's sha256.")],
        responses={200: TableOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        photo = photo_get_visible(user=request.user, sha256=request.query_params.get("photo", ""))
        tables = tables_visible_to(request.user).filter(photo=photo).order_by("team_id", "index")
        return Response([table_payload(t) for t in tables])


class TableExtractApi(APIView):
    class InputSerializer(serializers.Serializer):
        photo = serializers.CharField(max_length=64, help_text="The photo's sha256.")
        force = serializers.BooleanField(default=False, help_text="Find the tables again even if already found.")
        team = serializers.IntegerField(required=False)

    @extend_schema(request=InputSerializer, responses={202: TableOutput(many=True), 503: None})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        photo = photo_get_visible(user=request.user, sha256=data["photo"])
        team = user_team(request.user, data.get("team"))
        tables = tables_extract(user=request.user, team=team, photo=photo, force=data["force"])
        return Response([table_payload(t) for t in tables], status=status.HTTP_202_ACCEPTED)


class TableDetailApi(APIView):
    @extend_schema(responses={200: TableOutput})
    def get(self, request: Request, table_id: int) -> Response:
        return Response(table_payload(table_get_visible(user=request.user, table_id=table_id)))


class TableCsvApi(APIView):
    @extend_schema(responses={(200, "text/csv"): str})
    def get(self, request: Request, table_id: int) -> HttpResponse:
        table = table_get_visible(user=request.user, table_id=table_id)
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
        name = f"table-{table.photo.sha256[:12]}-{table.index}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
