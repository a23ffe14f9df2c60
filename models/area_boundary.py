"""The boundary of one desa or kecamatan (issue 27): simplified WGS84 geometry as GeoJSON text.

One row per area; an import replaces the rows of the areas it matched and leaves the others.
A kecamatan outline is either imported or `derived` (the union of its desa), recomputed when its
desa change. `fictional` marks the demo's generated boundaries, which must never be mistaken for
real ones (the maps say so).
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, utcnow

BOUNDARY_LEVELS = ("desa", "kecamatan")


class AreaBoundary(db.Model):
    __tablename__ = "area_boundary"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(10))
    village_id: Mapped[int | None] = mapped_column(
        ForeignKey("village.id", ondelete="CASCADE"), unique=True)
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("district.id", ondelete="CASCADE"), unique=True)
    geojson: Mapped[str] = mapped_column(Text)  # a Polygon or MultiPolygon, lon/lat, 5 decimals
    vertices: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(200), default="")  # file name, or "gabungan desa"
    derived: Mapped[bool] = mapped_column(default=False)
    fictional: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint(
            "(level = 'desa' AND village_id IS NOT NULL AND district_id IS NULL) OR "
            "(level = 'kecamatan' AND district_id IS NOT NULL AND village_id IS NULL)",
            name="level_matches_area"),
        CheckConstraint("vertices >= 0", name="vertices_nonneg"),
    )
