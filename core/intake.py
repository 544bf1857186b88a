"""Image intake: verify an upload, normalise it, hash it, thumbnail it; resize stored photos to a token budget.

Pure functions over bytes, all in memory: no Django, no database, no temporary files. Limits come in as
arguments. What is stored is the normalised image: upright, RGB (sRGB), alpha flattened onto white, with no
metadata at all. `sha256` is the hash of exactly those stored bytes, so storage is content-addressed and
verifiable; a re-send, or the same photo with other metadata, normalises to the same bytes and is stored once.

An upload that is already an upright, sRGB, baseline colour JPEG is stored as its own compressed pixels with its
metadata segments stripped (core.jpeg_segments): no second generation of loss, and no encode. Other photos (JPEG
that needs rotating or colour conversion, progressive JPEG, WebP, HEIC) are decoded and stored as JPEG quality
90, baseline, since baseline decodes fastest on the resize path; re-encoding is deterministic for a given
Pillow/libjpeg build (after an upgrade a re-upload may hash differently and be stored once more, which is
harmless). PNG stays PNG: PNG uploads are screenshots, scans and diagrams, where JPEG ringing around text
would cost the model legibility, and they are usually small. Animated images are refused rather than cut to
their first frame, which is often blank or a fade-in and is rarely what the user meant to send.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import simplejpeg
from PIL import Image, ImageCms, ImageFile, UnidentifiedImageError

from core.exif_summary import icc_description, orientation_of, read_exif, summarise_metadata
from core.jpeg_segments import strip_jpeg_metadata
from inference.pixel_budget import fit_to_budget

try:
    import pillow_heif

    pillow_heif.register_heif_opener(thumbnails=False)
    HEIF_SUPPORTED = True
except ImportError:  # HEIC is then refused as "not an image we can read"
    HEIF_SUPPORTED = False

# Pillow format name -> stored MIME type. MPO is how Pillow names a JPEG that carries extra images
# (depth maps, previews), as many phones write; its first image is the photo.
_STORED_MIME = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "WEBP": "image/jpeg",
    "HEIF": "image/jpeg",
    "PNG": "image/png",
}
ACCEPTED_FORMATS = frozenset(_STORED_MIME) - ({"HEIF"} if not HEIF_SUPPORTED else set())
ACCEPTED_LABEL = "JPEG, PNG, WebP or HEIC" if HEIF_SUPPORTED else "JPEG, PNG or WebP"

PHOTO_QUALITY = 90
THUMBNAIL_SIDE = 320
THUMBNAIL_QUALITY = 80
# OpenCV's SIMD resamplers cost a tenth of Pillow's, whose bicubic took twice the decode and encode together.
# Near 1:1 bicubic (as Qwen's own processor uses) is sharpest; further down, bilinear aliases less (measured
# against a LANCZOS reference by bench/bench_intake.py).
BUDGET_RESAMPLE = (
    "libjpeg-turbo decode (DCT-scaled by 1/2, 1/4 or 1/8 where the target allows, plain chroma upsampling) "
    "straight to numpy; OpenCV bicubic near 1:1, bilinear below 0.9x, area below 0.5x; libjpeg-turbo encode "
    "(fast DCT)"
)
cv2.setNumThreads(1)  # one core per photo: uploads already run side by side, and the engine needs the rest
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class ImageRejected(Exception):
    """An upload that will not be stored. `reason` is one sentence for the user; `code` is for clients."""

    def __init__(self, *, filename: str, code: str, reason: str) -> None:
        super().__init__(reason)
        self.filename = filename
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class PreparedImage:
    sha256: str
    data: bytes = field(repr=False)
    mime: str
    width: int
    height: int
    thumbnail: bytes = field(repr=False)
    exif: dict[str, Any]

    @property
    def extension(self) -> str:
        return ".png" if self.mime == "image/png" else ".jpg"


def prepare_upload(*, filename: str, data: bytes, max_bytes: int, max_pixels: int) -> PreparedImage:
    """Verify an upload and return what to store, or raise ImageRejected saying why not."""
    name = display_name(filename)
    _check_byte_size(name, data, max_bytes)
    image = _open_checked(name, data, max_pixels)
    if (kept := _kept_as_uploaded(image, data)) is not None:
        return kept
    _decode_all(name, image, max_pixels)  # before any metadata: reading a PNG's EXIF would decode it unchecked
    exif = read_exif(image)
    summary = summarise_metadata(image, exif)
    upright = _to_srgb(image)
    if (transpose := _TRANSPOSE.get(orientation_of(image, exif))) is not None:  # FLIP_LEFT_RIGHT is 0
        upright = upright.transpose(transpose)
    upright.info = {}  # nothing from the upload's metadata may reach an encoder
    stored_mime = _STORED_MIME[image.format or ""]
    stored = _encode(upright, stored_mime)
    return PreparedImage(
        sha256=hashlib.sha256(stored).hexdigest(),
        data=stored,
        mime=stored_mime,
        width=upright.width,
        height=upright.height,
        thumbnail=_thumbnail(upright),
        exif=summary,
    )


def _kept_as_uploaded(image: ImageFile.ImageFile, data: bytes) -> PreparedImage | None:
    """An upright, sRGB, baseline colour JPEG is stored as its own compressed pixels, metadata stripped.

    No second generation of JPEG loss, and a third of the CPU: every pixel is still decoded (which is what
    verifies the file), but at the thumbnail's DCT scale, and nothing is re-encoded. None for every other upload,
    and for any whose stripped form does not decode: the full route then decodes and judges the original.
    """
    if image.format not in ("JPEG", "MPO"):
        return None
    exif, icc = read_exif(image), image.info.get("icc_profile")  # a JPEG's metadata is all in its header
    if (
        image.mode != "RGB"
        or image.info.get("progressive")
        or orientation_of(image, exif) != 1
        or (icc and not (icc_description(icc) or "").startswith("sRGB"))
        or (stripped := strip_jpeg_metadata(data)) is None
    ):
        return None
    size = _thumbnail_size(image.size)
    try:
        with Image.open(io.BytesIO(stripped)) as small:
            small.draft("RGB", size)
            small.load()
            if small.mode != "RGB":
                return None
            thumbnail = _thumbnail(small, size)
    except Exception:  # noqa: BLE001 - truncated or corrupt: the full route gives the reason
        return None
    return PreparedImage(
        sha256=hashlib.sha256(stripped).hexdigest(),
        data=stripped,
        mime="image/jpeg",
        width=image.width,
        height=image.height,
        thumbnail=thumbnail,
        exif=summarise_metadata(image, exif),
    )


def resize_for_budget(*, data: bytes, max_tokens: int, quality: int = 85) -> tuple[bytes, int, int]:
    """A stored image as a JPEG within `max_tokens` visual tokens, sides multiples of 32: (jpeg, width, height).

    Each side is rounded on its own, a stretch of under 32 px rather than a crop, so the model's
    0-1000 relative boxes map straight back onto the stored photo.
    """
    with Image.open(io.BytesIO(data)) as image:  # the header only: no pixels are decoded here
        target = fit_to_budget(image.width, image.height, max_tokens)
        if image.format == "JPEG":
            if target == image.size:
                return data, *target  # stored JPEGs are already metadata-free: nothing to redo
            pixels = _decode_jpeg_for(data, image.size, target)
        else:
            pixels = None
        if pixels is None:  # PNG, or a JPEG libjpeg-turbo cannot give as RGB (CMYK): through Pillow
            image.draft("RGB", target)
            pixels = np.asarray(image.convert("RGB") if image.mode != "RGB" else image)
    resized = _resample_array(pixels, target)
    # The fast forward DCT costs nothing measurable in fidelity here (PSNR against a LANCZOS reference unchanged)
    # and a tenth of the encode.
    jpeg = simplejpeg.encode_jpeg(resized, quality=quality, colorspace="RGB", colorsubsampling="420", fastdct=True)
    return jpeg, *target


def _decode_jpeg_for(data: bytes, size: tuple[int, int], target: tuple[int, int]) -> np.ndarray | None:
    """Decode to an RGB array, scaled in the DCT by the largest of 1/2, 1/4, 1/8 that stays at or above
    `target` (the power-of-two scalings are libjpeg-turbo's SIMD ones; 7/8 or 3/4 decode slower than 1/1)."""
    scaled = [(-(-size[0] // d), -(-size[1] // d)) for d in (8, 4, 2, 1)]  # ceiling, as libjpeg rounds
    width, height = next(s for s in scaled if s[0] >= target[0] and s[1] >= target[1])
    try:
        # Plain chroma upsampling: faster than the smooth one and, once resampled, as close to the original.
        return simplejpeg.decode_jpeg(data, colorspace="RGB", min_width=width, min_height=height, fastupsample=True)
    except (ValueError, OSError):
        return None


def display_name(filename: str) -> str:
    """The file's own name, as safe to repeat in a message: no folders, no control characters, not too long."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return (name[:77] + "...") if len(name) > 80 else (name or "the file")


def _reject(name: str, code: str, reason: str) -> ImageRejected:
    return ImageRejected(filename=name, code=code, reason=f'"{name}" {reason}')


def _check_byte_size(name: str, data: bytes, max_bytes: int) -> None:
    if not data:
        raise _reject(name, "empty", "is empty (0 bytes); please choose the photo again.")
    if len(data) > max_bytes:
        size, limit = _megabytes(len(data)), _megabytes(max_bytes)
        raise _reject(name, "too_large", f"is {size}; the largest photo accepted is {limit}.")


def _open_checked(name: str, data: bytes, max_pixels: int) -> ImageFile.ImageFile:
    """Identify by content, then check format and pixel count from the header: no pixels decoded yet."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise RuntimeError("ImageFile.LOAD_TRUNCATED_IMAGES must stay False, or cut-off uploads pass as whole")
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise _reject(name, "not_an_image", "is not an image: its contents are not a picture we can read.") from None
    except Image.DecompressionBombError:
        raise _too_many_pixels(name, None, max_pixels) from None
    except Exception:  # noqa: BLE001 - a parser fed hostile bytes fails in many ways; all mean "unreadable"
        raise _damaged(name) from None
    _check_format(name, image)
    _check_pixel_count(name, image, max_pixels)
    return image


def _decode_all(name: str, image: ImageFile.ImageFile, max_pixels: int) -> None:
    try:
        image.load()
    except Image.DecompressionBombError:
        raise _too_many_pixels(name, image.size, max_pixels) from None
    except Exception:  # noqa: BLE001 - as above: truncated, corrupt or hostile data
        raise _damaged(name) from None


def _check_format(name: str, image: Image.Image) -> None:
    if image.format not in ACCEPTED_FORMATS:
        kind = f"a {image.format} image" if image.format else "in a format we do not accept"
        raise _reject(name, "unsupported_format", f"is {kind}; please send a {ACCEPTED_LABEL} photo.")
    frames = getattr(image, "n_frames", 1)
    if frames > 1 and image.format != "MPO":
        raise _reject(name, "animated", f"is animated ({frames} frames); please send a still photo.")


def _check_pixel_count(name: str, image: Image.Image, max_pixels: int) -> None:
    # Pillow's own bomb limit counts too: it would only warn below twice its value, we refuse.
    limit = min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)
    if image.width * image.height > limit:
        raise _too_many_pixels(name, image.size, limit)


def _too_many_pixels(name: str, size: tuple[int, int] | None, limit: int) -> ImageRejected:
    stated = f"is {size[0]} x {size[1]} pixels; " if size else "has too many pixels; "
    return _reject(name, "too_many_pixels", stated + f"the most accepted is {limit / 1e6:.3g} megapixels.")


def _damaged(name: str) -> ImageRejected:
    return _reject(name, "damaged", "is damaged or incomplete (perhaps cut off in transfer); please send it again.")


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB".replace(".0 MB", " MB")


def _to_srgb(image: Image.Image) -> Image.Image:
    """RGB pixels in sRGB: deep greys scaled (not clipped), alpha flattened on white, ICC profiles applied."""
    icc = image.info.get("icc_profile")
    flat = _flatten_alpha(_to_eight_bits(image))
    if icc and not (icc_description(icc) or "").startswith("sRGB"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if converted := ImageCms.profileToProfile(flat, source, _SRGB, outputMode="RGB"):
                return converted
        except (ImageCms.PyCMSError, OSError, TypeError, ValueError):
            pass  # a broken or mismatched profile: use the numbers as they are
    return flat if flat.mode == "RGB" else flat.convert("RGB")


def _to_eight_bits(image: Image.Image) -> Image.Image:
    if image.mode == "I" or image.mode.startswith("I;16"):
        # Pillow's own conversion to 8 bits clips everything above 255 to white.
        return image.convert("I").point(lambda value: value / 257).convert("L")
    if image.mode == "1":
        return image.convert("L")
    return image


def _flatten_alpha(image: Image.Image) -> Image.Image:
    if "transparency" in image.info or image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if "A" not in image.getbands():
        return image
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _encode(image: Image.Image, mime: str) -> bytes:
    buffer = io.BytesIO()
    if mime == "image/png":
        image.save(buffer, "PNG")
    else:
        image.save(buffer, "JPEG", quality=PHOTO_QUALITY)  # optimize=True would almost triple the encode time
    return buffer.getvalue()


def _resample(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Resize an RGB image. Below half scale a box reduction by a whole factor comes first (what Pillow's
    `reducing_gap` does), so the interpolation that follows never skips over detail."""
    factor = min(image.width // size[0], image.height // size[1])
    if factor >= 2:
        image = image.reduce(factor)
    if image.size == size:
        return image
    return Image.fromarray(_resample_array(np.asarray(image), size))


def _resample_array(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    height, width = pixels.shape[:2]
    if (width, height) == size:
        return pixels
    scale = min(size[0] / width, size[1] / height)
    # Area averages every source pixel far down; bilinear would skip over detail there.
    interpolation = cv2.INTER_CUBIC if scale >= 0.9 else cv2.INTER_LINEAR if scale >= 0.5 else cv2.INTER_AREA
    return cv2.resize(pixels, size, interpolation=interpolation)


def _thumbnail_size(size: tuple[int, int]) -> tuple[int, int]:
    scale = min(1.0, THUMBNAIL_SIDE / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _thumbnail(image: Image.Image, size: tuple[int, int] | None = None) -> bytes:
    """`size` is the thumbnail's, when `image` is already a reduced decode of the photo."""
    size = size or _thumbnail_size(image.size)
    small = _resample(image, size) if size != image.size else image
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=THUMBNAIL_QUALITY)
    return buffer.getvalue()
