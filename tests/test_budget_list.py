"""The OPD's list: aggregates from SQL, totals, filters, OPD picker, no N+1."""
import re
from contextlib import contextmanager

from sqlalchemy import event

from models import db


@contextmanager
def count_queries():
    seen = []

    def before(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def build(make, opd, fy):
    a = make.sub_activity(opd_obj=opd, fy=fy, allocation="200000000", code="1.06.05.2.02.0001",
                          name="Bantuan Sembako")
    b = make.sub_activity(opd_obj=opd, fy=fy, allocation="100000000", code="1.06.05.2.02.0002",
                          name="Pelatihan Usaha", allocation_revised=50_000_000)
    make.sub_activity(opd_obj=opd, fy=fy, allocation="300000000", code="1.06.05.2.02.0003",
                      name="Belum Ditandai")
    d = make.district()
    v1, v2 = make.village(d, fy, priority=True), make.village(d, fy, priority=True)
    t1 = make.tag(a, amount="50000000", strategy_code=1)
    t2 = make.tag(a, amount="30000000", strategy_code=3, kind="penunjang")
    make.tag_village(t1, v1)
    make.tag_village(t2, v1)
    make.tag_village(t2, v2)
    t3 = make.tag(b, amount="25000000", strategy_code=2)
    make.tag_village(t3, v2)
    return a, b


def cells(page, code):
    row = re.search(rf"<tr><td class=\"code\">{re.escape(code)}</td>(.*?)</tr>", page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split())
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def test_list_columns_and_totals(client, make, login):
    fy = make.fiscal_year(2026)
    opd = make.opd()
    build(make, opd, fy)
    make.sub_activity(opd_obj=make.opd(), fy=fy, name="Milik OPD lain")
    login(make.user("opd", opd_obj=opd))
    page = client.get("/sub-kegiatan/?tahun=2026").get_data(as_text=True)
    assert cells(page, "1.06.05.2.02.0001") == [
        "Bantuan Sembako", "Rp 200.000.000", "Rp 80.000.000", "40,0 %", "S1 S3", "2", "2",
        "Rp 200.000.000", "-"]  # issue 15: pagu murni, pagu perubahan
    # The revised allocation is the one in force.
    assert cells(page, "1.06.05.2.02.0002")[1:4] == ["Rp 50.000.000", "Rp 25.000.000", "50,0 %"]
    assert "belum ditandai" in cells(page, "1.06.05.2.02.0003")[4]
    foot = re.sub(r"<[^>]+>|\s+", " ", re.search(r"<tfoot>(.*?)</tfoot>", page, re.S).group(1))
    assert "Jumlah (3 sub kegiatan)" in foot
    assert "Rp 550.000.000" in foot and "Rp 105.000.000" in foot and "19,1 %" in foot
    # distinct lokus desa over the OPD, then (issue 15) the murni and perubahan totals
    # (issue 23: labelled as a count of distinct desa, not the sum of the rows)
    assert foot.split()[-7:] == ["2", "desa", "berbeda", "Rp", "600.000.000", "Rp",
                                 "550.000.000"]
    assert "Milik OPD lain" not in page


def test_filters_by_strategy_and_text(client, make, login):
    fy = make.fiscal_year(2026)
    opd = make.opd()
    build(make, opd, fy)
    login(make.user("opd", opd_obj=opd))
    page = client.get("/sub-kegiatan/?strategi=2").get_data(as_text=True)
    assert "Pelatihan Usaha" in page and "Bantuan Sembako" not in page
    assert "Jumlah (1 sub kegiatan)" in page
    page = client.get("/sub-kegiatan/?q=sembako").get_data(as_text=True)
    assert "Bantuan Sembako" in page and "Pelatihan Usaha" not in page
    page = client.get("/sub-kegiatan/?q=0003").get_data(as_text=True)
    assert "Belum Ditandai" in page and "Jumlah (1 sub kegiatan)" in page
    page = client.get("/sub-kegiatan/?q=tidak-ada").get_data(as_text=True)
    assert "Tidak ada sub kegiatan yang cocok" in page


def test_secretariat_picks_any_opd_opd_user_cannot(client, make, login):
    fy = make.fiscal_year(2026)
    mine, other = make.opd(name="Dinas Milik"), make.opd(name="Dinas Lain")
    make.sub_activity(opd_obj=other, fy=fy, name="Rahasia Dinas Lain")
    login(make.user("secretariat"))
    page = client.get(f"/sub-kegiatan/?opd={other.id}").get_data(as_text=True)
    assert "Rahasia Dinas Lain" in page and 'name="opd"' in page
    assert "Tambah sub kegiatan" in page
    login(make.user("viewer"))
    page = client.get(f"/sub-kegiatan/?opd={other.id}").get_data(as_text=True)
    assert "Rahasia Dinas Lain" in page and "Tambah sub kegiatan" not in page
    login(make.user("opd", opd_obj=mine))
    page = client.get("/sub-kegiatan/").get_data(as_text=True)
    assert "Dinas Milik" in page and 'name="opd"' not in page
    assert client.get(f"/sub-kegiatan/?opd={other.id}").status_code == 403
    assert client.get("/sub-kegiatan/?tahun=1999").status_code == 404


def test_list_query_count_does_not_grow_with_rows(client, make, login):
    fy = make.fiscal_year(2026)
    opd = make.opd()
    login(make.user("opd", opd_obj=opd))
    build(make, opd, fy)
    with count_queries() as small:
        assert client.get("/sub-kegiatan/").status_code == 200
    for i in range(25):
        sa = make.sub_activity(opd_obj=opd, fy=fy, code=f"1.06.05.2.03.{i:04d}")
        make.tag_village(make.tag(sa, amount="1000"), make.village())
    with count_queries() as large:
        page = client.get("/sub-kegiatan/").get_data(as_text=True)
    assert "Jumlah (28 sub kegiatan)" in page
    assert len(large) == len(small)
