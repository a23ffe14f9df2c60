"""/bantuan shows a guide step's screenshot only when its file is present in app/static/help/
(the files are made by tests/browser/test_help_screenshots.py)."""
from app.help import content


def test_guide_shows_the_screenshots_that_exist(client, login, make, monkeypatch):
    login(make.user("opd"))
    shots = dict(content.SCREENSHOTS["opd"])
    shots[3] = ("tidak-ada.png", "Gambar yang belum dibuat")
    monkeypatch.setitem(content.SCREENSHOTS, "opd", shots)
    page = client.get("/bantuan").get_data(as_text=True)
    guide = page[page.index('id="panduan-opd"'):]
    guide = guide[:guide.index("</section>")]
    for name, alt in content.SCREENSHOTS["opd"].values():
        if name == "tidak-ada.png":
            assert name not in guide and alt not in guide
        else:
            assert f'src="/static/help/{name}"' in guide and f'alt="{alt}"' in guide
    assert guide.count("<figure") == len(shots) - 1
    resp = client.get("/static/help/opd-3-realisasi.png")
    assert resp.status_code == 200 and resp.data.startswith(b"\x89PNG")
    resp.close()
