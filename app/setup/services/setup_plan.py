"""The shapes of a set-up import (issue 15): a kind of file and its columns, the plan built
from a file row by row, and the result of applying it. setup_rows.py defines the kinds and
judges rows; setup_import.py reads files into plans and applies them."""
from dataclasses import dataclass, field

from app.budget.services.sipd_import import Issue  # one row-error shape for every import


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as the template writes it
    aliases: tuple[str, ...]  # normalized header names accepted (the header's own included)
    hint: str = ""  # the template's instruction row
    required: bool = False
    limit: int | None = None


@dataclass(frozen=True)
class Kind:
    """One kind of set-up file: its columns, the one naming a row, and its rules."""
    name: str  # opds, areas, users
    label: str  # Indonesian, for pages and messages
    columns: tuple[Column, ...]
    key: str  # the column that identifies a row (code, username)
    planner: object  # callable(plan, rows: list[RowPlan]) -> None, fills actions and errors
    applier: object  # callable(plan, note, actor) -> SetupResult
    extra_sheets: object = None  # callable(wb) adding reference sheets to the template
    key_lower: bool = False  # usernames: `Budi` and `budi` are one account

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@dataclass
class RowPlan:
    row: int
    key: str
    label: str
    action: str = "error"  # create, update, unchanged, error
    values: dict = field(default_factory=dict)  # only the columns the file has
    changes: list[str] = field(default_factory=list)
    obj: object = None  # the existing row an update changes


@dataclass
class SetupPlan:
    kind: Kind
    filename: str = ""
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    present: set[str] = field(default_factory=set)  # column keys the file has
    actor: object = None  # who imports (refuses taking one's own admin role away)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def error(self, row: RowPlan | None, column: str, message: str) -> None:
        if row is not None:
            row.action = "error"
        self.errors.append(Issue(row.row if row else None, column, message))

    def summary(self) -> str:
        return (f"{self.count('create')} baru, {self.count('update')} diubah, "
                f"{self.count('unchanged')} tidak berubah, {len(self.errors)} galat, "
                f"{len(self.warnings)} peringatan")


@dataclass
class SetupResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    passwords: list[tuple[str, str, str]] = field(default_factory=list)  # username, name, pw

    def message(self, label: str) -> str:
        return (f"Impor {label} selesai: {self.created} dibuat, {self.updated} diubah, "
                f"{self.unchanged} tidak berubah.")
