"""Demo data for issue 15: each demo OPD's kind (dinas, badan, ...), read from its name as the
set-up import does when the file leaves the column empty."""
from app.setup.services.setup_rows import kind_from_name


def seed(opds) -> None:
    for opd in opds:
        opd.kind = kind_from_name(opd.name)
