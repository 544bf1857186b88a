import json

from core.intake import prepare_upload
from tests.core.crafted_images import camera_exif, camera_jpeg, encoded
from tests.images import photo


def summary_of(data: bytes) -> dict:
    return prepare_upload(filename="s.jpg", data=data, max_bytes=10_000_000, max_pixels=20_000_000).exif


def test_it_summarises_size_format_camera_lens_and_time():
    summary = summary_of(camera_jpeg(with_gps=False))

    assert (summary["width"], summary["height"]) == (400, 300)
    assert (summary["format"], summary["mode"]) == ("JPEG", "RGB")
    assert (summary["make"], summary["model"], summary["lens"]) == ("Fieldcam", "FC-200", "FC 4.2mm f/1.8")
    assert summary["taken_at"] == "2024-05-17T14:03:22+02:00"
    assert summary["had_gps"] is False


def test_it_reports_dpi_and_colour_space():
    summary = summary_of(encoded(photo(100, 80), "JPEG", dpi=(300, 300), exif=_srgb_exif()))

    assert summary["dpi"] == [300.0, 300.0]
    assert summary["colour_space"] == "sRGB"


def test_it_gives_the_same_keys_when_there_is_no_metadata():
    bare = summary_of(encoded(photo(100, 80), "PNG"))

    assert bare.keys() == summary_of(camera_jpeg()).keys()
    assert (bare["make"], bare["taken_at"], bare["dpi"], bare["had_gps"]) == (None, None, None, False)
    assert bare["metadata_removed"] == []


def test_it_is_strict_json_without_nul_characters():
    exif = camera_exif()
    exif[0x010F] = "Fieldcam\x00\x00\x00"  # cameras pad with NULs, which PostgreSQL jsonb refuses

    text = json.dumps(summary_of(encoded(photo(100, 80), "JPEG", exif=exif)), allow_nan=False)

    assert "\\u0000" not in text
    assert '"make": "Fieldcam"' in text


def _srgb_exif():
    exif = camera_exif(with_gps=False)
    exif.get_ifd(0x8769)[0xA001] = 1  # ColorSpace: sRGB
    return exif
