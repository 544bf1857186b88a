"""Pages and private media. Pages are thin: they read through selectors and render; the browser talks to the API."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from core.answer_controls import Activity, AnswerLength, PhotoDetail
from core.engine import engine_info
from core.errors import NotFound
from core.selectors import photo_get_visible, run_get_visible, run_queue_position, runs_recent_for
from core.services.photos import photo_path, thumbnail_path
from core.streaming import run_payload


def _not_found(message: str) -> HttpResponse:
    return HttpResponse(message, status=404, content_type="text/plain")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"runs": runs_recent_for(request.user, limit=10)})


@login_required
def ask(request: HttpRequest) -> HttpResponse:
    context = {
        "activities": Activity.choices,
        "lengths": AnswerLength.choices,
        "details": PhotoDetail.choices,
        "runs": runs_recent_for(request.user, task="describe", limit=20),
    }
    return render(request, "core/ask.html", context)


@login_required
def run_detail(request: HttpRequest, run_id: str) -> HttpResponse:
    try:
        run = run_get_visible(user=request.user, run_id=run_id)
    except NotFound:
        return _not_found("No such run.")
    payload = run_payload(run, queue_position=run_queue_position(run))
    return render(request, "core/run_detail.html", {"run": run, "payload": payload})


@login_required
@require_GET
@cache_control(private=True, max_age=86400, immutable=True)
def photo_file(request: HttpRequest, sha256: str, thumbnail: bool = False) -> HttpResponse | FileResponse:
    """Photos are served only to people who may see them; content-addressed, so they never change."""
    try:
        photo = photo_get_visible(user=request.user, sha256=sha256)
    except NotFound:
        return _not_found("No such photo.")
    path = thumbnail_path(photo) if thumbnail else photo_path(photo)
    return FileResponse(path.open("rb"), content_type="image/jpeg" if thumbnail else photo.mime)


def health(request: HttpRequest) -> JsonResponse:
    info = engine_info()
    return JsonResponse({"app": "ok", "engine": "up" if info.up else "down", "model": info.model})
