"""One DETR forward pass: resize (longest side), normalise, run, and turn queries into labelled pixel boxes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PIL import Image

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

Box = tuple[float, float, float, float]  # x1, y1, x2, y2


@dataclass(frozen=True)
class Detection:
    label: str
    score: float
    box: Box  # pixels of the image given to `detect` (not of the resized model input)


def fitted_size(size: tuple[int, int], longest: int) -> tuple[int, int]:
    """The size with the longest side exactly `longest` (up or down), keeping the aspect ratio."""
    scale = longest / max(size)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def max_resize(image: Image.Image, longest: int) -> Image.Image:
    return image.resize(fitted_size(image.size, longest), Image.Resampling.BILINEAR)


def pixel_values(image: Image.Image, device: str) -> Any:
    import numpy as np
    import torch

    scaled = np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0
    normalised = (scaled - np.array(IMAGENET_MEAN, dtype=np.float32)) / np.array(IMAGENET_STD, dtype=np.float32)
    return torch.from_numpy(normalised.transpose(2, 0, 1).copy()).unsqueeze(0).to(device)


def detect(model: Any, image: Image.Image, *, longest: int, threshold: float, device: str) -> list[Detection]:
    """All queries whose best class (not "no object") scores at least `threshold`, boxes in `image` pixels."""
    import torch

    resized = max_resize(image, longest)
    with torch.inference_mode():
        output = model(pixel_values=pixel_values(resized, device))
    probabilities = output.logits.softmax(-1)[0, :, :-1]  # the last class is DETR's "no object"
    scores, labels = probabilities.max(-1)
    boxes = output.pred_boxes[0]  # (cx, cy, w, h), relative to the image: the same for the original size
    names = model.config.id2label
    found = []
    for score, label, (cx, cy, w, h) in zip(scores.tolist(), labels.tolist(), boxes.tolist(), strict=True):
        if score < threshold:
            continue
        box = (
            (cx - w / 2) * image.width,
            (cy - h / 2) * image.height,
            (cx + w / 2) * image.width,
            (cy + h / 2) * image.height,
        )
        found.append(Detection(label=names[label], score=score, box=box))
    return found
