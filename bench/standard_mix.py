"""The standard workload (shared BENCH.md): four request kinds, unique photos, fixed output lengths."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw


@dataclass(frozen=True)
class Kind:
    name: str
    share: float
    photos: int
    output_tokens: int
    prompt: str


KINDS = (
    Kind("describe", 0.30, 1, 96, "Describe this photo: the main objects, their condition and the setting."),
    Kind(
        "detail", 0.40, 1, 160, "Read every label, number and gauge value in the photo and give each with its position."
    ),
    Kind(
        "reason",
        0.20,
        1,
        320,
        "Is anything abnormal or unsafe in this photo? Reason step by step, then recommend an action.",
    ),
    Kind("compare", 0.10, 2, 256, "Compare the two photos and list every difference between them."),
)
SIZES = ((640, 480), (1024, 768), (1280, 720), (1920, 1080))
SAMPLING = {"temperature": 0.7, "top_p": 0.8, "top_k": 20}


@dataclass(frozen=True)
class MixRequest:
    index: int
    kind: Kind
    photos: tuple[bytes, ...]  # JPEG files as a phone would send them


def make_photo(rng: random.Random, seed: int) -> bytes:
    """A unique, photo-like JPEG: random size from the mix, detailed content, quality 40-75."""
    width, height = rng.choice(SIZES)
    pixels = np.random.default_rng(seed).integers(0, 256, (height // 8, width // 8, 3), dtype=np.uint8)
    image = Image.fromarray(pixels, "RGB").resize((width, height), Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(10, 120)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=(rng.randrange(256), 40, 40), width=4)
        draw.text((x, y), f"PT-{rng.randrange(1000)} {rng.random() * 10:.2f} bar", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=rng.randrange(40, 76))
    return out.getvalue()


def requests(count: int, *, seed: int = 0, twin: int = 0) -> list[MixRequest]:
    """`count` requests drawn by the mix's shares, each with its own unique photos. The same seed with another
    `twin` gives the same kinds, photo sizes and qualities in the same order, with other pixels: two targets
    measured side by side then get the same work, and neither gets the other's cache hits."""
    rng = random.Random(seed)
    weights = [k.share for k in KINDS]
    made = []
    for index in range(count):
        kind = rng.choices(KINDS, weights)[0]
        photos = tuple(make_photo(rng, (seed * 1_000_003 + index * 7 + i) * 8 + twin) for i in range(kind.photos))
        made.append(MixRequest(index=index, kind=kind, photos=photos))
    return made
