"""Colour difference between a product region in a customer's photo and the catalogue photo, measured by code.

Each region is read as sRGB, converted sRGB -> XYZ -> CIELAB (D65) with colour-science, reduced to its median
Lab colour (robust against highlights and small shadows), and the two colours are compared with CIEDE2000.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
from PIL import Image

REGION_INSET = 0.2  # use the middle of a box: its edges often hold background
MIN_BOX_SIDE = 10  # on the 0-1000 scale; anything thinner is not a region
WORKING_SIDE = 128  # regions are averaged, so a small copy gives the same colour much faster


@cache
def _colour() -> ModuleType:
    with warnings.catch_warnings():  # it warns at import about optional plotting packages we do not use
        warnings.simplefilter("ignore")
        import colour

    return colour


def warm_in_background() -> None:
    """Import colour-science (about a second of CPU) while the first analysis runs, not when its answer arrives."""
    if _colour.cache_info().currsize == 0:
        threading.Thread(target=_colour, name="colour-science-import", daemon=True).start()


@dataclass(frozen=True)
class ColourComparison:
    delta_e: float
    customer_lab: tuple[float, float, float]
    reference_lab: tuple[float, float, float]
    reference_index: int  # which reference photo matched best


def normalised_box(box: list[int] | tuple[int, ...] | None) -> list[int] | None:
    """[x1, y1, x2, y2] with corners in order and inside 0-1000, or None when it encloses no real area."""
    if not box or len(box) != 4:
        return None
    x1, x2 = sorted(min(1000, max(0, int(v))) for v in (box[0], box[2]))
    y1, y2 = sorted(min(1000, max(0, int(v))) for v in (box[1], box[3]))
    if x2 - x1 < MIN_BOX_SIDE or y2 - y1 < MIN_BOX_SIDE:
        return None
    return [x1, y1, x2, y2]


def _open_rgb(path: Path) -> Image.Image:
    image = Image.open(path)
    image.draft("RGB", (WORKING_SIDE * 4, WORKING_SIDE * 4))  # JPEG: decode at a reduced scale in the DCT
    return image.convert("RGB")


def _region_pixels(image: Image.Image, box: list[int]) -> np.ndarray:
    """The inner part of `box` (0-1000 of the image) as an (N, 3) array of sRGB values in 0-1."""
    width, height = image.size
    x1, x2 = box[0] / 1000 * width, box[2] / 1000 * width
    y1, y2 = box[1] / 1000 * height, box[3] / 1000 * height
    left, top = round(x1 + (x2 - x1) * REGION_INSET), round(y1 + (y2 - y1) * REGION_INSET)
    right, bottom = round(x2 - (x2 - x1) * REGION_INSET), round(y2 - (y2 - y1) * REGION_INSET)
    crop = image.crop((left, top, max(right, left + 1), max(bottom, top + 1)))
    crop.thumbnail((WORKING_SIDE, WORKING_SIDE), Image.Resampling.BOX)
    return np.asarray(crop, dtype=np.float64).reshape(-1, 3) / 255.0


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB values in 0-1 (any shape ending in 3) to CIELAB under D65."""
    colour = _colour()
    return colour.XYZ_to_Lab(colour.sRGB_to_XYZ(rgb))


def region_lab(path: Path, box: list[int]) -> tuple[float, float, float]:
    """The median CIELAB colour of the middle of `box` in the photo at `path`."""
    with _open_rgb(path) as image:
        lab = srgb_to_lab(_region_pixels(image, box))
    median = np.median(lab, axis=0)
    return (float(median[0]), float(median[1]), float(median[2]))


def delta_e_2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    return float(_colour().delta_E(np.array(lab1), np.array(lab2), method="CIE 2000"))


def compare_to_catalogue(
    *, customer: Path, customer_box: list[int], references: list[tuple[Path, list[int]]]
) -> ColourComparison | None:
    """The smallest CIEDE2000 difference to any reference photo (any catalogue shot that matches counts)."""
    if not references:
        return None
    customer_lab = region_lab(customer, customer_box)
    best: ColourComparison | None = None
    for index, (path, box) in enumerate(references):
        reference_lab = region_lab(path, box)
        difference = delta_e_2000(customer_lab, reference_lab)
        if best is None or difference < best.delta_e:
            best = ColourComparison(difference, _rounded(customer_lab), _rounded(reference_lab), index)
    return best


def _rounded(lab: tuple[float, float, float]) -> tuple[float, float, float]:
    return (round(lab[0], 2), round(lab[1], 2), round(lab[2], 2))
