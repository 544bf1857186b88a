"""The operations page for admins, its JSON (polled every few seconds), and the app's Prometheus /metrics."""

from __future__ import annotations

import secrets
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from core.engine import engine_info, engine_url
from core.metrics import scrape_registry
from core.ops.engine_metrics import history, metrics_url
from core.ops.gpu import gpu_readings
from core.ops.stats import run_stats
from core.roles import role_required
from core.run_executor import executor
from core.selectors import user_is_admin

REFRESH_MS = 3000


def ops_snapshot() -> dict[str, Any]:
    info = engine_info()
    reading = history.latest() if info.up else None
    return {
        "at": timezone.now().isoformat(),
        "engine": {
            "up": info.up,
            "model": info.model,
            "url": engine_url(),
            "metrics": None if reading is None else asdict(reading),
        },
        "engine_history": history.series(),
        "gpus": [asdict(g) for g in gpu_readings()],
        "app": {
            "waiting": executor.waiting_count,
            "in_flight": executor.running_count,
            "websocket_clients": int(scrape_registry().get_sample_value("visiondesk_websocket_clients") or 0),
        },
        **run_stats(),
    }


@role_required("ops")
@require_GET
def ops_page(request: HttpRequest) -> HttpResponse:
    context = {"snapshot": ops_snapshot(), "refresh_ms": REFRESH_MS, "engine_metrics_url": metrics_url()}
    return render(request, "core/ops.html", context)


@role_required("ops")
@require_GET
@never_cache
def ops_data(request: HttpRequest) -> JsonResponse:
    return JsonResponse(ops_snapshot())


def _has_metrics_token(request: HttpRequest) -> bool:
    expected = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(expected) and secrets.compare_digest(given.encode(), f"Bearer {expected}".encode())


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for admins (logged in) or a scraper holding METRICS_TOKEN."""
    if not (_has_metrics_token(request) or user_is_admin(request.user)):
        status = 403 if request.user.is_authenticated else 401
        response = HttpResponse("Metrics are for administrators.\n", status=status, content_type="text/plain")
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
