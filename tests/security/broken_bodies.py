"""Request bodies that are not what an API expects: broken JSON, JSON of the wrong shape, lying content types."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Body:
    name: str
    data: bytes
    content_type: str = "application/json"


BROKEN_BODIES = (
    Body("empty body", b""),
    Body("truncated object", b'{"photos": ["abc"], "question": "is it'),
    Body("not json at all", b"photos=abc&question=hi"),
    Body("a bare list", b'["photos", "question"]'),
    Body("a bare string", b'"question"'),
    Body("a bare number", b"42"),
    Body("null", b"null"),
    Body("nested 100000 deep", b"[" * 100_000 + b"]" * 100_000),
    Body("object nested 50000 deep", b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
    Body("NaN and Infinity", b'{"photos": [NaN], "max_tokens": Infinity}'),
    Body("a 5000-digit integer", b'{"max_tokens": ' + b"9" * 5000 + b"}"),
    Body("an overflowing float", b'{"max_tokens": 1e999}'),
    Body("invalid utf-8", b'{"question": "\xff\xfe\xfd"}'),
    Body("a lone surrogate", b'{"photos": ["a"], "question": "\\ud800"}'),
    Body("a nul character", b'{"photos": ["a"], "question": "a\\u0000b"}'),
    Body("utf-8 bom", b'\xef\xbb\xbf{"photos": ["a"], "question": "hi"}'),
    Body("wrong types everywhere", b'{"photos": {"a": 1}, "question": ["x"], "fields": "x", "max_tokens": "many"}'),
    Body("objects where strings go", b'{"photos": [{"sha256": "a"}], "question": {"text": "hi"}, "team": [1]}'),
    Body("json sent as text/plain", b'{"photos": ["a"], "question": "hi"}', "text/plain"),
    Body("json with an unknown charset", b'{"photos": ["a"]}', "application/json; charset=bogus-8"),
    Body("json declared utf-16", b'{"photos": ["a"]}', "application/json; charset=utf-16"),
    Body("xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "text/xml"),
    Body("multipart without a boundary", b"--x\r\n\r\n", "multipart/form-data"),
    Body(
        "multipart with a broken boundary",
        b"--abc\r\nContent-Disposition: form-data\r\n",
        "multipart/form-data; boundary=abc",
    ),
    Body("form encoded garbage", b"%%%%=&&&=%zz", "application/x-www-form-urlencoded"),
)
