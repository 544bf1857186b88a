"""Zip uploads: photos come out in memory; bombs and damaged archives are refused before anything is unpacked."""

from __future__ import annotations

import pytest

from core.batches.zip_reader import ArchiveRejected, read_zip
from core.errors import InvalidInput
from core.services.batches import batch_files_intake
from tests.images import jpeg_bytes
from tests.ops.zips import lying_zip, zip_bytes

LIMITS = {"max_members": 5, "max_total_bytes": 1_000_000, "max_member_bytes": 600_000}


def test_photos_come_out_with_their_names_and_junk_is_left_out():
    members = read_zip(
        zip_bytes({"site/a.jpg": b"A" * 10, "b.jpg": b"B", "__MACOSX/site/._a.jpg": b"x", "site/.DS_Store": b"x"}),
        **LIMITS,
    )
    assert [(m.name, m.data) for m in members] == [("site/a.jpg", b"A" * 10), ("b.jpg", b"B")]


def test_an_archive_that_unpacks_to_too_much_is_refused_before_unpacking():
    bomb = zip_bytes({"zeros.jpg": bytes(5_000_000)})
    assert len(bomb) < 20_000  # it is small on the wire
    with pytest.raises(ArchiveRejected, match="unpacks to 5 MB"):
        read_zip(bomb, **LIMITS)


def test_an_archive_with_too_many_files_is_refused():
    with pytest.raises(ArchiveRejected, match="has 6 files; a batch takes at most 5"):
        read_zip(zip_bytes({f"{i}.jpg": b"x" for i in range(6)}), **LIMITS)


def test_a_member_that_lies_about_its_size_never_unpacks_past_what_it_declared():
    hostile = lying_zip("small.jpg", bytes(3_000_000), declared_size=100)
    members = read_zip(hostile, **LIMITS)
    assert members[0].data is None and "could not be unpacked" in members[0].error


def test_one_member_over_the_photo_size_limit_fails_alone():
    members = read_zip(zip_bytes({"big.jpg": bytes(700_000), "ok.jpg": b"x"}), **LIMITS)
    assert members[0].data is None and "larger than" in members[0].error and members[1].data == b"x"


def test_something_that_is_not_a_zip_is_refused():
    with pytest.raises(ArchiveRejected, match="not a zip archive"):
        read_zip(b"PK\x03\x04 but nothing else", **LIMITS)


@pytest.mark.django_db
def test_intake_stores_the_photos_and_reports_each_unusable_file(owner, team, settings):
    settings.BATCH_MAX_FILES = 10
    archive = zip_bytes(
        {"one.jpg": jpeg_bytes(120, 90, seed=1), "notes.txt": b"hello", "two.jpg": jpeg_bytes(120, 90, seed=2)}
    )
    photos, failures = batch_files_intake(
        user=owner, team=team, files=[("visit.zip", archive), ("three.jpg", jpeg_bytes(120, 90, seed=3))]
    )
    assert [name for name, _ in photos] == ["one.jpg", "two.jpg", "three.jpg"]
    assert failures[0][0] == "notes.txt" and "not an image" in failures[0][1]


@pytest.mark.django_db
def test_a_zip_bomb_upload_is_refused_with_a_reason(owner, team, settings):
    settings.BATCH_ZIP_MAX_UNCOMPRESSED_BYTES = 1_000_000
    with pytest.raises(InvalidInput, match="bomb.zip: The zip archive unpacks to"):
        batch_files_intake(user=owner, team=team, files=[("bomb.zip", zip_bytes({"z.jpg": bytes(5_000_000)}))])
