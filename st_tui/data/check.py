"""Check mapped data for problems that would stop or spoil training.

Each problem is a Finding with a severity, the role and column, the affected row
numbers (1-based, counting data rows after the header) and the fix. Checks are polars
expressions over the LazyFrame, not Python loops over rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import polars as pl

from st_tui.data.detect import Mapping
from st_tui.errors import DataError
from st_tui.formats import Format, RoleKind

ROW = "__row__"
MAX_ROWS_LISTED = 1000


class Severity(str, Enum):
    """Finding severity: an error blocks training, a warning can be accepted."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass
class Finding:
    """One problem in the data, where it is and how to fix it."""

    code: str
    severity: Severity
    message: str
    fix: str
    role: str | None = None
    column: str | None = None
    rows: list[int] = field(default_factory=list)
    count: int = 0

    def summary(self) -> str:
        """Return the message and the fix as one line."""
        return f"{self.message} {self.fix}".strip()


def validate_mapping(
    fmt: Format, mapping: Mapping, columns: list[str], source_name: str
) -> None:
    """Check that every role is mapped to an existing column, each column once.

    Raises:
        DataError: naming the role, the missing column and the file's columns.
    """
    available = ", ".join(f"'{c}'" for c in columns)
    for role in fmt.roles:
        column = mapping.get(role)
        if not column:
            raise DataError(
                f"{source_name}: no column is mapped to the role '{role}' of the "
                f"{fmt.name} format. The file's columns are: {available}."
            )
        if column not in columns:
            raise DataError(
                f"{source_name}: column '{column}' (mapped to '{role}') not found. "
                f"The file's columns are: {available}."
            )
    unknown = sorted(set(mapping) - set(fmt.roles))
    if unknown:
        raise DataError(
            f"{source_name}: {', '.join(unknown)} is not a role of the {fmt.name} "
            f"format, whose roles are {', '.join(fmt.roles)}."
        )
    chosen = [mapping[r] for r in fmt.roles]
    repeated = sorted({c for c in chosen if chosen.count(c) > 1})
    if repeated:
        raise DataError(
            f"{source_name}: column '{repeated[0]}' is mapped to more than one role. "
            "Map each role to its own column."
        )


def _rows_where(frame: pl.LazyFrame, condition: pl.Expr) -> tuple[list[int], int]:
    hits = frame.filter(condition).select(ROW)
    count = hits.select(pl.len()).collect().item()
    rows = hits.head(MAX_ROWS_LISTED).collect().get_column(ROW).to_list()
    return rows, int(count)


def _describe_rows(rows: list[int], count: int) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    more = f" and {count - 5} more" if count > 5 else ""
    return f"row {shown}" if count == 1 else f"rows {shown}{more}"


def check_basic(frame: pl.LazyFrame, fmt: Format, mapping: Mapping) -> list[Finding]:
    """Find the problems that make the mapped data untrainable.

    Covers: no rows, null or empty text, and a score or label that is not a number or
    class. The frame must already hold every mapped column.
    """
    findings: list[Finding] = []
    indexed = frame.with_row_index(ROW, offset=1)
    total = indexed.select(pl.len()).collect().item()
    if total == 0:
        findings.append(
            Finding(
                code="no_rows",
                severity=Severity.ERROR,
                message="The data has a header but no rows.",
                fix="Add rows to the file or choose another one.",
            )
        )
        return findings

    schema = frame.collect_schema()
    for role in fmt.roles:
        column = mapping[role]
        kind = fmt.kinds[role]
        dtype = schema[column]
        values = pl.col(column)
        if kind is RoleKind.TEXT:
            text = values.cast(pl.String)
            condition = text.is_null() | (text.str.strip_chars() == "")
            rows, count = _rows_where(indexed, condition)
            if count:
                findings.append(
                    Finding(
                        code="empty_text",
                        severity=Severity.ERROR,
                        role=role,
                        column=column,
                        rows=rows,
                        count=count,
                        message=f"{_describe_rows(rows, count).capitalize()}: column "
                        f"'{column}' ({role}) is empty or missing.",
                        fix=f"Drop the {count} rows or fill in the text.",
                    )
                )
        elif kind is RoleKind.SCORE:
            findings.extend(_check_score(indexed, role, column, dtype))
        else:
            findings.extend(_check_label(indexed, role, column))
    return findings


def _check_score(
    indexed: pl.LazyFrame, role: str, column: str, dtype: pl.DataType
) -> list[Finding]:
    values = pl.col(column)
    number = values if dtype.is_numeric() else values.cast(pl.Float64, strict=False)
    condition = number.is_null() | number.cast(pl.Float64).is_nan()
    rows, count = _rows_where(indexed, condition)
    if not count:
        return []
    example = indexed.filter(pl.col(ROW) == rows[0]).select(values).collect().item()
    return [
        Finding(
            code="score_not_number",
            severity=Severity.ERROR,
            role=role,
            column=column,
            rows=rows,
            count=count,
            message=f"{_describe_rows(rows, count).capitalize()}: column '{column}' "
            f"({role}) is {example!r}, which is not a number.",
            fix=f"Drop the {count} rows or fix the file.",
        )
    ]


def _check_label(indexed: pl.LazyFrame, role: str, column: str) -> list[Finding]:
    text = pl.col(column).cast(pl.String)
    condition = text.is_null() | (text.str.strip_chars() == "")
    rows, count = _rows_where(indexed, condition)
    findings = []
    if count:
        findings.append(
            Finding(
                code="label_missing",
                severity=Severity.ERROR,
                role=role,
                column=column,
                rows=rows,
                count=count,
                message=f"{_describe_rows(rows, count).capitalize()}: column "
                f"'{column}' ({role}) has no class.",
                fix=f"Drop the {count} rows or fill in the label.",
            )
        )
    classes = indexed.select(text.drop_nulls().n_unique().alias("n")).collect().item()
    if classes < 2:
        findings.append(
            Finding(
                code="one_class",
                severity=Severity.ERROR,
                role=role,
                column=column,
                message=f"Column '{column}' ({role}) has {classes} distinct class; "
                "a classifier needs at least 2.",
                fix="Map another column to the label or add rows of other classes.",
            )
        )
    return findings


def blocking(findings: list[Finding]) -> list[Finding]:
    """Return the findings that stop training."""
    return [f for f in findings if f.severity is Severity.ERROR]
