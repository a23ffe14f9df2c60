"""Property tests: over random kabupaten, the rollup adds up and equals a plain-Python count."""
import os
from collections import defaultdict
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import db
from reports.queries.rollup import GROUPINGS, RollupFilter, rollup, total

KINDS = ("langsung", "tidak_langsung", "penunjang")
FUNDS = ("DAU", "PAD", None)
# ROLLUP_EXAMPLES=300 for a deeper search than the suite's default.
SETTINGS = settings(
    max_examples=int(os.environ.get("ROLLUP_EXAMPLES", 25)), deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CENT = Decimal("0.01")
SEN = st.integers(min_value=0, max_value=10**11)  # up to a billion rupiah


@st.composite
def realization(draw):
    if not draw(st.booleans()):
        return None
    return (draw(SEN), draw(st.integers(0, 10000)), draw(st.integers(0, 500)))


@st.composite
def tag_spec(draw, n_villages):
    villages = draw(st.lists(st.integers(0, n_villages - 1), unique=True, max_size=3)
                    if n_villages else st.just([]))
    return {
        "opd": draw(st.integers(0, 2)), "sa": draw(st.integers(0, 1)),
        "strategy": draw(st.integers(1, 3)), "kind": draw(st.sampled_from(KINDS)),
        "amount": draw(SEN), "target": draw(st.one_of(st.none(), st.integers(0, 1000))),
        "villages": [(v, draw(st.one_of(st.none(), SEN))) for v in villages],
        "real": {q: draw(realization()) for q in (1, 2, 3, 4)},
    }


@st.composite
def kabupaten(draw):
    districts = draw(st.lists(st.integers(0, 1), min_size=0, max_size=5))  # desa -> kecamatan
    return {
        "villages": districts,
        "tags": draw(st.lists(tag_spec(len(districts)), min_size=0, max_size=8)),
        "verified": draw(st.sets(st.tuples(st.integers(0, 2), st.integers(1, 4)))),
    }


def build(make, spec):
    """Write the spec into the database; return the ids the expectation needs."""
    fy = make.fiscal_year(2033)
    opds = [make.opd() for _ in range(3)]
    sas = {}
    dists = [make.district() for _ in range(2)]
    villages = [make.village(dists[d]) for d in spec["villages"]]
    tags = []
    for t in spec["tags"]:
        key = (t["opd"], t["sa"])
        if key not in sas:
            fund = FUNDS[(t["opd"] + t["sa"]) % 3]
            sas[key] = make.sub_activity(opds[t["opd"]], fy, funding_source=fund and
                                         make.funding(fund))
        sa = sas[key]
        tag = make.tag(sa, str(Decimal(t["amount"]).scaleb(-2)), t["strategy"], t["kind"],
                       target_count=t["target"])
        for v, amount in t["villages"]:
            make.tag_village(tag, villages[v], amount and str(Decimal(amount).scaleb(-2)))
        for q, r in t["real"].items():
            if r is not None:
                make.realization(tag, make.quarter(fy, q), str(Decimal(r[0]).scaleb(-2)),
                                 str(Decimal(r[1]).scaleb(-2)), r[2])
        tags.append({**t, "id": tag.id, "opd_id": sa.opd_id, "sa_id": sa.id,
                     "fund_id": sa.funding_source_id})
    for o, q in spec["verified"]:
        make.submission(opds[o], make.quarter(fy, q), "verified")
    verified = {(opds[o].id, q) for o, q in spec["verified"]}
    return fy, tags, [(v.id, v.district_id) for v in villages], verified


def to_date(t, q, verified, verified_only):
    """(sen, progress*100, reached) to date at q; nothing before quarter 1. A quarter without a
    figure carries the tag's latest earlier one forward. Verified only: at most the OPD's last
    verified quarter up to q (carried forward), none if none is."""
    if verified_only:
        q = max((n for n in range(1, q + 1) if (t["opd_id"], n) in verified), default=0)
    k = max((n for n in range(1, q + 1) if t["real"][n] is not None), default=0)
    return t["real"][k] if k else (0, 0, 0)


def largest_remainder(x: int, unit: int, weights: dict, basis: Decimal) -> dict:
    """x (sen or a count) shared by weight in whole units (100 sen, one person): floors, then
    one unit more for the largest remainders (ties: lowest desa id) up to the whole units of
    the placed share."""
    exact = {v: Decimal(x) * w / basis / unit for v, w in weights.items()}
    floors = {v: floor(e) for v, e in exact.items()}
    placed = floor(Decimal(x) * sum(weights.values()) / basis / unit)
    order = sorted(exact, key=lambda v: (-(exact[v] - floors[v]), v))
    extra = set(order[:placed - sum(floors.values())])
    return {v: (floors[v] + (v in extra)) * unit for v in exact}


def floor(x: Decimal) -> int:
    return int(x.to_integral_value(ROUND_FLOOR))


def expected(tags, villages, verified, q, flow, verified_only, by):
    """The rollup recomputed row by row in Python: {key: [tags, sen, sen, target, reached]}."""
    out = defaultdict(lambda: [0, 0, 0, 0, 0])
    district_of = dict(villages)
    for t in tags:
        cur = to_date(t, q, verified, verified_only)
        prev = to_date(t, q - 1, verified, verified_only) if flow else (0, 0, 0)
        target = t["target"] or 0
        figures = [t["amount"], cur[0] - prev[0], target, cur[2] - prev[2]]
        if by in ("village", "district"):
            placed = [0, 0, 0, 0]
            s = sum((Decimal(a or 0) for _, a in t["villages"]), Decimal(0))
            seen = set()
            weights = {villages[v_idx][0]: (Decimal(a or 0) if s > 0 else Decimal(1))
                       for v_idx, a in t["villages"]}
            basis = max(s, Decimal(t["amount"])) if s > 0 else Decimal(len(t["villages"]) or 1)
            splits = [largest_remainder(x, unit, weights, basis) for x, unit in (
                (t["amount"], 100), (cur[0], 100), (prev[0], 100), (target, 1), (cur[2], 1),
                (prev[2], 1))]
            for v_idx, _ in t["villages"]:
                vid = villages[v_idx][0]
                a, rc, rp, tg, cc, cp = (split[vid] for split in splits)
                share = [a, rc - rp, tg, cc - cp]
                key = vid if by == "village" else district_of[vid]
                row = out[key]
                if key not in seen:
                    row[0] += 1
                    seen.add(key)
                for i in range(4):
                    row[i + 1] += share[i]
                    placed[i] += share[i]
            rest = [f - p for f, p in zip(figures, placed, strict=True)]
            if not t["villages"] or any(rest):
                row = out[None]
                row[0] += 0 if t["villages"] else 1
                for i in range(4):
                    row[i + 1] += rest[i]
            continue
        key = {"strategy": t["strategy"], "tag_kind": t["kind"], "opd": t["opd_id"],
               "funding_source": t["fund_id"], "sub_activity": t["sa_id"], "tag": t["id"]}[by]
        row = out[key]
        row[0] += 1
        for i in range(4):
            row[i + 1] += figures[i]
    return dict(out)


def as_tuple(row):
    return [row.tags, int(row.tagged * 100), int(row.realized * 100), row.target, row.reached]


def run_in_savepoint(fn):
    """Each example in its own savepoint, so examples do not see each other's data."""
    nested = db.session.begin_nested()
    try:
        fn()
    finally:
        nested.rollback()


@SETTINGS
@given(spec=kabupaten(), q=st.integers(1, 4), flow=st.booleans(), verified_only=st.booleans())
def test_totals_equal_sum_of_parts_in_every_grouping(make, spec, q, flow, verified_only):
    def check():
        fy, _, _, _ = build(make, spec)
        f = RollupFilter(fy.id, quarter=q, flow=flow, verified_only=verified_only)
        whole = total(f)
        for by in GROUPINGS:
            rows = rollup(f, by)
            assert sum((r.tagged for r in rows), Decimal(0)) == whole.tagged, by
            assert sum((r.realized for r in rows), Decimal(0)) == whole.realized, by
            assert sum(r.target for r in rows) == whole.target, by
            assert sum(r.reached for r in rows) == whole.reached, by
            if by not in ("village", "district"):
                assert sum(r.tags for r in rows) == whole.tags, by

    run_in_savepoint(check)


@SETTINGS
@given(spec=kabupaten(), verified_only=st.booleans(),
       by=st.sampled_from(("strategy", "opd", "village", "district")))
def test_quarterly_flows_add_up_to_the_figure_to_date(make, spec, verified_only, by):
    def check():
        fy, _, _, _ = build(make, spec)
        flows = defaultdict(lambda: [Decimal(0), 0, Decimal(0)])
        for q in (1, 2, 3, 4):
            for r in rollup(RollupFilter(fy.id, q, flow=True, verified_only=verified_only), by):
                acc = flows[r.key]
                acc[0] += r.realized
                acc[1] += r.reached
                acc[2] += r.physical * r.tagged / 100 if r.physical is not None else 0
            for r in rollup(RollupFilter(fy.id, q, verified_only=verified_only), by):
                assert flows[r.key][:2] == [r.realized, r.reached], (by, q, r.key)
                if r.physical is not None:  # progress gained adds up too (within rounding)
                    assert abs(flows[r.key][2] - r.physical * r.tagged / 100) <= (
                        CENT * r.tagged / 100 * (q + 1)), (by, q)

    run_in_savepoint(check)


@SETTINGS
@given(spec=kabupaten(), q=st.integers(1, 4), flow=st.booleans(), verified_only=st.booleans(),
       by=st.sampled_from(GROUPINGS))
def test_rollup_equals_independent_computation(make, spec, q, flow, verified_only, by):
    def check():
        fy, tags, villages, verified = build(make, spec)
        f = RollupFilter(fy.id, quarter=q, flow=flow, verified_only=verified_only)
        want = expected(tags, villages, verified, q, flow, verified_only, by)
        got = {r.key: as_tuple(r) for r in rollup(f, by) if r.tags or any(as_tuple(r))}
        if by in ("strategy", "tag_kind"):  # these list every strategy / kind, even empty
            got = {k: v for k, v in got.items() if v[0]}
        assert got == want
        for r in rollup(f, by):
            tagged, realized = as_tuple(r)[1:3]
            want_abs = Decimal(realized) * 100 / tagged if tagged else None
            assert r.absorption == (want_abs and want_abs.quantize(CENT, ROUND_HALF_UP))

    run_in_savepoint(check)


@SETTINGS
@given(spec=kabupaten(), q=st.integers(1, 4))
def test_physical_progress_is_weighted_by_tagged_amount(make, spec, q):
    def check():
        fy, tags, _, _ = build(make, spec)
        num = sum(Decimal(t["amount"]) * to_date(t, q, set(), False)[1] for t in tags)
        den = sum(t["amount"] for t in tags)
        got = total(RollupFilter(fy.id, quarter=q)).physical
        if not den:
            assert got is None
        else:
            assert abs(got - num / den / 100) <= Decimal("0.01")

    run_in_savepoint(check)
