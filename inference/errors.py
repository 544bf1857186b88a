"""Typed engine errors: callers decide what to tell the user from the type, never from a raw exception."""

from __future__ import annotations


class EngineError(Exception):
    """Base class. `reason` is a sentence a user can read."""

    retryable = False

    def __init__(self, reason: str, *, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


class EngineUnavailable(EngineError):
    """The engine cannot be reached, or the connection broke mid-answer."""

    retryable = True


class EngineTimeout(EngineUnavailable):
    """The engine did not answer in time."""


class EngineOverloaded(EngineError):
    """The engine refused the request because it is full (HTTP 429/503)."""

    retryable = True


class BadRequest(EngineError):
    """The engine refused the request itself: too long, too many images, an invalid parameter."""


class InvalidOutput(EngineError):
    """The model answered, but the answer is not valid JSON or does not match the task's schema."""

    def __init__(self, reason: str, *, raw: str, detail: str = "") -> None:
        super().__init__(reason, detail=detail)
        self.raw = raw
