"""/bantuan: a guide per role (the user's own first) and a glossary in formal Indonesian; every
"?" on the forms points at an entry that exists."""
import re
from pathlib import Path

import pytest

from app.help.content import GLOSSARY

TEMPLATES = Path(__file__).parent.parent / "app" / "templates"


@pytest.mark.parametrize("role", ["opd", "secretariat", "viewer", "admin"])
def test_help_page_for_every_role_with_own_guide_first(client, make, login, role):
    login(make.user(role))
    resp = client.get("/bantuan")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    first = re.search(r'id="panduan-(\w+)"', page).group(1)
    assert first == role
    for key in ("strategi", "kelompok", "lokus", "desil", "dtsen", "kumulatif", "arus"):
        assert f'id="istilah-{key}"' in page
    assert "Langsung" in page and "Tidak langsung" in page and "Penunjang" in page
    assert "P3KE" in page and "DTSEN" in page
    assert 'href="/bantuan' in page  # in the navigation


def test_help_needs_login(client):
    assert client.get("/bantuan").status_code == 302


def test_every_term_link_in_templates_names_a_glossary_entry():
    keys = {e["key"] for e in GLOSSARY}
    used = set()
    for path in TEMPLATES.rglob("*.html"):
        used |= set(re.findall(r"term\('([a-z_]+)'", path.read_text(encoding="utf-8")))
    assert used, "no term links found"
    assert used <= keys, used - keys
    assert {"strategi", "kelompok", "lokus", "kumulatif"} <= used


def test_forms_carry_question_marks_to_the_glossary(client, make, login):
    opd, fy, (tag,) = make.tagged_opd(1)
    login(make.user("opd", opd_obj=opd))
    sheet = client.get(f"/realisasi/?tahun={fy.year}&triwulan=1").get_data(as_text=True)
    for key in ("kumulatif", "strategi", "kelompok", "arus"):
        assert f'href="/bantuan/#istilah-{key}"' in sheet
    form = client.get(f"/sub-kegiatan/tag/{tag.id}/ubah").get_data(as_text=True)
    for key in ("strategi", "kelompok", "lokus"):
        assert f'href="/bantuan/#istilah-{key}"' in form
