import io
import json

from PIL import Image, ImageCms

from core.intake import prepare_upload
from tests.core.crafted_images import GPS_IFD, camera_exif, camera_jpeg, encoded
from tests.images import photo

METADATA_MARKERS = (b"Exif", b"GPS", b"http://ns.adobe.com/xap", b"ICC_PROFILE", b"Fieldcam", b"FC-200")


def upload(data: bytes, filename: str = "site.jpg"):
    return prepare_upload(filename=filename, data=data, max_bytes=10_000_000, max_pixels=20_000_000)


def assert_metadata_free(data: bytes) -> None:
    image = Image.open(io.BytesIO(data))
    assert len(image.getexif()) == 0
    assert not image.getexif().get_ifd(GPS_IFD)
    assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(image.info)
    for marker in METADATA_MARKERS:
        assert marker not in data, marker


def test_it_stores_no_gps_in_the_photo_or_its_thumbnail():
    original = camera_jpeg(with_gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the upload really carries a location

    prepared = upload(original)

    assert_metadata_free(prepared.data)
    assert_metadata_free(prepared.thumbnail)


def test_it_says_gps_was_removed_without_keeping_the_location():
    prepared = upload(camera_jpeg(with_gps=True))

    assert prepared.exif["had_gps"] is True
    assert "GPS" in prepared.exif["metadata_removed"]
    assert [key for key in prepared.exif if "gps" in key.lower()] == ["had_gps"]
    text = json.dumps(prepared.exif)
    assert "52.0" not in text and "37.5" not in text and "42.25" not in text


def test_it_drops_exif_xmp_icc_profile_and_comment():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    original = encoded(photo(200, 150), "JPEG", exif=camera_exif(), xmp=xmp, icc_profile=srgb, comment=b"secret")

    prepared = upload(original)

    assert_metadata_free(prepared.data)
    assert_metadata_free(prepared.thumbnail)
    assert set(prepared.exif["metadata_removed"]) == {"EXIF", "GPS", "XMP", "ICC profile", "comment"}


def test_it_drops_metadata_from_a_png_that_stays_png():
    original = encoded(photo(200, 150), "PNG", exif=camera_exif())

    prepared = upload(original, "screen.png")

    assert prepared.mime == "image/png"
    assert_metadata_free(prepared.data)


def test_it_accepts_a_photo_whose_exif_is_garbage():
    original = encoded(photo(200, 150), "JPEG", exif=b"Exif\x00\x00MM\x00*\x00\x00\xff\xff\xff\xffjunk")

    prepared = upload(original)

    assert (prepared.width, prepared.height) == (200, 150)
    assert_metadata_free(prepared.data)


def test_it_accepts_a_photo_with_a_broken_icc_profile():
    prepared = upload(encoded(photo(200, 150), "JPEG", icc_profile=b"not a profile at all"))

    assert prepared.exif["colour_space"] is None
    assert_metadata_free(prepared.data)
