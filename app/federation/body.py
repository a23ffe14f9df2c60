"""A bundle's bytes as they arrive: bounded in size, optionally gzip-compressed.

A big kabupaten's bundle is larger than the API's general JSON limit (API_MAX_JSON_BYTES), so
the push endpoint is exempt from that check (app/core/input_guards.py `OWN_BODY_GUARD`) and bounds
its body here with FEDERATION_MAX_BYTES (TAGAR_FEDERATION_MAX_BYTES, default 32 MiB) instead,
both for the bytes on the wire and for what they decompress to. `Content-Encoding: gzip` is
decompressed in one bounded call: zlib never produces more than the limit plus one byte, so a
gzip bomb costs at most that much memory and time before it is refused (413). The JSON checks
(depth, NUL bytes, NaN) then run on the decompressed bytes in receive.parse().
"""
import zlib

from flask import current_app

from .receive import BundleRefused

DEFAULT_MAX_BYTES = 32 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"


def max_bytes() -> int:
    return int(current_app.config.get("FEDERATION_MAX_BYTES") or DEFAULT_MAX_BYTES)


def too_large(limit: int) -> BundleRefused:
    return BundleRefused(f"Bundel terlalu besar (paling banyak {limit // 1024} KB setelah "
                         "dekompresi).", 413)


def gunzip(data: bytes, limit: int) -> bytes:
    """The decompressed bytes of a gzip body (several members allowed, as gzip writes them);
    413 past `limit` bytes of output, 400 when the data is not complete, valid gzip."""
    out = bytearray()
    rest = data
    while True:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip header and trailer
        try:
            # max_length stops zlib itself: never more than limit + 1 bytes in memory.
            out += inflater.decompress(rest, limit + 1 - len(out))
        except zlib.error:
            raise BundleRefused("Isi gzip rusak atau bukan gzip.", 400) from None
        if len(out) > limit:
            raise too_large(limit)
        if not inflater.eof:
            raise BundleRefused("Isi gzip terpotong (tidak lengkap).", 400)
        rest = inflater.unused_data
        if not rest.strip(b"\x00"):  # trailing zero padding is allowed by gzip(1)
            return bytes(out)


def maybe_gunzip(data: bytes, limit: int) -> bytes:
    """A file brought by hand: gzip when it starts with gzip's magic bytes, else as it is."""
    return gunzip(data, limit) if data[:2] == GZIP_MAGIC else data


__all__ = ["DEFAULT_MAX_BYTES", "gunzip", "max_bytes", "maybe_gunzip", "too_large"]
