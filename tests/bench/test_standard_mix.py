"""The benchmark's two targets get the same work: the same kinds and photo shapes in order, never the same photo."""

from __future__ import annotations

import io

from PIL import Image

from bench.standard_mix import requests


def _shapes(items):
    return [(item.kind.name, [Image.open(io.BytesIO(photo)).size for photo in item.photos]) for item in items]


def test_twins_share_kinds_and_photo_sizes_in_order_but_no_photo():
    engine_side, app_side = requests(12, seed=5, twin=0), requests(12, seed=5, twin=1)
    assert _shapes(engine_side) == _shapes(app_side)
    engine_photos = {photo for item in engine_side for photo in item.photos}
    app_photos = {photo for item in app_side for photo in item.photos}
    assert len(engine_photos) == sum(len(item.photos) for item in engine_side)  # unique within a side
    assert not engine_photos & app_photos  # and across sides: no prefix-cache help for either


def test_another_seed_draws_another_mix():
    assert _shapes(requests(12, seed=5)) != _shapes(requests(12, seed=6))
