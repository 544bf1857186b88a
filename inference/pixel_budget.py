"""How large a photo is sent to Qwen3-VL: one visual token covers 32x32 pixels (patch 16, merge 2)."""

from __future__ import annotations

import math

TOKEN_SIDE = 32
MIN_TOKENS = 4


def image_tokens(width: int, height: int) -> int:
    """Visual tokens the engine spends on an image of this size (sides rounded to multiples of 32)."""
    w = max(TOKEN_SIDE, round(width / TOKEN_SIDE) * TOKEN_SIDE)
    h = max(TOKEN_SIDE, round(height / TOKEN_SIDE) * TOKEN_SIDE)
    return (w // TOKEN_SIDE) * (h // TOKEN_SIDE)


def fit_to_budget(width: int, height: int, max_tokens: int) -> tuple[int, int]:
    """The largest size with the same aspect, sides multiples of 32, within `max_tokens` visual tokens.

    Never upscales past the original (rounded up to the next multiple of 32 only when a side is tiny).
    """
    if width <= 0 or height <= 0:
        raise ValueError("image size must be positive")
    max_tokens = max(MIN_TOKENS, max_tokens)
    scale = min(1.0, math.sqrt(max_tokens * TOKEN_SIDE * TOKEN_SIDE / (width * height)))
    w_tokens = max(1, math.floor(width * scale / TOKEN_SIDE))
    h_tokens = max(1, math.floor(height * scale / TOKEN_SIDE))
    # Flooring both sides can leave budget unused on very elongated images; it never exceeds it.
    while w_tokens * h_tokens > max_tokens:
        if w_tokens >= h_tokens:
            w_tokens -= 1
        else:
            h_tokens -= 1
    return w_tokens * TOKEN_SIDE, h_tokens * TOKEN_SIDE
