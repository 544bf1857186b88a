"""Delta E is measured by code: CIEDE2000 between regions of real image files, checked against published values.

Reference pairs are from Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference formula: implementation
notes, supplementary test data, and mathematical observations". The patches are 8-bit sRGB, so the expected value
is the published one where quantisation barely moves it (pair 29), and otherwise CIEDE2000 of the quantised colours.
"""

from __future__ import annotations

import pytest

from apps.support.delta_e import compare_to_catalogue, delta_e_2000, normalised_box, region_lab, srgb_to_lab
from apps.support.tests.factories import lab_to_srgb8, patch_image

# (pair number, Lab 1, Lab 2, published Delta E 2000)
SHARMA_PAIRS = [
    (17, (50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    (20, (50.0, 2.5, 0.0), (58.0, 24.0, 15.0), 19.4535),
    (25, (60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    (27, (61.2901, 3.7196, -5.3901), (61.4292, 2.2480, -4.9620), 1.8731),
    (29, (22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    (30, (36.4612, 47.8580, 18.3852), (36.2715, 50.5065, 21.2231), 1.4146),
    (32, (90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
]


def quantised_lab(lab):
    import numpy as np

    return tuple(srgb_to_lab(np.array(lab_to_srgb8(lab)) / 255.0))


@pytest.mark.parametrize(("number", "lab1", "lab2", "published"), SHARMA_PAIRS)
def test_the_formula_reproduces_sharmas_published_values(number, lab1, lab2, published):
    assert delta_e_2000(lab1, lab2) == pytest.approx(published, abs=1e-4)


def test_pair_29_rendered_as_srgb_patches_gives_the_published_value(tmp_path):
    _, lab1, lab2, published = SHARMA_PAIRS[4]
    customer, catalogue = tmp_path / "customer.png", tmp_path / "catalogue.png"
    customer.write_bytes(patch_image(lab_to_srgb8(lab1)))
    catalogue.write_bytes(patch_image(lab_to_srgb8(lab2)))
    result = compare_to_catalogue(
        customer=customer, customer_box=[0, 0, 1000, 1000], references=[(catalogue, [0, 0, 1000, 1000])]
    )
    assert result.delta_e == pytest.approx(published, abs=0.1)


@pytest.mark.parametrize(("number", "lab1", "lab2", "published"), SHARMA_PAIRS)
def test_patches_in_boxes_give_the_value_of_their_quantised_colours(tmp_path, number, lab1, lab2, published):
    # The product sits in a box on a dark background in the customer's photo and elsewhere in the catalogue shot.
    customer, catalogue = tmp_path / "customer.png", tmp_path / "catalogue.png"
    customer.write_bytes(patch_image(lab_to_srgb8(lab1), size=(640, 480), box=[300, 250, 800, 900]))
    catalogue.write_bytes(patch_image(lab_to_srgb8(lab2), size=(500, 500), box=[100, 100, 600, 500]))
    expected = delta_e_2000(quantised_lab(lab1), quantised_lab(lab2))
    result = compare_to_catalogue(
        customer=customer, customer_box=[300, 250, 800, 900], references=[(catalogue, [100, 100, 600, 500])]
    )
    assert result.delta_e == pytest.approx(expected, abs=0.1)
    assert abs(expected - published) < 0.5, "8-bit quantisation moves these pairs only a little"


def test_a_jpeg_photo_is_measured_from_its_decoded_colour(tmp_path):
    # JPEG's YCbCr rounding moves a flat colour by about a level: the expected value uses the colour in the file.
    import numpy as np
    from PIL import Image

    _, lab1, lab2, published = SHARMA_PAIRS[1]
    customer, catalogue = tmp_path / "customer.jpg", tmp_path / "catalogue.png"
    customer.write_bytes(patch_image(lab_to_srgb8(lab1), size=(800, 600), fmt="JPEG"))
    catalogue.write_bytes(patch_image(lab_to_srgb8(lab2)))
    decoded = np.asarray(Image.open(customer).convert("RGB"))[300, 400] / 255.0
    expected = delta_e_2000(tuple(srgb_to_lab(decoded)), quantised_lab(lab2))
    result = compare_to_catalogue(
        customer=customer, customer_box=[0, 0, 1000, 1000], references=[(catalogue, [0, 0, 1000, 1000])]
    )
    assert result.delta_e == pytest.approx(expected, abs=0.1)
    assert result.delta_e == pytest.approx(published, abs=1.0)


def test_the_closest_of_several_catalogue_photos_counts(tmp_path):
    red, other = tmp_path / "red.png", tmp_path / "other.png"
    red.write_bytes(patch_image((200, 40, 40)))
    other.write_bytes(patch_image((40, 40, 200)))
    result = compare_to_catalogue(
        customer=red,
        customer_box=[0, 0, 1000, 1000],
        references=[(other, [0, 0, 1000, 1000]), (red, [0, 0, 1000, 1000])],
    )
    assert result.reference_index == 1 and result.delta_e == pytest.approx(0.0, abs=1e-6)


def test_region_colour_ignores_the_edges_of_a_loose_box(tmp_path):
    path = tmp_path / "loose.png"
    path.write_bytes(patch_image((200, 40, 40), size=(400, 400), box=[200, 200, 800, 800]))
    # A box 10% larger on every side than the patch still reads the patch's colour.
    tight, loose = region_lab(path, [200, 200, 800, 800]), region_lab(path, [140, 140, 860, 860])
    assert delta_e_2000(tight, loose) < 0.01


@pytest.mark.parametrize(
    ("box", "expected"),
    [
        ([100, 200, 300, 400], [100, 200, 300, 400]),
        ([300, 400, 100, 200], [100, 200, 300, 400]),
        ([-5, 0, 1200, 900], [0, 0, 1000, 900]),
        ([500, 500, 503, 900], None),
        ([1, 2, 3], None),
        (None, None),
    ],
)
def test_boxes_are_put_in_order_and_clamped_and_empty_ones_refused(box, expected):
    assert normalised_box(box) == expected
