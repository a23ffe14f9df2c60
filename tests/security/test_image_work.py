"""Bounded image work (issue 24): an evidence image is refused by its header before any pixel is
decoded when decoding it would cost more than ~0.3 s of CPU (a PNG above 8 megapixels, a JPEG
above 24), and one process decodes one image at a time."""
import io
import threading
import time

import pytest
from PIL import Image

from app.core import image_reader
from app.core.image_reader import ImageLimits, read_image
from app.core.upload_guard import UploadError
from app.cycle import evidence

from .test_upload_limits import png, png_header_only


def _judge(data: bytes):
    return evidence.read_evidence(data)


def test_a_40_megapixel_png_is_refused_by_its_header_with_advice(app, monkeypatch):
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(1))
    with pytest.raises(UploadError) as exc:
        _judge(png_header_only(8_000, 5_000))  # 40 MP in a few dozen bytes
    assert "8.000.000 piksel untuk PNG" in exc.value.message
    assert "JPEG" in exc.value.message and decoded == []


def test_a_png_just_over_the_png_ceiling_is_refused_and_a_jpeg_of_that_size_accepted(app):
    with pytest.raises(UploadError, match="untuk PNG"):
        _judge(png_header_only(3_000, 3_000))  # 9 MP
    out = io.BytesIO()
    Image.new("RGB", (3_000, 3_000), (10, 120, 60)).save(out, "JPEG", quality=80)
    clean, kind = _judge(out.getvalue())
    assert kind == "image/jpeg" and clean.startswith(b"\xff\xd8")


def test_a_jpeg_above_24_megapixels_is_refused(app):
    out = io.BytesIO()
    Image.new("L", (6_000, 4_100)).save(out, "JPEG", quality=10)  # 24.6 MP, small file
    with pytest.raises(UploadError, match="24.000.000 piksel"):
        _judge(out.getvalue())


def test_one_process_decodes_one_image_at_a_time(monkeypatch):
    active, most = [0], [0]
    lock = threading.Lock()
    real = image_reader._encode

    def tracked(image, fmt):
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        time.sleep(0.05)  # long enough for the other threads to try to enter
        with lock:
            active[0] -= 1
        return real(image, fmt)

    monkeypatch.setattr(image_reader, "_encode", tracked)
    data = png((200, 200))
    threads = [threading.Thread(target=read_image, args=(data, ImageLimits(10**6, 10**6)))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1
