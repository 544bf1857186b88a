"""The production path: both checkpoints load from the configured names or folders, once, at start-up."""

from __future__ import annotations

import pytest

from core.tables.models_state import table_models_status, table_models_use, table_models_warm_up, table_recognizer
from inference.tables import DETECTION_LABELS, STRUCTURE_LABELS
from tests.tables.table_photos import shared_random_models


@pytest.fixture(scope="module")
def checkpoint_folders(tmp_path_factory):
    """Checkpoints of the real architecture (random weights) saved as the hub's are: config and safetensors."""
    folder = tmp_path_factory.mktemp("table-models")
    models = shared_random_models()
    models.detection.save_pretrained(folder / "detection")
    models.structure.save_pretrained(folder / "structure")
    return folder


@pytest.fixture
def configured(settings, checkpoint_folders):
    settings.TABLE_DETECTION_MODEL = str(checkpoint_folders / "detection")
    settings.TABLE_STRUCTURE_MODEL = str(checkpoint_folders / "structure")
    settings.TABLE_MODELS_DEVICE = "cpu"
    table_models_use(None)
    yield
    table_models_use(None)


def test_warm_up_loads_both_models_from_the_configured_folders(configured):
    table_models_warm_up(wait=True)
    status = table_models_status()
    assert status["status"] == "ready" and status["device"] == "cpu"
    models = table_recognizer().models
    assert models.detection.config.id2label == DETECTION_LABELS
    assert models.structure.config.id2label == STRUCTURE_LABELS
    assert models.detection.config.backbone_config.backbone == "resnet18"


def test_they_are_loaded_once_and_shared(configured):
    table_models_warm_up(wait=True)
    first = table_recognizer()
    table_models_warm_up(wait=True)
    assert table_recognizer() is first
