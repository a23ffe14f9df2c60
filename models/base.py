"""The declarative base, the Flask-SQLAlchemy handle and the column types shared by models."""
from datetime import UTC, datetime
from decimal import Decimal

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, Numeric
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that Alembic can alter them on every backend (SQLite needs names for
# batch mode) and so that an IntegrityError names the rule that was broken.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Rupiah: 16 integer digits are enough for any APBD line; two decimals for sen.
Money = Numeric(18, 2, asdecimal=True)
# Physical progress and shares in percent, 0.00-100.00.
Percent = Numeric(5, 2, asdecimal=True)

ZERO = Decimal("0.00")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    """Naive UTC: SQLite keeps no time zone, so every stored datetime is UTC without one."""
    return datetime.now(UTC).replace(tzinfo=None)
