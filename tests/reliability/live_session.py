"""Talking to a live app server as a person does: a session cookie for pages and websockets, a token for the API."""

from __future__ import annotations

import httpx
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.images import jpeg_bytes


def session_cookie(user) -> str:
    """A logged-in session for `user`, as the Cookie header a browser would send."""
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def token_client(app_url: str, user) -> httpx.Client:
    token, _ = Token.objects.get_or_create(user=get_user_model().objects.get(pk=user.pk))
    return httpx.Client(base_url=app_url, headers={"Authorization": f"Token {token.key}"}, timeout=60)


def start_run(app_url: str, user, *, question: str = "Describe it.", seed: int = 111, max_tokens: int = 400) -> str:
    """Upload a photo and ask about it through the API; the run's id."""
    with token_client(app_url, user) as api:
        photo = api.post("/api/photos/", files={"files": (f"p{seed}.jpg", jpeg_bytes(320, 240, seed=seed))})
        body = {"photos": [photo.json()["photos"][0]["sha256"]], "question": question, "max_tokens": max_tokens}
        return api.post("/api/runs/create/", json=body).json()["id"]


def ws_url(app_url: str, run_id: str) -> str:
    return app_url.replace("http", "ws", 1) + f"/ws/runs/{run_id}/"
