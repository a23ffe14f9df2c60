"""The help guide's screenshots: an OPD officer's first-quarter steps on the demo, in Chromium.

The pictures /bantuan shows are the committed files in app/static/help/ (see
app/help/content.py SCREENSHOTS). This test walks the same steps on every run and checks that
each picture can be made and stays small (palette PNG); with TAGAR_WRITE_HELP_SHOTS=1 it also
replaces the committed files, which is how they are refreshed after the UI changes:

    TAGAR_WRITE_HELP_SHOTS=1 .venv/bin/pytest -p no:cacheprovider \
        tests/browser/test_help_screenshots.py
"""
import io
import os
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from app.help.content import SCREENSHOTS
from models import Opd, SubActivity, db

from .conftest import log_in

HELP_DIR = Path(__file__).resolve().parents[2] / "app" / "static" / "help"
MAX_BYTES = 120 * 1024  # each committed picture
COLORS = 64


def _small_png(raw: bytes, width: int = 960) -> bytes:
    """The screenshot scaled to `width` and reduced to a palette: a few tens of KB."""
    img = Image.open(io.BytesIO(raw)).convert("RGB")
    if img.width > width:
        img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
    out = io.BytesIO()
    img.quantize(colors=COLORS, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    return out.getvalue()


def test_opd_first_quarter_steps_make_small_screenshots(page, live_app, tmp_path):
    with live_app.app_context():
        opd_id = db.session.scalar(select(Opd.id).where(Opd.short_name == "Dinkes"))
        sa_id = db.session.scalar(select(SubActivity.id).where(SubActivity.opd_id == opd_id)
                                  .order_by(SubActivity.code).limit(1))
        db.session.remove()
    page.set_viewport_size({"width": 1200, "height": 720})
    log_in(page, "dinkes")
    shots = {}

    def shoot(step: int, path: str, target: str | None = None):
        page.goto(page.base + path)
        page.wait_for_load_state("load")
        if target:  # the element with some of the page around it, for context
            box = page.locator(target).first.bounding_box()
            top = max(0, box["y"] - 160)
            raw = page.screenshot(full_page=True, clip={
                "x": 0, "y": top, "width": 1200, "height": box["y"] + box["height"] + 24 - top})
        else:
            raw = page.screenshot(full_page=False)
        shots[step] = _small_png(raw)

    shoot(0, "/sub-kegiatan/")
    shoot(1, f"/sub-kegiatan/{sa_id}/tag/baru")
    shoot(2, "/realisasi/?triwulan=3")
    shoot(4, "/realisasi/?triwulan=3", "div.actions-spaced")
    shoot(5, "/realisasi/?triwulan=1", "#catatan-sekretariat")
    wanted = SCREENSHOTS["opd"]
    assert set(shots) == set(wanted)
    write = os.environ.get("TAGAR_WRITE_HELP_SHOTS") == "1"
    folder = HELP_DIR if write else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    for step, data in shots.items():
        assert data.startswith(b"\x89PNG") and len(data) <= MAX_BYTES, (step, len(data))
        img = Image.open(io.BytesIO(data))
        assert img.mode == "P" and 200 <= img.width <= 960 and img.height >= 40
        (folder / wanted[step][0]).write_bytes(data)
    # The committed pictures (if any) are small too, and /bantuan shows those present.
    committed = [n for n, _ in wanted.values() if (HELP_DIR / n).is_file()]
    for name in committed:
        assert (HELP_DIR / name).stat().st_size <= MAX_BYTES, name
    page.goto(page.base + "/bantuan")
    imgs = page.locator("#panduan-opd figure.help-shot img")
    assert imgs.count() == len(committed)
    for i in range(imgs.count()):  # every shown picture loads (no broken image)
        assert page.evaluate("(img) => img.naturalWidth > 0", imgs.nth(i).element_handle())
