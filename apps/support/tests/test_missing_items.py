"""Missing items are the box list minus what the photos show, with item names normalised sensibly."""

from __future__ import annotations

import pytest

from apps.support.box_contents import item_words, missing_items

BOX = ["Glass kettle", "Power base", "USB-C charging cable", "User manual"]


def test_missing_items_are_the_set_difference_of_box_list_and_seen_items():
    seen = ["Glass kettle", "User manual"]
    assert missing_items(BOX, seen) == ["Power base", "USB-C charging cable"]
    assert set(missing_items(BOX, seen)) == set(BOX) - set(seen)


def test_nothing_is_missing_when_everything_was_seen():
    assert missing_items(BOX, list(reversed(BOX))) == []


def test_everything_is_missing_when_nothing_was_seen():
    assert missing_items(BOX, []) == BOX


@pytest.mark.parametrize(
    ("seen", "counts_for"),
    [
        ("the power base", "Power base"),
        ("POWER  BASE", "Power base"),
        ("usb c charging cables", "USB-C charging cable"),
        ("2x user manuals", "User manual"),
        ("charging cable", "USB-C charging cable"),  # a shorter name of the same item
        ("kettle", "Glass kettle"),
    ],
)
def test_names_are_normalised_before_comparing(seen, counts_for):
    assert counts_for not in missing_items(BOX, [seen])


def test_one_seen_item_accounts_for_one_box_item_only():
    box = ["USB cable", "Power cable"]
    assert missing_items(box, ["cable"]) == ["Power cable"]


def test_an_exact_name_is_matched_before_a_partial_one():
    box = ["Cable", "USB cable"]
    assert missing_items(box, ["usb cable", "cable"]) == []


def test_unrelated_items_do_not_count():
    assert missing_items(["Power base"], ["glass lid", "box"]) == ["Power base"]


def test_item_words_drop_case_punctuation_quantities_fillers_and_plurals():
    assert item_words("2 x The USB-C Cables") == {"usb", "c", "cable"}
    assert item_words("Batteries (AA)") == {"battery", "aa"}
    assert item_words("Glass") == {"glass"}
