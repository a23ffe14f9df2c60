"""Lokus desa: convergence and gaps, the data set by hand, and the P3KE/DTSEN import that keeps
counts only."""
import io
import os

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from models import AuditLog, VillageDesilCount, VillageYear, db

NIK = "3602011234567890"


@pytest.fixture
def world(make):
    fy = make.fiscal_year(2034)
    dist = make.district()
    dist.name = "Kecamatan Cibeber Uji"
    reached = make.village(dist, fy, priority=True, desil1=40)
    reached.name = "Desa Terjangkau"
    forgotten = make.village(dist, fy, priority=True, desil1=90)
    forgotten.name = "Desa Terlupakan"
    small = make.village(dist, fy, priority=True, desil1=10)
    small.name = "Desa Kecil Terlupakan"
    other = make.village(dist, fy, priority=False, desil1=0)
    other.name = "Desa Bukan Lokus"
    sa = make.sub_activity(make.opd(), fy)
    t1 = make.tag(sa, "1000", 1, target_count=10)
    t2 = make.tag(sa, "500", 2, target_count=4)
    make.tag_village(t1, reached)
    make.tag_village(t2, reached)
    make.realization(t1, make.quarter(fy, 1), "400", "40", 6)
    db.session.flush()
    return dict(fy=fy, dist=dist, reached=reached, forgotten=forgotten, small=small,
                other=other)


def page(client, url):
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:2000]
    return resp.get_data(as_text=True)


def test_convergence_and_gaps(client, make, login, world):
    login(make.user("viewer"))
    html = page(client, "/lokus/?tahun=2034&triwulan=1")
    gaps = html[html.index('id="kesenjangan"'):html.index('id="kecamatan"')]
    # Gaps: no intervention, most households first; the reached desa is not a gap.
    assert gaps.index("Desa Terlupakan") < gaps.index("Desa Kecil Terlupakan")
    assert "Desa Terjangkau" not in gaps and "Desa Bukan Lokus" not in html
    villages = html[html.index('id="desa"'):]
    row = villages[villages.index("Desa Terjangkau"):].split("</tr>")[0]
    assert "2/3" in row and "1 2 –" in row and "Rp 1.500" in row and "6 / 14" in row
    districts = html[html.index('id="kecamatan"'):html.index('id="desa"')]
    row = districts[districts.index("Kecamatan Cibeber Uji"):].split("</tr>")[0]
    # 3 lokus, 140 households, 1 reached, 0 converged, 2 gaps with 100 households
    assert [c.split("<")[0] for c in row.split('class="num">')[1:]] == [
        "3", "140", "1", "0", "2", "100"]


@pytest.mark.parametrize("path", ["/lokus/", "/lokus/data", "/lokus/impor"])
def test_opd_users_are_refused(client, make, login, path):
    login(make.user("opd"))
    assert client.get(path).status_code == 403


def test_viewer_reads_but_cannot_write(client, make, login, world):
    login(make.user("viewer"))
    assert "Hanya dapat dilihat" in page(client, "/lokus/data?tahun=2034")
    assert client.post("/lokus/data?tahun=2034", data={}).status_code == 403
    assert client.get("/lokus/impor").status_code == 403
    assert client.post("/lokus/impor/simpan", data={"token": "x"}).status_code == 403


def _rows(world, over):
    order = [world[k] for k in ("reached", "forgotten", "small", "other")]
    order.sort(key=lambda v: v.code)
    data = {"decree": "SK Bupati 400/12/2034"}
    for i, v in enumerate(order):
        vals = over.get(v.id, (True, "5"))
        data[f"rows-{i}-village_id"] = str(v.id)
        if vals[0]:
            data[f"rows-{i}-is_priority"] = "y"
        data[f"rows-{i}-households"] = vals[1]
    return data


def test_set_priority_villages_by_hand(client, make, login, world):
    login(make.user("secretariat"))
    before = db.session.query(AuditLog).count()
    data = _rows(world, {world["other"].id: (True, "1.250"),
                         world["small"].id: (False, "0")})
    resp = client.post("/lokus/data?tahun=2034", data=data)
    assert resp.status_code == 302
    vy = db.session.scalar(select(VillageYear).where(
        VillageYear.village_id == world["other"].id))
    assert (vy.is_priority, vy.desil1_households, vy.decree) == (
        True, 1250, "SK Bupati 400/12/2034")
    small = db.session.scalar(select(VillageYear).where(
        VillageYear.village_id == world["small"].id))
    assert small.is_priority is False
    assert db.session.query(AuditLog).count() - before == 4  # every desa changed is audited


def test_bad_household_number_is_refused_beside_the_field(client, make, login, world):
    login(make.user("secretariat"))
    resp = client.post("/lokus/data?tahun=2034",
                       data=_rows(world, {world["other"].id: (True, "banyak")}))
    assert resp.status_code == 200
    assert "Isi dengan bilangan bulat" in resp.get_data(as_text=True)
    vy = db.session.scalar(select(VillageYear).where(
        VillageYear.village_id == world["reached"].id))
    assert vy.desil1_households == 40  # nothing written


def _csv(world):
    r, f = world["reached"], world["forgotten"]
    lines = ["NIK;Nama Kepala Keluarga;Kode Desa;Desa;Kecamatan;Desil"]
    lines += [f"{NIK};Siti Aminah;{r.code};;;1"] * 3
    lines += [f"3602019999999999;Budi;{r.code};;;2"]
    lines += [f"3602018888888888;Ani;;{f.name};{world['dist'].name};Desil 1"] * 2
    lines += ["3602017777777777;Joko;99.99.99.9999;;;1",  # unknown desa
              f"3602016666666666;Sri;{r.code};;;12"]       # desil out of range
    return "\n".join(lines).encode()


def test_import_preview_writes_nothing_and_keeps_no_personal_data(client, make, login, world,
                                                                  app):
    login(make.user("secretariat"))
    instance = set(os.listdir(app.instance_path)) if os.path.isdir(app.instance_path) else set()
    resp = client.post("/lokus/impor?tahun=2034", data={
        "source": "P3KE", "file": (io.BytesIO(_csv(world)), "p3ke.csv")},
        content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Pratinjau" in html
    assert "8 baris keluarga" in html and "6 terpetakan ke 2 desa" in html
    assert "99.99.99.9999" in html and "desil di luar 1-10" in html
    assert NIK not in html and "Siti Aminah" not in html
    vy = db.session.scalar(select(VillageYear).where(
        VillageYear.village_id == world["reached"].id))
    assert vy.desil1_households == 40  # the preview wrote nothing
    token = html.split('name="token" type="hidden" value="')[1].split('"')[0]
    resp = client.post("/lokus/impor/simpan?tahun=2034", data={"token": token})
    assert resp.status_code == 302
    db.session.expire_all()
    vy = db.session.get(VillageYear, vy.id)
    assert (vy.desil1_households, vy.source, vy.is_priority) == (3, "P3KE", True)
    counts = dict(db.session.execute(select(VillageDesilCount.desil, VillageDesilCount.households)
                                     .where(VillageDesilCount.village_year_id == vy.id)).all())
    assert counts == {1: 3, 2: 1}
    forgotten = db.session.scalar(select(VillageYear).where(
        VillageYear.village_id == world["forgotten"].id))
    assert forgotten.desil1_households == 2
    entries = db.session.scalars(select(AuditLog).where(AuditLog.entity == "village_year")).all()
    assert any(e.action == "import" and e.new_values["rows"] == 8 for e in entries)
    dumped = repr([(e.old_values, e.new_values, e.note) for e in entries])
    assert NIK not in dumped and "Siti" not in dumped
    after = set(os.listdir(app.instance_path)) if os.path.isdir(app.instance_path) else set()
    assert after == instance  # nothing left in the instance folder


def test_import_xlsx_and_tampered_token(client, make, login, world):
    login(make.user("secretariat"))
    wb = Workbook()
    ws = wb.active
    ws.append(["Daftar keluarga P3KE"])
    ws.append(["NIK", "Nama", "Kode Kemendagri Desa", "Desil Kesejahteraan"])
    for _ in range(4):
        ws.append([NIK, "Siti", world["small"].code, 1])
    buf = io.BytesIO()
    wb.save(buf)
    resp = client.post("/lokus/impor?tahun=2034", data={
        "source": "DTSEN", "file": (io.BytesIO(buf.getvalue()), "dtsen.xlsx")},
        content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert "4 terpetakan ke 1 desa" in html
    token = html.split('name="token" type="hidden" value="')[1].split('"')[0]
    resp = client.post("/lokus/impor/simpan?tahun=2034", data={"token": token[:-3] + "abc"},
                       follow_redirects=True)
    assert "tidak sah" in resp.get_data(as_text=True)
    vy = db.session.scalar(select(VillageYear).where(
        VillageYear.village_id == world["small"].id))
    assert vy.desil1_households == 10


def test_import_without_the_needed_columns_says_so(client, make, login, world):
    login(make.user("secretariat"))
    resp = client.post("/lokus/impor?tahun=2034", data={
        "source": "P3KE", "file": (io.BytesIO(b"NIK;Nama\n1;2\n"), "x.csv")},
        content_type="multipart/form-data")
    assert "Kolom desil dan kolom desa" in resp.get_data(as_text=True)
    resp = client.post("/lokus/impor?tahun=2034", data={
        "source": "P3KE", "file": (io.BytesIO(b"abc"), "x.pdf")},
        content_type="multipart/form-data")
    assert "Hanya berkas .xlsx atau .csv" in resp.get_data(as_text=True)
