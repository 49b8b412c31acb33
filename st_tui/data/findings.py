"""Findings: one problem in the data, where it is, how much it matters and its fix.

Row numbers are 1-based data rows (the first row after the header is row 1). A frame
that carries the ``__row__`` column, as ``apply_fixes(..., keep_row_numbers=True)``
returns it, keeps the file's row numbers after rows were dropped or expanded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import polars as pl

from st_tui.errors import DataError

ROW = "__row__"
MAX_ROWS_LISTED = 1000


class Severity(str, Enum):
    """Finding severity: an error blocks training, a warning can be accepted."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass
class Finding:
    """One problem in the data, where it is and how to fix it.

    ``fix`` is the sentence shown to the user. ``fix_kind`` and ``fix_params``, when
    set, describe the one-key fix as a ``st_tui.data.fixes.Fix`` record. ``facts``
    contains the numbers behind the message (class counts, score range) for display.
    ``split`` tells whether the rows are training or validation rows.
    """

    code: str
    severity: Severity
    message: str
    fix: str
    role: str | None = None
    column: str | None = None
    rows: list[int] = field(default_factory=list)
    count: int = 0
    fix_kind: str | None = None
    fix_params: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    split: str = "train"

    def summary(self) -> str:
        """Return the message and the fix as one line."""
        return f"{self.message} {self.fix}".strip()

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as JSON-ready values, with a stable set of keys."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "fix": self.fix,
            "role": self.role,
            "column": self.column,
            "rows": list(self.rows),
            "count": self.count,
            "fix_kind": self.fix_kind,
            "fix_params": dict(self.fix_params),
            "facts": dict(self.facts),
            "split": self.split,
        }


def blocking(findings: list[Finding]) -> list[Finding]:
    """Return the findings that stop training."""
    return [f for f in findings if f.severity is Severity.ERROR]


def with_row_numbers(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Add 1-based row numbers, unless the frame already carries them."""
    if ROW in frame.collect_schema().names():
        return frame
    return frame.with_row_index(ROW, offset=1)


def run(frame: pl.LazyFrame) -> pl.DataFrame:
    """Collect a query, turning a parse failure into a DataError.

    Raises:
        DataError: when polars cannot read or compute the rows.
    """
    try:
        return frame.collect(engine="streaming")
    except pl.exceptions.PolarsError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise DataError(
            f"Could not read the rows ({first or type(error).__name__}). Open the "
            "file again to find the bad line."
        ) from None


def rows_where(frame: pl.LazyFrame, condition: pl.Expr) -> tuple[list[int], int]:
    """Return the first row numbers that match a condition, and how many there are.

    ``frame`` must carry the ``__row__`` column.
    """
    # One query for both, so that the file is read once rather than twice.
    found = run(
        frame.filter(condition).select(
            pl.len().alias("count"),
            pl.col(ROW).head(MAX_ROWS_LISTED).implode().alias("rows"),
        )
    )
    count = int(found.get_column("count").item())
    if not count:
        return [], 0
    rows = found.get_column("rows").item().to_list()
    return [int(r) for r in rows], count


def rows_where_each(
    frame: pl.LazyFrame, conditions: dict[str, pl.Expr]
) -> dict[str, tuple[list[int], int]]:
    """Return ``rows_where`` for each of several conditions, from one query.

    ``frame`` must carry the ``__row__`` column. A null condition counts as false.
    """
    names = list(conditions)
    # The query keeps only the rows that match some condition, with one boolean
    # column per condition, so its result is as large as the matching rows.
    flags = [c.fill_null(False).alias(name) for name, c in conditions.items()]
    matched = run(frame.select(ROW, *flags).filter(pl.any_horizontal(names)))
    found: dict[str, tuple[list[int], int]] = {}
    for name in names:
        rows = matched.get_column(ROW).filter(matched.get_column(name))
        found[name] = ([int(r) for r in rows.head(MAX_ROWS_LISTED)], rows.len())
    return found


def describe_rows(rows: list[int], count: int) -> str:
    """Return 'Row 3' or 'Rows 3, 8, 9 and 12 more' for a message."""
    shown = ", ".join(str(r) for r in rows[:5])
    more = f" and {count - min(len(rows), 5)} more" if count > 5 else ""
    return f"Row {shown}" if count == 1 else f"Rows {shown}{more}"


def plural(count: int, noun: str) -> str:
    """Return '1 row' or '3 rows' (and '3 classes')."""
    if count == 1:
        return f"{count} {noun}"
    suffix = "es" if noun.endswith(("s", "x", "ch", "sh")) else "s"
    return f"{count} {noun}{suffix}"
