"""A small verval world (issue 28): desa A with three desil-1 families and one desil-2 family,
desa B with two desil-1 families (two members each, fake NIKs), imported as a BNBA snapshot
through the coverage service; a secretariat user and one operator per desa."""
from datetime import date

from app.coverage import bnba

from . import coverage_files as cf

FAMILIES_A = (1, 2, 3)  # desil 1
FAMILY_A_DESIL2 = 4
FAMILIES_B = (5, 6)


def head_nik(family: int) -> str:
    """The first member of each family (member 2f-1)."""
    return cf.nik(2 * family - 1)


def build(make, taken_on=date(2026, 1, 31)):
    dist = make.district()
    va, vb = make.village(dist), make.village(dist)
    families = {f: (va, 1) for f in FAMILIES_A}
    families[FAMILY_A_DESIL2] = (va, 2)
    families.update({f: (vb, 1) for f in FAMILIES_B})
    rows = [cf.member(2 * f - 1 + k, f, v, d) for f, (v, d) in families.items() for k in (0, 1)]
    p = bnba.preview("DTSEN", taken_on, "bnba.csv", cf.csv_bytes(cf.BNBA_HEADER, rows))
    snap = bnba.apply(p.staged, bnba.payload(p))
    users = {"sec": make.user("secretariat"), "a": make.user("desa", village=va),
             "b": make.user("desa", village=vb), "viewer": make.user("viewer")}
    return {"district": dist, "va": va, "vb": vb, "snap": snap, "rows": rows, "users": users}
