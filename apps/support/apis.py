"""Support API: create a ticket with photos, read its findings and draft, regenerate, edit, approve, list history.

Each endpoint validates its input, calls one service and answers with the ticket as pages show it.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.support.models import Finding, IssueType, Product, ReplyDraft, Ticket, TicketStatus, Tone
from apps.support.schemas import MAX_TICKET_PHOTOS
from apps.support.selectors import (
    product_for_sku,
    ticket_current_draft,
    ticket_get_visible,
    ticket_list,
    ticket_photos,
)
from apps.support.services import draft_edit, ticket_approve, ticket_create, ticket_regenerate
from core.errors import InvalidInput
from core.roles import app_permission
from core.selectors import photos_get_visible, user_team
from core.services.photos import photos_upload
from core.streaming import run_payload
from core.throttles import RUN_START_THROTTLES

SUPPORT_ONLY = [app_permission("support")]


def _photo(photo: Any, number: int) -> dict[str, Any]:
    return {
        "number": number,
        "sha256": photo.sha256,
        "width": photo.width,
        "height": photo.height,
        "url": f"/photos/{photo.sha256}/",
        "thumbnail_url": f"/photos/{photo.sha256}/thumb/",
    }


class FindingOutput(serializers.ModelSerializer):
    issue_label = serializers.CharField(source="get_issue_type_display")
    photo = serializers.SerializerMethodField(help_text="1-based photo number the box is on; null: no box")

    class Meta:
        model = Finding
        fields = [
            "number", "issue_type", "issue_label", "severity", "description", "measured", "photo", "bbox",
            "delta_e", "item", "remedy", "remedy_text", "needs_human",
        ]  # fmt: skip

    def get_photo(self, finding: Finding) -> int | None:
        return None if finding.photo_position is None else finding.photo_position + 1


class DraftOutput(serializers.ModelSerializer):
    run = serializers.SerializerMethodField()

    class Meta:
        model = ReplyDraft
        fields = ["id", "tone", "language", "text", "edited", "created_at", "run"]

    def get_run(self, draft: ReplyDraft) -> dict[str, Any] | None:
        return run_payload(draft.run) if draft.run else None


class ProductOutput(serializers.ModelSerializer):
    reference_photos = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = ["id", "sku", "name", "box_items", "reference_photos"]

    def get_reference_photos(self, product: Product) -> list[dict[str, Any]]:
        refs = product.reference_photos.select_related("photo")
        return [{**_photo(r.photo, i), "product_box": r.product_box} for i, r in enumerate(refs, start=1)]


class TicketOutput(serializers.ModelSerializer):
    status = serializers.CharField(source="display_status")
    status_label = serializers.SerializerMethodField()
    product = ProductOutput()
    photos = serializers.SerializerMethodField()
    analysis_run = serializers.SerializerMethodField()
    findings = FindingOutput(many=True)
    draft = serializers.SerializerMethodField()
    drafts = serializers.SerializerMethodField()
    approved_by = serializers.CharField(source="approved_by.username", default=None)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id", "status", "status_label", "sku", "product", "customer_name", "order_ref", "customer_message",
            "tone", "language", "photos", "analysis_run", "findings", "items_seen", "missing_items", "colour_check",
            "draft", "drafts", "reply_error", "sent_text", "approved_by", "approved_at", "created_at", "url",
        ]  # fmt: skip

    def get_status_label(self, ticket: Ticket) -> str:
        return TicketStatus(ticket.display_status).label  # type: ignore[attr-defined]

    def get_photos(self, ticket: Ticket) -> list[dict[str, Any]]:
        return [_photo(p, i) for i, p in enumerate(ticket_photos(ticket), start=1)]

    def get_analysis_run(self, ticket: Ticket) -> dict[str, Any] | None:
        return run_payload(ticket.analysis_run) if ticket.analysis_run else None

    def get_draft(self, ticket: Ticket) -> dict[str, Any] | None:
        draft = ticket_current_draft(ticket)
        return DraftOutput(draft).data if draft else None

    def get_drafts(self, ticket: Ticket) -> list[dict[str, Any]]:
        return [
            {"id": d.id, "tone": d.tone, "language": d.language, "created_at": d.created_at}
            for d in ticket.drafts.all()
        ]

    def get_url(self, ticket: Ticket) -> str:
        return reverse("support:ticket", args=[ticket.pk])


class TicketSummaryOutput(serializers.ModelSerializer):
    status = serializers.CharField(source="display_status")
    product_name = serializers.CharField(source="product.name")
    issue_types = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = ["id", "status", "sku", "product_name", "customer_name", "issue_types", "created_at", "url"]

    def get_issue_types(self, ticket: Ticket) -> list[str]:
        return list(dict.fromkeys(f.issue_type for f in ticket.findings.all()))

    def get_url(self, ticket: Ticket) -> str:
        return reverse("support:ticket", args=[ticket.pk])


def ticket_response(request: Request, ticket_id: int, *, code: int = status.HTTP_200_OK) -> Response:
    ticket = ticket_get_visible(user=request.user, ticket_id=ticket_id)
    return Response(TicketOutput(ticket).data, status=code)


class TicketCreateApi(APIView):
    """JSON with `photos` (sha256 of photos uploaded through /api/photos/), or multipart with `files`, or both."""

    permission_classes = SUPPORT_ONLY
    throttle_classes = RUN_START_THROTTLES
    parser_classes = [JSONParser, MultiPartParser]

    class InputSerializer(serializers.Serializer):
        sku = serializers.CharField(max_length=64)
        customer_message = serializers.CharField(max_length=4000, allow_blank=True, default="")
        customer_name = serializers.CharField(max_length=120, allow_blank=True, default="")
        order_ref = serializers.CharField(max_length=64, allow_blank=True, default="")
        tone = serializers.ChoiceField(choices=Tone.choices, required=False)
        language = serializers.CharField(max_length=40, required=False)
        photos = serializers.ListField(child=serializers.CharField(max_length=64), default=list)
        files = serializers.ListField(child=serializers.FileField(allow_empty_file=True), default=list)
        team = serializers.IntegerField(required=False)

        def validate(self, data: dict[str, Any]) -> dict[str, Any]:
            count = len(data["photos"]) + len(data["files"])
            if not 1 <= count <= MAX_TICKET_PHOTOS:
                raise serializers.ValidationError(f"Send 1 to {MAX_TICKET_PHOTOS} photos of the delivery.")
            return data

    @extend_schema(
        request={"application/json": InputSerializer, "multipart/form-data": InputSerializer},
        responses={201: TicketOutput},
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=_input_data(request))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        team = user_team(request.user, data.get("team"))
        product = product_for_sku(user=request.user, team_id=team.id, sku=data["sku"])
        if product is None:
            raise InvalidInput(f"No product with SKU {data['sku']} in the catalogue.", details={"sku": data["sku"]})
        photos = photos_get_visible(user=request.user, sha256s=data["photos"]) + _uploaded(request, team, data["files"])
        ticket = ticket_create(
            user=request.user,
            team=team,
            product=product,
            customer_message=data["customer_message"],
            photos=photos,
            customer_name=data["customer_name"],
            order_ref=data["order_ref"],
            tone=data.get("tone"),
            language=data.get("language"),
        )
        return ticket_response(request, ticket.pk, code=status.HTTP_201_CREATED)


def _input_data(request: Request) -> dict[str, Any]:
    if request.content_type.startswith("multipart/"):
        scalars = {k: v for k, v in request.data.items() if k not in ("files", "photos")}
        return {**scalars, "files": request.FILES.getlist("files"), "photos": request.data.getlist("photos")}
    return request.data


def _uploaded(request: Request, team: Any, files: list[Any]) -> list[Any]:
    if not files:
        return []
    photos, rejected = photos_upload(user=request.user, team=team, files=[(f.name or "photo", f.read()) for f in files])
    if rejected:
        raise InvalidInput(rejected[0].reason, details={"rejected": [r.__dict__ for r in rejected]})
    return photos


class TicketListApi(APIView):
    permission_classes = SUPPORT_ONLY

    @extend_schema(
        parameters=[
            OpenApiParameter("issue_type", enum=IssueType.values),
            OpenApiParameter("sku", str),
            OpenApiParameter("status", enum=TicketStatus.values),
        ],
        responses={200: TicketSummaryOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        tickets = ticket_list(
            user=request.user,
            issue_type=params.get("issue_type", ""),
            sku=params.get("sku", ""),
            status=params.get("status", ""),
        )
        return Response(TicketSummaryOutput(tickets, many=True).data)


class TicketDetailApi(APIView):
    permission_classes = SUPPORT_ONLY

    @extend_schema(responses={200: TicketOutput})
    def get(self, request: Request, ticket_id: int) -> Response:
        return ticket_response(request, ticket_id)


class TicketRegenerateApi(APIView):
    permission_classes = SUPPORT_ONLY
    throttle_classes = RUN_START_THROTTLES

    class InputSerializer(serializers.Serializer):
        tone = serializers.ChoiceField(choices=Tone.choices, required=False)
        language = serializers.CharField(max_length=40, required=False)

    @extend_schema(request=InputSerializer, responses={202: TicketOutput})
    def post(self, request: Request, ticket_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = ticket_get_visible(user=request.user, ticket_id=ticket_id)
        data = serializer.validated_data
        ticket_regenerate(ticket=ticket, user=request.user, tone=data.get("tone"), language=data.get("language"))
        return ticket_response(request, ticket.pk, code=status.HTTP_202_ACCEPTED)


class DraftEditApi(APIView):
    permission_classes = SUPPORT_ONLY

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=20000, allow_blank=True, trim_whitespace=False)

    @extend_schema(request=InputSerializer, responses={200: TicketOutput})
    def post(self, request: Request, ticket_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = ticket_get_visible(user=request.user, ticket_id=ticket_id)
        draft_edit(ticket=ticket, text=serializer.validated_data["text"])
        return ticket_response(request, ticket.pk)


class TicketApproveApi(APIView):
    permission_classes = SUPPORT_ONLY

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=20000, required=False, trim_whitespace=False)

    @extend_schema(request=InputSerializer, responses={200: TicketOutput})
    def post(self, request: Request, ticket_id: int) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = ticket_get_visible(user=request.user, ticket_id=ticket_id)
        ticket_approve(ticket=ticket, user=request.user, text=serializer.validated_data.get("text"))
        return ticket_response(request, ticket.pk)
