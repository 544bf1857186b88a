"""What an app adds to a task's run: how its request is built and what happens with a finished answer.

Apps register these in their AppConfig.ready(); core calls them without importing any app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from inference.protocol import ChatRequest, ImageInput

if TYPE_CHECKING:
    from core.models import Run

RequestBuilder = Callable[["Run", Sequence[ImageInput]], ChatRequest]
DoneHandler = Callable[["Run"], None]
VisibilityCheck = Callable[["Run", Any], bool]

_request_builders: dict[str, RequestBuilder] = {}
_done_handlers: dict[str, DoneHandler] = {}
_visibility_checks: dict[str, VisibilityCheck] = {}


def build_request_with(task: str) -> Callable[[RequestBuilder], RequestBuilder]:
    """Use a custom request for `task` (for example a conversation with earlier turns)."""

    def register(fn: RequestBuilder) -> RequestBuilder:
        _request_builders[task] = fn
        return fn

    return register


def on_run_done(task: str) -> Callable[[DoneHandler], DoneHandler]:
    """Call `fn(run)` inside the transaction that marks a `task` run done; raising ValueError fails the run."""

    def register(fn: DoneHandler) -> DoneHandler:
        _done_handlers[task] = fn
        return fn

    return register


def restrict_visibility(task: str) -> Callable[[VisibilityCheck], VisibilityCheck]:
    """Narrow who may see a `task` run beyond its team: `fn(run, user) -> bool` (admins always may)."""

    def register(fn: VisibilityCheck) -> VisibilityCheck:
        _visibility_checks[task] = fn
        return fn

    return register


def request_builder_for(task: str) -> RequestBuilder | None:
    return _request_builders.get(task)


def done_handler_for(task: str) -> DoneHandler | None:
    return _done_handlers.get(task)


def visibility_check_for(task: str) -> VisibilityCheck | None:
    return _visibility_checks.get(task)
