"""Daphne hands multipart bodies to the app untouched, without Twisted parsing them first."""

from __future__ import annotations

import io
from types import SimpleNamespace

from daphne import http_protocol

from core.http_server import WebRequestWithoutFormParsing, skip_form_parsing_in_daphne

BOUNDARY = b"xyz"
BODY = (
    b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.jpg"\r\n'
    b"Content-Type: image/jpeg\r\n\r\n" + b"\xff\xd8" + b"x" * 1000 + b"\r\n--xyz--\r\n"
)


class RecordingRequest(WebRequestWithoutFormParsing):
    def process(self) -> None:  # what Daphne would hand on: record it instead
        self.seen = self.content.read()


def _request(cls: type) -> http_protocol.WebRequest:
    server = SimpleNamespace(protocol_connected=lambda request: None)
    channel = SimpleNamespace(
        factory=SimpleNamespace(server=server), getPeer=lambda: None, getHost=lambda: None, transport=None
    )
    request = cls(channel)
    request.content = io.BytesIO(BODY)
    request.content.seek(0, io.SEEK_END)  # as Twisted leaves it after receiving the body
    request.requestHeaders.setRawHeaders(b"content-type", [b"multipart/form-data; boundary=" + BOUNDARY])
    return request


def test_the_body_reaches_the_app_unparsed_and_whole():
    request = _request(RecordingRequest)
    request.requestReceived(b"POST", b"/api/photos/", b"HTTP/1.1")
    assert request.args == {}  # Twisted's own parse would have filled this with the file's bytes
    assert request.seen == BODY


def test_daphne_builds_its_requests_from_the_class_that_skips_the_parse():
    original = http_protocol.WebRequest
    try:
        skip_form_parsing_in_daphne()
        skip_form_parsing_in_daphne()  # twice is harmless
        factory = http_protocol.HTTPFactory(server=SimpleNamespace())
        assert factory.buildProtocol(("127.0.0.1", 0)).requestFactory is WebRequestWithoutFormParsing
    finally:
        http_protocol.WebRequest = original
