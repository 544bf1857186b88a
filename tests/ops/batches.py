"""Helpers for batch tests."""

from __future__ import annotations

from typing import Any

from core.models import Batch
from core.selectors import user_team
from core.services.batches import batch_create
from core.services.photos import photo_upload
from tests.images import jpeg_bytes


def make_batch(user: Any, count: int, *, seed: int = 0, question: str = "What is shown?", **extra: Any) -> Batch:
    team = user_team(user)
    photos = [
        (f"p{i}.jpg", photo_upload(user=user, team=team, filename=f"p{i}.jpg", data=jpeg_bytes(96, 72, seed=seed + i)))
        for i in range(count)
    ]
    return batch_create(user=user, team=team, task="describe", fields={"question": question}, photos=photos, **extra)
