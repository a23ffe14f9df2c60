"""Anomaly rules for a realization figure to date.

Each finding needs a written explanation before the OPD can submit, and is flagged to the
reviewer and on the dashboard. The codes are stored on the realization (comma-separated) so
they can be counted in SQL.
"""
from dataclasses import dataclass
from decimal import Decimal

OVER_TAGGED = "over_tagged"
FALLING = "falling"
DONE_UNSPENT = "done_unspent"
OVER_TARGET = "over_target"

LABELS = {
    OVER_TAGGED: "Realisasi keuangan melebihi anggaran yang ditandai",
    FALLING: "Nilai kumulatif turun dibanding triwulan terakhir yang terisi",
    DONE_UNSPENT: "Fisik 100 % tetapi belum ada realisasi keuangan",
    OVER_TARGET: "Penerima manfaat melebihi sasaran",
}


@dataclass(frozen=True)
class Figures:
    amount: Decimal
    physical_progress: Decimal
    reached_count: int


def detect(
    current: Figures,
    previous: Figures | None,
    *,
    tagged_amount: Decimal,
    target_count: int | None,
) -> list[str]:
    found = []
    if current.amount > tagged_amount:
        found.append(OVER_TAGGED)
    if previous is not None and (
        current.amount < previous.amount
        or current.physical_progress < previous.physical_progress
        or current.reached_count < previous.reached_count
    ):
        found.append(FALLING)
    if current.physical_progress >= 100 and current.amount == 0:
        found.append(DONE_UNSPENT)
    if target_count is not None and current.reached_count > target_count:
        found.append(OVER_TARGET)
    return found


def describe(codes: str | list[str]) -> list[str]:
    if isinstance(codes, str):
        codes = [c for c in codes.split(",") if c]
    return [LABELS.get(c, c) for c in codes]
