"""Daphne without a parse of request bodies that nothing reads.

Twisted, under Daphne, parses every multipart POST body into `request.args` on the event loop before the request
reaches the app; Daphne never reads them (Django parses the body itself). For a photo upload that was tens of
milliseconds of the loop per request, while every stream on the loop waited. Twisted's request takes a switch for
it (`parsePOSTFormSubmission`); Daphne builds its requests from a module-level class, so a subclass that turns the
switch off takes its place there.
"""

from __future__ import annotations

from typing import Any

from daphne import http_protocol


class WebRequestWithoutFormParsing(http_protocol.WebRequest):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("parsePOSTFormSubmission", False)
        super().__init__(*args, **kwargs)


def skip_form_parsing_in_daphne() -> None:
    """Call in the serving process before it accepts connections (idempotent)."""
    http_protocol.WebRequest = WebRequestWithoutFormParsing  # type: ignore[misc]
