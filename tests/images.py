"""Real image files made in the tests: photo-like content, in any size, format and mode."""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageDraw


def photo(width: int = 640, height: int = 480, *, seed: int = 0) -> Image.Image:
    """A detailed, photo-like picture (gradients, shapes, noise): unique per seed, so hashes differ."""
    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(24):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(8, max(9, min(width, height) // 4))
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), outline=colour, width=3)
        draw.rectangle((x, y, x + r, y + r // 2), fill=colour)
    pixels = np.random.default_rng(seed).normal(128, 24, (height, width, 3)).clip(0, 255).astype(np.uint8)
    noise = Image.fromarray(pixels, "RGB")
    return Image.blend(image, noise, 0.15)


def jpeg_bytes(width: int = 640, height: int = 480, *, seed: int = 0, quality: int = 80) -> bytes:
    out = io.BytesIO()
    photo(width, height, seed=seed).save(out, "JPEG", quality=quality)
    return out.getvalue()


def png_bytes(width: int = 320, height: int = 240, *, seed: int = 0) -> bytes:
    out = io.BytesIO()
    photo(width, height, seed=seed).save(out, "PNG")
    return out.getvalue()
