"""The one reader of uploaded images (today the pemda logo on the kop surat), beside
`sheet_reader` and sharing its guard (`upload_guard`).

An image is what Pillow decodes, not what its name says: a text file renamed `.png` is refused,
and so is a PNG whose header claims 100,000 x 100,000 pixels (a few KB that would decode into
tens of GB). The pixel count is read from the header and bounded before any pixel is decoded;
Pillow's own decompression-bomb check is turned into a refusal too. The image is then decoded in
full and encoded again, so what is stored is a clean PNG or JPEG without the uploaded file's
extra chunks or metadata.

Bounded work (issue 24): decoding and encoding again costs CPU in proportion to the pixels, and
a PNG about twice what a JPEG does (zlib both ways): on these machines ~10 ms per megapixel to
decode a PNG and ~20 to encode it, ~7 for a JPEG both ways. So a PNG has a ceiling of its own
(`max_png_pixels`), and evidence images stay under ~0.3 s of CPU each. One worker process
decodes one image at a time (`_DECODING`): two large uploads at once take turns instead of
both holding the CPU while every other request of the worker waits.
"""
import io
import threading
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from app.core.upload_guard import UploadError, number, read_bounded

FORMATS = ("PNG", "JPEG")


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int
    max_pixels: int
    max_png_pixels: int | None = None  # None: max_pixels

    def pixels_for(self, fmt: str | None) -> int:
        if fmt == "PNG" and self.max_png_pixels is not None:
            return min(self.max_pixels, self.max_png_pixels)
        return self.max_pixels


# At most one image decoded (and encoded again) at a time in this process.
_DECODING = threading.BoundedSemaphore(1)


LOGO_LIMITS = ImageLimits(max_bytes=1024 * 1024, max_pixels=4_000_000)  # e.g. 2,000 x 2,000


class ImageError(UploadError):
    """The upload is not an image this app accepts; the message says why, in Indonesian."""


NOT_AN_IMAGE = "Berkas bukan gambar PNG atau JPEG yang valid."


def read_image(source, limits: ImageLimits = LOGO_LIMITS) -> bytes:
    """The image in `source` (bytes or a file-like upload), decoded and encoded again in its own
    format (PNG or JPEG)."""
    data = read_bounded(source, limits.max_bytes, ImageError)
    if not data:
        raise ImageError("Berkas kosong.")
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own bound and raises above twice that; both are refusals.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as probe:
                _check_pixels(probe.size, limits, probe.format)
                probe.verify()  # structure and checksums, without decoding the pixels
            with _DECODING, Image.open(io.BytesIO(data), formats=FORMATS) as image:
                _check_pixels(image.size, limits, image.format)
                fmt = image.format
                image.load()
                return _encode(image, fmt)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(_pixels_message(limits)) from exc
    except ImageError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(NOT_AN_IMAGE) from exc


def _check_pixels(size: tuple[int, int], limits: ImageLimits, fmt: str | None = None) -> None:
    width, height = size
    if width < 1 or height < 1 or width * height > limits.pixels_for(fmt):
        raise ImageError(f"Ukuran gambar {number(width)} × {number(height)} piksel melebihi "
                         f"{_pixels_message(limits, lead=False, fmt=fmt)}")


def _pixels_message(limits: ImageLimits, lead: bool = True, fmt: str | None = None) -> str:
    text = f"batas {number(limits.pixels_for(fmt))} piksel"
    if fmt == "PNG" and limits.pixels_for("PNG") < limits.max_pixels:
        text += " untuk PNG (simpan sebagai JPEG untuk gambar yang lebih besar)"
    text += ". Perkecil gambar."
    return ("Ukuran gambar melebihi " + text) if lead else text


def _encode(image: Image.Image, fmt: str) -> bytes:
    # Pillow writes some of what it read (comments, EXIF, profiles) back: keep only what the
    # pixels need.
    image.info = {k: v for k, v in image.info.items() if k == "transparency"}
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=90)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    return out.getvalue()

