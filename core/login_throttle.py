"""Login throttling: after LOGIN_MAX_FAILURES wrong passwords for one username from one address, logins for that
pair are refused for LOGIN_LOCKOUT_SECONDS, on every entry point (login page, admin, API token).

Counts live in the cache (per process by default, shared when REDIS_URL is set).
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import signals
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import TooManyRequests
from core.metrics import LOGIN_FAILURES, LOGIN_LOCKOUTS

logger = logging.getLogger(__name__)


def _now() -> float:
    return time.time()


def client_ip(request: Any) -> str:
    return str(getattr(request, "META", {}).get("REMOTE_ADDR") or "unknown")


def _key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}|{ip}".encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


def lockout_remaining(username: str, ip: str) -> int:
    """Seconds until `username` may try again from `ip`; 0 when not locked out."""
    state = cache.get(_key(username, ip)) or {}
    return max(0, int(state.get("locked_until", 0) - _now() + 0.999))


def login_failed(username: str, ip: str) -> None:
    if lockout_remaining(username, ip):
        return  # attempts during a lockout neither count nor extend it
    key, window = _key(username, ip), settings.LOGIN_LOCKOUT_SECONDS
    state = cache.get(key) or {"count": 0}
    state["count"] += 1
    LOGIN_FAILURES.inc()
    if state["count"] >= settings.LOGIN_MAX_FAILURES:
        state = {"count": 0, "locked_until": _now() + window}
        LOGIN_LOCKOUTS.inc()
        logger.warning("login locked for %ss after repeated failures (user %r from %s)", window, username, ip)
    cache.set(key, state, timeout=window)


def login_succeeded(username: str, ip: str) -> None:
    cache.delete(_key(username, ip))


def lockout_message(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return (
        "Too many failed logins for this username. For your account's safety, logging in is paused: "
        f"try again in {minutes} minute{'s' if minutes != 1 else ''}."
    )


@receiver(signals.user_login_failed)
def _count_failure(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    if request is not None and credentials.get("username"):
        login_failed(str(credentials["username"]), client_ip(request))


@receiver(signals.user_logged_in)
def _clear_failures(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None:
        login_succeeded(user.get_username(), client_ip(request))


class ThrottledModelBackend(ModelBackend):
    """The usual username/password check, refused outright while the pair is locked out (admin login, API token)."""

    def authenticate(self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any):  # type: ignore[override]
        if request is not None and username and lockout_remaining(username, client_ip(request)):
            raise PermissionDenied(lockout_message(lockout_remaining(username, client_ip(request))))
        return super().authenticate(request, username=username, password=password, **kwargs)


class ThrottledLoginView(LoginView):
    template_name = "core/login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        remaining = lockout_remaining(request.POST.get("username", ""), client_ip(request))
        if remaining:
            # An unbound form: validating it would try the password, which is exactly what is paused.
            context = self.get_context_data(form=self.form_class(request), locked_out=lockout_message(remaining))
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)


class ThrottledObtainAuthToken(ObtainAuthToken):
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = request.data if hasattr(request.data, "get") else {}  # a malformed body is the serializer's to refuse
        remaining = lockout_remaining(str(data.get("username", "")), client_ip(request))
        if remaining:
            raise TooManyRequests(lockout_message(remaining), retry_after_s=remaining)
        return super().post(request, *args, **kwargs)
