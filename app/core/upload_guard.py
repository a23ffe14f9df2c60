"""What every upload reader shares: the error, the byte bound, the wall-clock bound.

Every file a user uploads is read by one of two readers, and only by them:
`sheet_reader` (xlsx and csv: the sub-activity import, the P3KE/DTSEN import) and
`image_reader` (the pemda logo). Both refuse before doing real work when a file is larger than
its limit, and keep checking while they stream, so that a hostile file costs a worker a bounded
amount of memory and well under the server's request timeout. Their messages are Indonesian
and name the limit that was met.
"""
import time

from app.core.errors import ServiceError


class UploadError(ServiceError):
    """The uploaded file is refused as a whole; nothing of it was used or written."""

    def __init__(self, message: str):
        super().__init__(message, field="file")


def number(n: int) -> str:
    """5000 -> `5.000`: limits are named in Indonesian notation."""
    return f"{n:,}".replace(",", ".")


def megabytes(n: int) -> str:
    """5242880 -> `5 MB`, 1468006 -> `1,4 MB`."""
    value = n / 1024 / 1024
    text = f"{value:.0f}" if value >= 10 else f"{value:.1f}".removesuffix(".0")
    return text.replace(".", ",") + " MB"


def read_bounded(source, max_bytes: int, error: type[UploadError] = UploadError) -> bytes:
    """The bytes of an upload (bytes or a file-like object such as werkzeug's FileStorage),
    reading at most one byte past the limit, so an oversized stream is never held whole."""
    data = source if isinstance(source, bytes) else source.read(max_bytes + 1)
    check_size(len(data), max_bytes, error)
    return data


def check_size(size: int, max_bytes: int, error: type[UploadError] = UploadError) -> None:
    if size > max_bytes:
        shown = "" if size == max_bytes + 1 else f" {megabytes(size)}"  # +1: read_bounded's cut
        raise error(f"Ukuran berkas{shown} melebihi batas {megabytes(max_bytes)}. "
                    "Bagi atau perkecil berkas.")


class Deadline:
    """A wall-clock budget, checked by the readers between chunks and rows."""

    def __init__(self, seconds: float, error: type[UploadError] = UploadError):
        self.seconds, self.error = seconds, error
        self.ends = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.ends:
            raise self.error(f"Pembacaan berkas melebihi batas waktu {self.seconds:g} detik. "
                              "Bagi berkas menjadi beberapa bagian.")
