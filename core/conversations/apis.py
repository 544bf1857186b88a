"""REST API for conversations: start one beside a run, ask a follow-up, read the turns."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.answer_controls import MAX_TOKENS_FOR_LENGTH, Activity, AnswerLength, sampling_params
from core.conversations.selectors import conversation_for_run, conversation_get_visible, turn_answer
from core.models import Conversation, ConversationTurn
from core.selectors import photos_get_visible, run_get_visible
from core.services.conversations import MAX_QUESTION_CHARS, conversation_ask, conversation_start
from core.streaming import run_payload


class TurnOutput(serializers.Serializer):
    number = serializers.IntegerField()
    question = serializers.CharField()
    answer = serializers.CharField(help_text="For a model turn, filled once its run is done (stream the run).")
    source = serializers.ChoiceField(choices=["origin", "model", "table"])
    photo_numbers = serializers.ListField(child=serializers.IntegerField())
    cited = serializers.JSONField(allow_null=True, help_text="The table (and cells) the answer comes from.")
    run = serializers.JSONField(allow_null=True, help_text="The run that answers (core.streaming.run_payload).")


class ConversationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    origin_run = serializers.UUIDField(allow_null=True)
    photos = serializers.ListField(child=serializers.DictField())
    turns = TurnOutput(many=True)


def turn_payload(turn: ConversationTurn) -> dict[str, Any]:
    return {
        "number": turn.number,
        "question": turn.question,
        "answer": turn_answer(turn),
        "source": turn.source,
        "photo_numbers": turn.photo_numbers,
        "cited": turn.cited,
        "run": run_payload(turn.run) if turn.run else None,
    }


def conversation_payload(conversation: Conversation) -> dict[str, Any]:
    photos = [
        {
            "number": ref.number,
            "sha256": ref.photo.sha256,
            "url": f"/photos/{ref.photo.sha256}/",
            "thumbnail_url": f"/photos/{ref.photo.sha256}/thumb/",
            "description": ref.description,
        }
        for ref in conversation.photo_refs.select_related("photo")
    ]
    turns = [turn_payload(t) for t in conversation.turns.select_related("run").prefetch_related("run__photos")]
    return {"id": str(conversation.id), "origin_run": conversation.origin_run_id, "photos": photos, "turns": turns}


class ConversationListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("run", str, description="The run whose conversation to return.")],
        responses={200: ConversationOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        run_id = request.query_params.get("run")
        if not run_id:
            return Response([])
        conversation = conversation_for_run(run_get_visible(user=request.user, run_id=run_id))
        return Response([conversation_payload(conversation)] if conversation else [])


class ConversationStartApi(APIView):
    class InputSerializer(serializers.Serializer):
        run = serializers.UUIDField(help_text="Any run you may see: an inspection, a ticket, a question.")

    @extend_schema(request=InputSerializer, responses={200: ConversationOutput, 201: ConversationOutput})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = run_get_visible(user=request.user, run_id=serializer.validated_data["run"])
        conversation, created = conversation_start(user=request.user, run=run)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(conversation_payload(conversation), status=code)


class ConversationDetailApi(APIView):
    @extend_schema(responses={200: ConversationOutput})
    def get(self, request: Request, conversation_id: str) -> Response:
        conversation = conversation_get_visible(user=request.user, conversation_id=conversation_id)
        return Response(conversation_payload(conversation))


class ConversationAskApi(APIView):
    class InputSerializer(serializers.Serializer):
        question = serializers.CharField(max_length=MAX_QUESTION_CHARS)
        photos = serializers.ListField(
            child=serializers.CharField(max_length=64), required=False, max_length=8, help_text="New photos (sha256)."
        )
        activity = serializers.ChoiceField(choices=Activity.choices, default=Activity.BALANCED)
        length = serializers.ChoiceField(choices=AnswerLength.choices, default=AnswerLength.FULL)

    @extend_schema(request=InputSerializer, responses={201: TurnOutput})
    def post(self, request: Request, conversation_id: str) -> Response:
        conversation = conversation_get_visible(user=request.user, conversation_id=conversation_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        turn = conversation_ask(
            user=request.user,
            conversation=conversation,
            question=data["question"],
            photos=photos_get_visible(user=request.user, sha256s=data.get("photos") or []),
            max_tokens=MAX_TOKENS_FOR_LENGTH[AnswerLength(data["length"])],
            sampling=sampling_params(data["activity"]),
        )
        return Response(turn_payload(turn), status=status.HTTP_201_CREATED)


class TurnListApi(APIView):
    @extend_schema(responses={200: TurnOutput(many=True)})
    def get(self, request: Request, conversation_id: str) -> Response:
        conversation = conversation_get_visible(user=request.user, conversation_id=conversation_id)
        return Response([turn_payload(t) for t in conversation.turns.select_related("run")])
