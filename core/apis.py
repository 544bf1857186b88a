"""REST API for photos and runs: each endpoint validates, calls one service, serializes the result."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.answer_controls import (
    MAX_TOKENS_FOR_LENGTH,
    Activity,
    AnswerLength,
    PhotoDetail,
    image_tokens_for,
    sampling_params,
)
from core.errors import Forbidden, InvalidInput
from core.models import Photo
from core.roles import refusal_message, task_app, user_may_use_task
from core.selectors import photos_get_visible, run_get_visible, run_queue_position, runs_recent_for, user_team
from core.services.photos import photos_upload
from core.services.runs import photos_prepare, run_cancel, run_create, run_retry
from core.streaming import run_payload
from core.throttles import RUN_START_THROTTLES


class PhotoOutput(serializers.ModelSerializer):
    thumbnail_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Photo
        fields = ["sha256", "mime", "width", "height", "size_bytes", "exif", "url", "thumbnail_url"]

    def get_url(self, photo: Photo) -> str:
        return f"/photos/{photo.sha256}/"

    def get_thumbnail_url(self, photo: Photo) -> str:
        return f"/photos/{photo.sha256}/thumb/"


class RunOutput(serializers.Serializer):
    """The run as pages and clients see it (core.streaming.run_payload)."""

    id = serializers.UUIDField()
    task = serializers.CharField()
    status = serializers.CharField()
    text = serializers.CharField()
    result = serializers.JSONField(allow_null=True)
    error = serializers.CharField()
    queue_position = serializers.IntegerField(allow_null=True)
    usage = serializers.DictField(child=serializers.IntegerField())
    ttft_ms = serializers.FloatField(allow_null=True)
    latency_ms = serializers.FloatField(allow_null=True)
    photos = serializers.ListField(child=serializers.CharField())


def run_response(run: Any, *, code: int = status.HTTP_200_OK) -> Response:
    return Response(run_payload(run, queue_position=run_queue_position(run)), status=code)


class PhotoUploadApi(APIView):
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        files = serializers.ListField(child=serializers.FileField(allow_empty_file=True), allow_empty=False)
        task = serializers.CharField(
            required=False, allow_blank=True, help_text="The task the photos are for: they are prepared for it now."
        )
        warm = serializers.BooleanField(default=True, help_text="Also warm the engine's cache for this task.")
        detail = serializers.ChoiceField(
            choices=PhotoDetail.choices, default=PhotoDetail.FULL, help_text="The detail the question will use."
        )
        team = serializers.IntegerField(required=False)

    @extend_schema(request={"multipart/form-data": InputSerializer}, responses={201: PhotoOutput(many=True)})
    def post(self, request: Request) -> Response:
        data = {"files": request.FILES.getlist("files"), **{k: v for k, v in request.data.items() if k != "files"}}
        serializer = self.InputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        files = [(f.name or "unnamed", f.read()) for f in serializer.validated_data["files"]]
        team = user_team(request.user, serializer.validated_data.get("team"))
        photos, rejected = photos_upload(user=request.user, team=team, files=files)
        rejections = [{"filename": r.filename, "reason": r.reason} for r in rejected]
        if not photos:
            raise InvalidInput(rejections[0]["reason"], details={"rejected": rejections})
        if serializer.validated_data.get("task"):
            photos_prepare(
                task=serializer.validated_data["task"],
                photos=photos,
                warm=serializer.validated_data["warm"],
                image_tokens=image_tokens_for(serializer.validated_data["detail"]),
            )
        body = {"photos": PhotoOutput(photos, many=True).data, "rejected": rejections}
        return Response(body, status=status.HTTP_201_CREATED)


class RunCreateApi(APIView):
    throttle_classes = RUN_START_THROTTLES

    class InputSerializer(serializers.Serializer):
        task = serializers.CharField(default="describe", max_length=64)
        photos = serializers.ListField(child=serializers.CharField(max_length=64), allow_empty=False, max_length=8)
        question = serializers.CharField(max_length=4000, required=False, allow_blank=True)
        fields = serializers.DictField(child=serializers.CharField(max_length=20000), required=False)
        activity = serializers.ChoiceField(choices=Activity.choices, default=Activity.BALANCED)
        length = serializers.ChoiceField(choices=AnswerLength.choices, default=AnswerLength.FULL)
        detail = serializers.ChoiceField(choices=PhotoDetail.choices, default=PhotoDetail.FULL)
        max_tokens = serializers.IntegerField(min_value=1, max_value=4096, required=False)
        ignore_eos = serializers.BooleanField(default=False, help_text="Staff only: fixed-length answers (benchmarks).")
        team = serializers.IntegerField(required=False)

    @extend_schema(request=InputSerializer, responses={202: RunOutput})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not user_may_use_task(request.user, data["task"]):
            raise Forbidden(refusal_message(task_app(data["task"])))
        fields = dict(data.get("fields") or {})
        if data.get("question"):
            fields["question"] = data["question"]
        run = run_create(
            user=request.user,
            team=user_team(request.user, data.get("team")),
            task=data["task"],
            photos=photos_get_visible(user=request.user, sha256s=data["photos"]),
            fields=fields,
            max_tokens=data.get("max_tokens") or MAX_TOKENS_FOR_LENGTH[AnswerLength(data["length"])],
            sampling=sampling_params(data["activity"]),
            ignore_eos=data["ignore_eos"] and request.user.is_staff,
            image_tokens=image_tokens_for(data["detail"]),
        )
        return run_response(run, code=status.HTTP_202_ACCEPTED)


class RunListApi(APIView):
    @extend_schema(responses={200: RunOutput(many=True)})
    def get(self, request: Request) -> Response:
        runs = runs_recent_for(request.user, task=request.query_params.get("task"))
        return Response([run_payload(r) for r in runs])


class RunDetailApi(APIView):
    @extend_schema(responses={200: RunOutput})
    def get(self, request: Request, run_id: str) -> Response:
        return run_response(run_get_visible(user=request.user, run_id=run_id))


class RunRetryApi(APIView):
    throttle_classes = RUN_START_THROTTLES

    @extend_schema(request=None, responses={202: RunOutput})
    def post(self, request: Request, run_id: str) -> Response:
        run = run_retry(run=run_get_visible(user=request.user, run_id=run_id), actor=request.user)
        return run_response(run, code=status.HTTP_202_ACCEPTED)


class RunCancelApi(APIView):
    @extend_schema(request=None, responses={200: RunOutput})
    def post(self, request: Request, run_id: str) -> Response:
        return run_response(run_cancel(run=run_get_visible(user=request.user, run_id=run_id), actor=request.user))
