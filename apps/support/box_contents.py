"""Missing items: what ships in the box minus what the photos show, after normalising how items are named.

"2x USB-C Cables", "usb c cable" and "the USB-C cable" are the same item. A seen item also counts for a box item
when one name contains all words of the other ("charging cable" for "USB-C charging cable"); each seen item
accounts for one box item only, so one cable cannot stand for two.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")
_QUANTITY = re.compile(r"^(\d+x?|x\d+)$")
_FILLER = {"a", "an", "the", "of", "with", "and", "for", "x", "pc", "pcs", "piece", "pieces", "set", "pair", "pairs"}


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def item_words(name: str) -> frozenset[str]:
    """The words that identify an item: case, accents, punctuation, quantities, fillers and plurals removed."""
    text = unicodedata.normalize("NFKC", name).casefold()
    words = (_singular(w) for w in _WORD.findall(text) if not _QUANTITY.match(w) and w not in _FILLER)
    return frozenset(words)


def _matches(box_words: frozenset[str], seen_words: frozenset[str]) -> bool:
    return bool(box_words and seen_words) and (box_words <= seen_words or seen_words <= box_words)


def missing_items(box_items: list[str], items_seen: list[str]) -> list[str]:
    """Box items (as named in the catalogue, in catalogue order) that no seen item accounts for."""
    seen = [item_words(s) for s in items_seen]
    seen = [words for words in seen if words]
    unused = list(range(len(seen)))
    wanted = [(name, item_words(name)) for name in box_items if item_words(name)]
    accounted: set[int] = set()
    for exact in (True, False):  # exact names first, so a partial name does not take another item's match
        for index, (_, words) in enumerate(wanted):
            if index in accounted:
                continue
            match = next((i for i in unused if (seen[i] == words if exact else _matches(words, seen[i]))), None)
            if match is not None:
                unused.remove(match)
                accounted.add(index)
    return [name for index, (name, _) in enumerate(wanted) if index not in accounted]
