"""The published TableTransformer checkpoints' architecture and label maps.

Both are DETR with a timm ResNet-18 backbone; tests build the very same architecture with random weights.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inference.tables.loading import TableModels

DETECTION_LABELS = {0: "table", 1: "table rotated"}
STRUCTURE_LABELS = {
    0: "table",
    1: "table column",
    2: "table row",
    3: "table column header",
    4: "table projected row header",
    5: "table spanning cell",
}
DETECTION_QUERIES = 15  # as microsoft/table-transformer-detection
STRUCTURE_QUERIES = 125  # as microsoft/table-transformer-structure-recognition-v1.1-all


def table_transformer_config(labels: dict[int, str], *, num_queries: int) -> Any:
    from transformers import TableTransformerConfig

    options: dict[str, Any] = {
        "backbone": "resnet18",
        "use_timm_backbone": True,
        "use_pretrained_backbone": False,  # never download backbone weights: the checkpoint (or chance) fills them
        "num_queries": num_queries,
        "id2label": dict(labels),
        "label2id": {name: i for i, name in labels.items()},
    }
    return TableTransformerConfig(**options)


def random_table_models(*, seed: int = 0, device: str = "cpu") -> TableModels:
    """Both models with the checkpoints' shape and random weights: real forward passes, meaningless boxes."""
    import torch
    from transformers import TableTransformerForObjectDetection

    from inference.tables.loading import TableModels

    torch.manual_seed(seed)
    detection: Any
    structure: Any
    detection = TableTransformerForObjectDetection(
        table_transformer_config(DETECTION_LABELS, num_queries=DETECTION_QUERIES)
    )
    structure = TableTransformerForObjectDetection(
        table_transformer_config(STRUCTURE_LABELS, num_queries=STRUCTURE_QUERIES)
    )
    return TableModels(
        detection=detection.to(device).eval(),
        structure=structure.to(device).eval(),
        device=device,
        source="random weights",
    )
