"""The app's view of the engine: where it is, what it serves, and whether answers mean anything."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx
from django.conf import settings

from inference.client import EngineClient

TINY_MODEL_NAME = "visiondesk/tiny-qwen3-vl"
_INFO_TTL_S = 15.0


def engine_url() -> str:
    """INFERENCE_URL wins (an engine that runs elsewhere); otherwise the one `make run` starts."""
    return settings.INFERENCE_URL.rstrip("/") or f"http://{settings.ENGINE_HOST}:{settings.ENGINE_PORT}/v1"


def new_engine_client() -> EngineClient:
    return EngineClient(engine_url(), api_key=settings.ENGINE_API_KEY, timeout_s=settings.ENGINE_REQUEST_TIMEOUT)


@dataclass(frozen=True)
class EngineInfo:
    up: bool
    model: str = ""

    @property
    def is_tiny(self) -> bool:
        return self.model == TINY_MODEL_NAME


_cached: tuple[float, EngineInfo] | None = None


def engine_info() -> EngineInfo:
    """Asked of the engine at most every few seconds; pages read it for the banner and the status dot."""
    global _cached
    now = time.monotonic()
    if _cached and now - _cached[0] < _INFO_TTL_S:
        return _cached[1]
    try:
        response = httpx.get(f"{engine_url()}/models", timeout=1.0, headers=_auth_headers())
        response.raise_for_status()
        data = response.json().get("data") or []
        info = EngineInfo(up=True, model=data[0]["id"] if data else "")
    except (httpx.HTTPError, ValueError, KeyError):
        info = EngineInfo(up=False)
    _cached = (now, info)
    return info


def _auth_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {settings.ENGINE_API_KEY}"} if settings.ENGINE_API_KEY else {}
