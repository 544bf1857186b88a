"""One error hierarchy and one exception handler: every API error has the same JSON shape.

{"error": {"code": "busy", "message": "a sentence for people", "details": {...}}}
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class AppError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class InvalidInput(AppError):
    pass


class NotFound(AppError):
    status = 404
    code = "not_found"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class Conflict(AppError):
    status = 409
    code = "conflict"


class Busy(AppError):
    """Too many runs waiting: the client should try again shortly rather than wait for a timeout."""

    status = 503
    code = "busy"
    retry_after_s = 10


class TooManyRequests(AppError):
    """Too many attempts from this person: they may try again after `retry_after_s` seconds."""

    status = 429
    code = "throttled"

    def __init__(self, message: str, *, retry_after_s: int, details: dict[str, Any] | None = None) -> None:
        super().__init__(message, details={"retry_after_s": retry_after_s, **(details or {})})
        self.retry_after_s = retry_after_s


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": _encodable(message), "details": _encodable(details or {})}}


def _encodable(value: Any) -> Any:
    """Error messages may quote what was sent; a lone surrogate in it must not stop the answer being UTF-8."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encodable(v) for v in value]
    return value


def _drf_message(exc: drf.APIException) -> tuple[str, dict[str, Any]]:
    detail = exc.detail
    if isinstance(detail, dict):
        return "Some fields are not valid.", {"fields": detail}
    if isinstance(detail, list):
        return "; ".join(str(d) for d in detail), {}
    return str(detail), {}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, AppError):
        retry_after = getattr(exc, "retry_after_s", None)
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status, headers=headers)
    if isinstance(exc, drf.Throttled):
        return _throttled(exc)
    if isinstance(exc, (SuspiciousOperation, RecursionError)):
        return _unreadable_request(exc)
    if isinstance(exc, DjangoValidationError):
        exc = drf.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("unhandled API error", exc_info=exc)
        return Response(error_body("server_error", "Something went wrong on our side."), status=500)
    assert isinstance(exc, drf.APIException)
    message, details = _drf_message(exc)
    response.data = error_body(exc.default_code if not exc.get_codes() else _code(exc), message, details)
    return response


def _code(exc: drf.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _unreadable_request(exc: Exception) -> Response:
    """A request over Django's limits, malformed multipart, or JSON nested too deep to parse: the client's fault."""
    logger.warning("refused an unreadable request: %s", exc)
    if isinstance(exc, TooManyFilesSent):
        message = f"Too many files in one request: send at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} at a time."
    elif isinstance(exc, RequestDataTooBig):
        message = "The request is too large."
    elif isinstance(exc, TooManyFieldsSent):
        message = "The request has too many fields."
    elif isinstance(exc, RecursionError):
        message = "The request is nested too deeply to read."
    else:
        message = "The request could not be read."
    return Response(error_body("invalid", message), status=400)


def _throttled(exc: drf.Throttled) -> Response:
    wait = max(1, math.ceil(exc.wait or 1))
    message = f"Too many requests: please wait {wait} s and try again."
    return Response(
        error_body("throttled", message, {"retry_after_s": wait}), status=429, headers={"Retry-After": str(wait)}
    )
