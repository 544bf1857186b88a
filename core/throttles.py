"""Per-user rate limits: every API call (API_RATE_LIMIT) and, tighter, starting runs (RUN_START_RATE_LIMIT).

A refused request gets 429 with Retry-After and the core error shape ({"error": {"code": "throttled", ...}}).
Endpoints that start runs use: throttle_classes = RUN_START_THROTTLES
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.metrics import THROTTLED


class _SettingsRateThrottle(SimpleRateThrottle):
    """Reads its rate from a Django setting at request time ("60/min"), so it can be changed without a restart
    of the class machinery (and in tests); authenticated users are counted by id, others by address."""

    setting_name = ""

    def get_rate(self) -> str | None:
        return getattr(settings, self.setting_name, None) or None

    def allow_request(self, request: Any, view: Any) -> bool:
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        allowed = super().allow_request(request, view)
        if not allowed:
            THROTTLED.labels(scope=self.scope).inc()
        return allowed

    def get_cache_key(self, request: Any, view: Any) -> str:
        user = request.user
        ident = f"user-{user.pk}" if user and user.is_authenticated else f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ApiRateThrottle(_SettingsRateThrottle):
    scope = "api"
    setting_name = "API_RATE_LIMIT"


class RunStartThrottle(_SettingsRateThrottle):
    """Counts only requests that start work (POST), so reading progress never uses up the allowance."""

    scope = "run_start"
    setting_name = "RUN_START_RATE_LIMIT"

    def allow_request(self, request: Any, view: Any) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)


RUN_START_THROTTLES = [ApiRateThrottle, RunStartThrottle]
