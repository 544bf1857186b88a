"""Which photos go as images and which turns stay verbatim: bounded, and stable from one turn to the next."""

from __future__ import annotations

from inference.prompts.conversation import ChatTurn, clip, first_kept_turn, photo_window


def turns_with_photos(*photos: tuple[int, ...]) -> list[ChatTurn]:
    return [ChatTurn(question=f"q{i}", answer="a", photos=p) for i, p in enumerate(photos)]


def test_the_photos_of_the_last_three_photo_turns_are_sent():
    turns = turns_with_photos((1,), (), (2,), (3,), (), (4,), ())
    assert photo_window(turns) == [2, 3, 4]


def test_never_more_than_three_images_even_when_one_turn_brought_many():
    turns = turns_with_photos((1, 2), (3, 4, 5, 6))
    assert photo_window(turns) == [4, 5, 6]


def test_a_photo_attached_again_counts_once():
    turns = turns_with_photos((1,), (2,), (1,))
    assert photo_window(turns) == [1, 2]


def test_earlier_turns_are_dropped_in_steps_so_the_prefix_holds_for_several_turns():
    starts = [first_kept_turn(n, keep=8, step=4) for n in range(6, 20)]
    assert starts[:3] == [0, 0, 0]
    assert starts == sorted(starts) and len(set(starts)) <= 4
    assert all(n - first_kept_turn(n, keep=8, step=4) <= 8 for n in range(40))


def test_long_text_is_cut_at_a_word_with_an_ellipsis():
    assert clip("pump outlet with a valve DN80 and a pressure gauge", 26) == "pump outlet with a valve…"
    assert clip("short", 24) == "short"
