"""REST API for batch jobs: create (photos already uploaded, or files and zip archives), follow, pause, cancel."""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.batches.selectors import batch_get_visible, batch_payload, batches_visible_to, upload_names
from core.errors import Forbidden, InvalidInput
from core.roles import refusal_message, task_app, user_may_use_task
from core.selectors import photos_get_visible, user_team
from core.services.batches import (
    batch_cancel,
    batch_create,
    batch_files_intake,
    batch_pause,
    batch_resume,
    batch_retry_failed,
)
from core.throttles import RUN_START_THROTTLES


class FieldsField(serializers.DictField):
    """The task's fields: a JSON object, or (in a multipart form) a JSON string of one."""

    child = serializers.CharField(max_length=20000, allow_blank=True)

    def to_internal_value(self, data: Any) -> dict[str, str]:
        if isinstance(data, str):
            try:
                data = json.loads(data or "{}")
            except ValueError:
                raise serializers.ValidationError("Send the fields as a JSON object.") from None
        return super().to_internal_value(data)


class BatchItemOutput(serializers.Serializer):
    position = serializers.IntegerField()
    filename = serializers.CharField()
    status = serializers.CharField()
    error = serializers.CharField()
    photo = serializers.CharField(allow_null=True)
    run = serializers.UUIDField(allow_null=True)
    latency_ms = serializers.FloatField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class BatchOutput(serializers.Serializer):
    """A batch as pages and clients see it (core.batches.selectors.batch_payload)."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    task = serializers.CharField()
    status = serializers.CharField()
    priority = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField())
    percent = serializers.FloatField()
    eta_s = serializers.FloatField(allow_null=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    created_by = serializers.CharField()
    team = serializers.CharField()
    items = BatchItemOutput(many=True, required=False)


class BatchCreateApi(APIView):
    parser_classes = [JSONParser, MultiPartParser]
    throttle_classes = RUN_START_THROTTLES

    class InputSerializer(serializers.Serializer):
        task = serializers.CharField(max_length=64)
        fields = FieldsField(required=False)
        name = serializers.CharField(max_length=200, required=False, allow_blank=True)
        photos = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=5000)
        files = serializers.ListField(child=serializers.FileField(allow_empty_file=True), required=False)
        max_tokens = serializers.IntegerField(min_value=1, max_value=4096, required=False)
        team = serializers.IntegerField(required=False)

    @extend_schema(
        request={"application/json": InputSerializer, "multipart/form-data": InputSerializer},
        responses={201: BatchOutput},
        description="Photos already uploaded (`photos`: sha256 list) and/or `files`: photos and zip archives.",
    )
    def post(self, request: Request) -> Response:
        if not hasattr(request.data, "items"):
            raise InvalidInput("Send the batch as a JSON object or a multipart form.")
        data = {k: v for k, v in request.data.items() if k not in ("files", "photos")}
        data["files"] = request.FILES.getlist("files")
        photos_field = (
            request.data.getlist("photos") if hasattr(request.data, "getlist") else request.data.get("photos")
        )
        if photos_field:
            data["photos"] = photos_field
        serializer = self.InputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        if not user_may_use_task(request.user, values["task"]):
            raise Forbidden(refusal_message(task_app(values["task"])))
        team = user_team(request.user, values.get("team"))
        named, failures = self._items(request, team, values)
        batch = batch_create(
            user=request.user,
            team=team,
            task=values["task"],
            fields=values.get("fields") or {},
            photos=named,
            failures=failures,
            name=values.get("name", ""),
            max_tokens=values.get("max_tokens"),
        )
        return Response(batch_payload(batch), status=status.HTTP_201_CREATED)

    def _items(self, request: Request, team: Any, values: dict[str, Any]) -> tuple[list, list]:
        shas = values.get("photos") or []
        files = [(f.name or "unnamed", f.read()) for f in values.get("files") or []]
        if not shas and not files:
            raise InvalidInput("Add photos or a zip archive to the batch.")
        named = [(p.sha256[:12], p) for p in photos_get_visible(user=request.user, sha256s=shas)] if shas else []
        names = upload_names(user=request.user, photos=[p for _, p in named])
        named = [(names.get(p.id) or n, p) for n, p in named]
        uploaded, failures = batch_files_intake(user=request.user, team=team, files=files)
        return named + uploaded, failures


class BatchListApi(APIView):
    @extend_schema(responses={200: BatchOutput(many=True)})
    def get(self, request: Request) -> Response:
        batches = batches_visible_to(request.user)[:50]
        return Response([batch_payload(b, with_items=False) for b in batches])


class BatchDetailApi(APIView):
    @extend_schema(responses={200: BatchOutput})
    def get(self, request: Request, batch_id: str) -> Response:
        return Response(batch_payload(batch_get_visible(user=request.user, batch_id=batch_id)))


class _BatchActionApi(APIView):
    service = staticmethod(batch_pause)

    @extend_schema(request=None, responses={200: BatchOutput})
    def post(self, request: Request, batch_id: str) -> Response:
        batch = batch_get_visible(user=request.user, batch_id=batch_id)
        return Response(batch_payload(type(self).service(batch=batch, actor=request.user)))


class BatchPauseApi(_BatchActionApi):
    service = staticmethod(batch_pause)


class BatchResumeApi(_BatchActionApi):
    service = staticmethod(batch_resume)


class BatchCancelApi(_BatchActionApi):
    service = staticmethod(batch_cancel)


class BatchRetryFailedApi(_BatchActionApi):
    throttle_classes = RUN_START_THROTTLES
    service = staticmethod(batch_retry_failed)
