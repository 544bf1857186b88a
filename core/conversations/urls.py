from django.urls import path

from core.conversations import apis

api_patterns = [
    path("conversations/", apis.ConversationListApi.as_view(), name="api-conversation-list"),
    path("conversations/start/", apis.ConversationStartApi.as_view(), name="api-conversation-start"),
    path("conversations/<uuid:conversation_id>/", apis.ConversationDetailApi.as_view(), name="api-conversation"),
    path("conversations/<uuid:conversation_id>/ask/", apis.ConversationAskApi.as_view(), name="api-conversation-ask"),
    path("conversations/<uuid:conversation_id>/turns/", apis.TurnListApi.as_view(), name="api-conversation-turns"),
]
