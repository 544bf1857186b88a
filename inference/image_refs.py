"""Images the engine already holds are sent by reference: their uuid alone, without the bytes.

vLLM keeps processed images in its multimodal processor cache, keyed by the uuid we send with each image. A
follow-up that shows the same three photos again then skips sending, decoding and processing them. When the engine
no longer has one (evicted, restarted, another replica), it refuses the request before any token ("cache miss");
the client then sends the request again with the bytes. An engine that refuses references repeatedly (its cache
off, an older version) gets bytes only from then on.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from inference.protocol import ChatRequest, ImageInput

MAX_REMEMBERED = 4096
MISSES_BEFORE_GIVING_UP = 3


class SentImages:
    def __init__(self, max_items: int = MAX_REMEMBERED) -> None:
        self._uuids: OrderedDict[str, None] = OrderedDict()
        self._max = max_items
        self._misses_in_a_row = 0
        self.enabled = True

    def slim(self, body: dict[str, Any]) -> dict[str, Any]:
        """The request body with every image the engine already has replaced by its reference (or `body` itself
        when there is none)."""
        if not self.enabled or not self._uuids:
            return body
        messages = [self._slim_message(m) for m in body["messages"]]
        if all(new is old for new, old in zip(messages, body["messages"], strict=True)):
            return body
        return {**body, "messages": messages}

    def _slim_message(self, message: dict[str, Any]) -> dict[str, Any]:
        content = message["content"]
        if not isinstance(content, list) or not any(self._known(p) for p in content):
            return message
        parts = [{"type": "image_url", "image_url": None, "uuid": p["uuid"]} if self._known(p) else p for p in content]
        return {**message, "content": parts}

    def _known(self, part: dict[str, Any]) -> bool:
        return part.get("type") == "image_url" and part.get("uuid") in self._uuids

    def accepted(self, request: ChatRequest, *, by_reference: bool) -> None:
        """The engine accepted `request` (`by_reference`: as slimmed): it holds its images now."""
        if by_reference:
            self._misses_in_a_row = 0
        for message in request.messages:
            for part in message.parts:
                if isinstance(part, ImageInput):
                    self._uuids[part.uuid] = None
                    self._uuids.move_to_end(part.uuid)
        while len(self._uuids) > self._max:
            self._uuids.popitem(last=False)

    def missed(self) -> None:
        """The engine refused a request with references: forget what we thought it had."""
        self._uuids.clear()
        self._misses_in_a_row += 1
        if self._misses_in_a_row >= MISSES_BEFORE_GIVING_UP:
            self.enabled = False
