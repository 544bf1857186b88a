"""The inspection_report task: its prompts, its bounded JSON schema and its pixel budget."""

from __future__ import annotations

import copy
from typing import Any

from inference.prompts import TaskTemplate, register_template
from inference.protocol import Sampling

TASK = "inspection_report"
MAX_PHOTOS = 4  # the engine's images-per-prompt limit, and what fits the context at this pixel budget
MAX_ROWS = 12
READING_LIMIT = 1_000_000  # bounds the number the model may write (an unbounded number can run on forever)

EQUIPMENT_TYPES = ["pressure_gauge", "valve", "breaker", "panel", "pump", "other"]
STATUSES = ["normal", "abnormal", "cannot_tell"]

READING = {
    "anyOf": [
        {"type": "null"},
        {
            "type": "object",
            "properties": {
                "value": {"type": "number", "minimum": -READING_LIMIT, "maximum": READING_LIMIT},
                "unit": {"type": "string", "maxLength": 12},
            },
            "required": ["value", "unit"],
            "additionalProperties": False,
        },
    ]
}

ROW = {
    "type": "object",
    "properties": {
        "equipment": {"type": "string", "maxLength": 60},
        "tag": {"type": "string", "maxLength": 24},
        "type": {"enum": EQUIPMENT_TYPES},
        "status": {"enum": STATUSES},
        "anomaly": {"type": "string", "maxLength": 120},
        "action": {"type": "string", "maxLength": 120},
        "reading": READING,
        "photo": {"type": "integer", "minimum": 1, "maximum": MAX_PHOTOS},
        "bbox_2d": {
            "type": "array",
            "items": {"type": "integer", "minimum": 0, "maximum": 1000},
            "minItems": 4,
            "maxItems": 4,
        },
    },
    "required": ["equipment", "tag", "type", "status", "anomaly", "action", "reading", "photo", "bbox_2d"],
    "additionalProperties": False,
}

REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"rows": {"type": "array", "items": ROW, "maxItems": MAX_ROWS}},
    "required": ["rows"],
    "additionalProperties": False,
}


def report_schema(photo_count: int) -> dict[str, Any]:
    """The schema for a run on `photo_count` photos: the model can only point at photos that exist."""
    schema = copy.deepcopy(REPORT_SCHEMA)
    schema["properties"]["rows"]["items"]["properties"]["photo"]["maximum"] = max(1, min(photo_count, MAX_PHOTOS))
    return schema


SYSTEM = (
    "You are an industrial inspection assistant. You review photos taken on an inspection round of a plant or "
    "substation and list every piece of equipment you can see: pressure gauges, valves, breakers, panels, pumps "
    "and other equipment. Give one row per piece of equipment:\n"
    "- equipment: its name as written on its label or nameplate, else a short description;\n"
    "- tag: its tag as written (such as PT-203 or QF1), or an empty string when none is legible; prefer a tag "
    "from the registered list when the label matches it;\n"
    "- type: pressure_gauge, valve, breaker, panel, pump or other;\n"
    "- status: normal, abnormal, or cannot_tell when the photo does not show enough;\n"
    "- anomaly: what is wrong (leak, corrosion, damage, needle beyond the red zone, tripped, alarm lamp on), "
    "empty when nothing is;\n"
    "- action: the recommended action, empty when none is needed;\n"
    "- reading: when an instrument shows a value, the value as a number and the unit printed on the dial or "
    "display; null otherwise. Read the needle against the scale marks; never guess a value you cannot read;\n"
    "- photo: which photo it is in (1 is the first);\n"
    "- bbox_2d: its box [x1, y1, x2, y2] on a 0-1000 scale of that photo.\n"
    "Write the anomaly and the action in the language of the inspector's note. Answer with JSON only."
)

USER = (
    "Site: {site}\n"
    "Registered equipment at this site (tag | name | type | unit):\n{equipment}\n"
    "Inspector's note: {note}\n"
    "Photos: {photo_count}. List every piece of equipment you can see in them."
)

INSPECTION_REPORT = register_template(
    TaskTemplate(
        name=TASK,
        title="Inspection report",
        version=1,
        system=SYSTEM,
        user=USER,
        # 12 rows even with every string at its bound (the tiny model writes ~130 tokens a row, a real one ~80);
        # with 4 photos at 1024 tokens it still fits an 8k context.
        max_tokens=3072,
        image_tokens=1280,  # gauges need detail: the top of Qwen's suggested range
        schema=REPORT_SCHEMA,
        # Reading, not writing: low temperature; no presence penalty, which would push later rows away from
        # the statuses and types earlier rows already used.
        sampling=Sampling(temperature=0.2, top_p=0.8, top_k=20, presence_penalty=0.0),
    )
)
