"""Support's two tasks: `defect_analysis` (photos -> bounded JSON findings) and `support_reply` (findings -> text).

The model only judges what needs eyes (damage, the wrong product, what is in the box, where the product is).
Colour difference and missing items are measured by code, so they are not in the model's list of issue types.
"""

from __future__ import annotations

from typing import Any

from inference.prompts import TaskTemplate, register_template
from inference.protocol import Sampling

MAX_TICKET_PHOTOS = 4  # the engine accepts at most four images per request
MODEL_ISSUE_TYPES = ["packaging_damage", "product_damage", "wrong_item", "other"]
SEVERITIES = ["minor", "moderate", "severe"]

_BOX: dict[str, Any] = {
    "type": "array",
    "items": {"type": "integer", "minimum": 0, "maximum": 1000},
    "minItems": 4,
    "maxItems": 4,
}
_PHOTO_NUMBER: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_TICKET_PHOTOS}

DEFECT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "issues": {
            "type": "array",
            "maxItems": 4,
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": MODEL_ISSUE_TYPES},
                    "description": {"type": "string", "maxLength": 120},
                    "severity": {"type": "string", "enum": SEVERITIES},
                    "photo": _PHOTO_NUMBER,
                    "bbox_2d": _BOX,
                },
                "required": ["type", "description", "severity", "photo", "bbox_2d"],
                "additionalProperties": False,
            },
        },
        "product_box": {
            "type": "object",
            "properties": {"photo": _PHOTO_NUMBER, "bbox_2d": _BOX},
            "required": ["photo", "bbox_2d"],
            "additionalProperties": False,
        },
        "items_seen": {"type": "array", "maxItems": 8, "items": {"type": "string", "maxLength": 40}},
    },
    "required": ["issues", "product_box", "items_seen"],
    "additionalProperties": False,
}

DEFECT_ANALYSIS = register_template(
    TaskTemplate(
        name="defect_analysis",
        title="Delivery defect analysis",
        version=1,
        system=(
            "You inspect photos that a customer sent of an online-shop delivery. Report only what is visible. "
            "For each problem give its type (packaging_damage, product_damage, wrong_item when the product is not "
            "the one ordered, other), a short factual description, a severity (minor, moderate, severe), the "
            "photo number (1 = first photo) and bbox_2d [x1, y1, x2, y2] on a 0-1000 scale of that photo. "
            "Give product_box: the photo and box where the product itself is seen best, for a colour comparison. "
            "List items_seen: every separate item visible (product, cables, manuals, parts), in plain words. "
            "Do not judge colour or completeness; they are measured separately. Answer in JSON."
        ),
        user=(
            "Ordered product: {product_name} (SKU {sku}).\n"
            "The box should contain: {box_items}.\n"
            "Photos: {photo_count}.\n"
            "Customer's message: {customer_message}"
        ),
        max_tokens=2048,
        image_tokens=1024,
        schema=DEFECT_SCHEMA,
        sampling=Sampling(temperature=0.1, top_p=0.5, top_k=5, presence_penalty=0.0),
    )
)

SUPPORT_REPLY = register_template(
    TaskTemplate(
        name="support_reply",
        title="Customer reply draft",
        version=1,
        system=(
            "You write replies for an online shop's customer support. Use only the findings and remedies given: "
            "state what was found, pointing at the marked areas in the customer's photos by their numbers, and "
            "offer exactly the remedies listed, nothing more (no other compensation, no dates, no promises). "
            "Where a remedy reads 'needs a human decision', offer nothing for that point: say a colleague will "
            "review it and get back to the customer. Stay polite, never blame the customer. Write only the reply."
        ),
        user=(
            "Tone: {tone_instruction}\n"
            "Language: write the reply in {language}.\n"
            "Shop: {shop_name}. Product: {product_name} (SKU {sku}). Customer: {customer_name}.\n"
            "Findings:\n{findings}\n"
            "Remedies to offer (decided by the shop's policy):\n{remedies}\n"
            "Customer's message: {customer_message}"
        ),
        max_tokens=600,
        image_tokens=256,  # the reply works from the findings text; no photos are sent
        sampling=Sampling(temperature=0.7, top_p=0.8, top_k=20, presence_penalty=0.5),
    )
)
