"""Test data for support: catalogue products with reference photos, tickets, and analyses with known content."""

from __future__ import annotations

import io
from typing import Any

import factory
import numpy as np
from django.db import transaction
from django.utils import timezone
from PIL import Image

from apps.support.models import Product, Ticket
from apps.support.run_hooks import defect_analysis_done
from apps.support.services import product_photo_add, ticket_create
from core.models import Photo, RunStatus, Team
from core.services.photos import photo_upload

REFERENCE_COLOUR = (200, 40, 40)  # the catalogue photo's colour; deliveries match it unless a test says otherwise


def lab_to_srgb8(lab: tuple[float, float, float]) -> tuple[int, int, int]:
    """The 8-bit sRGB colour nearest to a CIELAB (D65) colour; it must lie inside the sRGB gamut."""
    from apps.support.delta_e import _colour

    colour = _colour()
    rgb = colour.XYZ_to_sRGB(colour.Lab_to_XYZ(np.array(lab)))
    assert ((rgb >= 0) & (rgb <= 1)).all(), f"{lab} is outside the sRGB gamut"
    return tuple(int(v) for v in np.round(rgb * 255))  # type: ignore[return-value]


def patch_image(
    colour: tuple[int, int, int],
    *,
    size: tuple[int, int] = (400, 300),
    box: list[int] | None = None,
    background: tuple[int, int, int] = (30, 30, 30),
    fmt: str = "PNG",
) -> bytes:
    """A photo of one flat colour patch: the whole frame, or `box` (0-1000 scale) on a contrasting background."""
    image = Image.new("RGB", size, background if box else colour)
    if box:
        w, h = size
        patch = Image.new("RGB", (round((box[2] - box[0]) / 1000 * w), round((box[3] - box[1]) / 1000 * h)), colour)
        image.paste(patch, (round(box[0] / 1000 * w), round(box[1] / 1000 * h)))
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return out.getvalue()


def upload(user: Any, data: bytes, name: str = "photo.png") -> Photo:
    team = user.memberships.first().team
    return photo_upload(user=user, team=team, filename=name, data=data)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"KET-{n:03d}")
    name = "Glass kettle"
    box_items = factory.LazyFunction(lambda: ["Glass kettle", "Power base", "User manual"])


def product_with_reference(
    team: Team, user: Any, *, colour: tuple[int, int, int] = REFERENCE_COLOUR, **fields: Any
) -> Product:
    product = ProductFactory(team=team, **fields)
    product_photo_add(product=product, photo=upload(user, patch_image(colour), name=f"ref-{product.sku}.png"))
    return product


def ticket_for(user: Any, product: Product, *, photos: list[Photo] | None = None, **fields: Any) -> Ticket:
    photos = photos or [upload(user, patch_image(REFERENCE_COLOUR, size=(320, 240)), name="delivery.png")]
    message = fields.pop("customer_message", "The kettle arrived damaged.")
    team = user.memberships.first().team
    return ticket_create(user=user, team=team, product=product, customer_message=message, photos=photos, **fields)


def analysis(
    *,
    issues: list[dict[str, Any]] | None = None,
    product_box: dict[str, Any] | None = None,
    items_seen: list[str] | None = None,
) -> dict[str, Any]:
    """A schema-valid defect_analysis answer with known content."""
    return {
        "issues": issues or [],
        "product_box": product_box or {"photo": 1, "bbox_2d": [0, 0, 1000, 1000]},
        "items_seen": items_seen if items_seen is not None else ["glass kettle", "power base", "user manual"],
    }


def issue(type_: str = "product_damage", severity: str = "severe", photo: int = 1, bbox=(100, 200, 400, 600)) -> dict:
    return {
        "type": type_,
        "description": "crack in the glass",
        "severity": severity,
        "photo": photo,
        "bbox_2d": list(bbox),
    }


def finish_analysis(ticket: Ticket, result: dict[str, Any]) -> Ticket:
    """What the executor does when the analysis run ends: mark it done, then the app's handler, in one transaction."""
    run = ticket.analysis_run
    run.result, run.status, run.finished_at = result, RunStatus.DONE, timezone.now()
    with transaction.atomic():
        run.save()
        defect_analysis_done(run)
    ticket.refresh_from_db()
    return ticket


def finish_reply(ticket: Ticket, text: str = "Dear customer, we are sorry.") -> Ticket:
    from apps.support.run_hooks import support_reply_done

    run = ticket.drafts.first().run
    run.text, run.status, run.finished_at = text, RunStatus.DONE, timezone.now()
    with transaction.atomic():
        run.save()
        support_reply_done(run)
    ticket.refresh_from_db()
    return ticket
