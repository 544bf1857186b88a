"""Loading the two checkpoints (hub names or local folders) onto the GPU when there is one."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


class TableModelsUnavailable(Exception):
    """The checkpoints could not be loaded; `reason` is a sentence for people."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class TableModels:
    detection: Any  # TableTransformerForObjectDetection
    structure: Any
    device: str
    source: str  # where the weights came from, for the status line


def pick_device(requested: str = "auto") -> str:
    import torch

    if requested != "auto":
        return requested
    return "cuda" if torch.cuda.is_available() else "cpu"


def _load_one(name: str, device: str) -> Any:
    from transformers import TableTransformerForObjectDetection

    # The config builds its timm backbone without pretrained weights: the checkpoint holds them (no extra download).
    model: Any
    try:  # the local cache first: no network round trip when the weights are already here
        model = TableTransformerForObjectDetection.from_pretrained(name, local_files_only=True)
    except OSError:
        model = TableTransformerForObjectDetection.from_pretrained(name)
    return model.to(device).eval()


def load_table_models(*, detection: str, structure: str, device: str = "auto") -> TableModels:
    """Load both checkpoints; raise TableModelsUnavailable with a readable reason if either cannot be had."""
    try:
        import timm  # noqa: F401  the backbone
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        raise TableModelsUnavailable(f"a package the table models need is missing ({exc.name})") from None
    chosen = pick_device(device)
    loaded = []
    for name in (detection, structure):
        if _looks_like_path(name) and not Path(name).expanduser().is_dir():
            raise TableModelsUnavailable(f"the table model folder {name!r} does not exist")
        try:
            loaded.append(_load_one(str(Path(name).expanduser()) if _looks_like_path(name) else name, chosen))
        except Exception as exc:  # noqa: BLE001 - any failure (no network, bad folder) means "unavailable"
            logger.warning("table model %s could not be loaded: %s", name, exc)
            raise TableModelsUnavailable(f"the table model {name!r} could not be loaded ({_short(exc)})") from None
    return TableModels(detection=loaded[0], structure=loaded[1], device=chosen, source=f"{detection}, {structure}")


def _looks_like_path(name: str) -> bool:
    return name.startswith(("/", ".", "~")) or name.count("/") > 1 or Path(name).expanduser().exists()


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
