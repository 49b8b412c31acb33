"""Checks across rows: batch size, duplicate rows and false in-batch negatives."""

from __future__ import annotations

import math

import polars as pl

from st_tui.data.check_texts import has_nested
from st_tui.data.detect import Mapping
from st_tui.data.findings import (
    Finding,
    Severity,
    describe_rows,
    plural,
    rows_where,
    run,
)
from st_tui.formats import Format

# Repeated texts become a warning when more than this share of rows repeat one.
REPEAT_WARNING_SHARE = 0.2
# An odd multiplier that mixes the column hashes into one row hash, as in FNV.
ROW_HASH_FACTOR = 1_099_511_628_211


def check_rows(
    indexed: pl.LazyFrame,
    fmt: Format,
    mapping: Mapping,
    total: int,
    batch_size: int | None,
) -> list[Finding]:
    """Check row-level problems: fewer rows than a batch, repeated rows."""
    findings: list[Finding] = []
    if batch_size and total < batch_size:
        smaller = 2 ** max(0, int(math.log2(total))) if total > 1 else 1
        findings.append(
            Finding(
                code="too_few_rows",
                severity=Severity.WARNING,
                count=total,
                message=f"The data has {plural(total, 'row')}, fewer than one batch "
                f"of {batch_size}.",
                fix=f"Lower the batch size to {smaller} or add rows.",
                facts={"rows": total, "batch_size": batch_size},
            )
        )

    columns = [mapping[role] for role in fmt.roles]
    if has_nested(indexed, columns):
        return findings
    rows, count = repeated_rows(indexed, columns)
    if count:
        findings.append(
            Finding(
                code="duplicate_rows",
                severity=Severity.WARNING,
                rows=rows,
                count=count,
                message=f"{describe_rows(rows, count)} "
                f"{'repeats' if count == 1 else 'repeat'} an earlier row in every "
                "mapped column, which weights those examples more.",
                fix=f"Drop the {plural(count, 'repeated row')}.",
                fix_kind="drop_duplicates",
                fix_params={"columns": columns},
            )
        )
    return findings


def repeated_rows(frame: pl.LazyFrame, columns: list[str]) -> tuple[list[int], int]:
    """Return the first rows that repeat an earlier row in ``columns``, and the count.

    Comparing whole rows is slow, so a hash of each row picks the candidates: a row
    can repeat another only if their hashes are equal. The exact comparison then
    runs on those rows alone, which include every earlier copy of a repeated row.
    """
    row_hash = pl.col(columns[0]).hash(1)
    for seed, column in enumerate(columns[1:], start=2):
        row_hash = (row_hash * ROW_HASH_FACTOR) ^ pl.col(column).hash(seed)
    hashes = run(frame.select(row_hash.alias("hash"))).to_series().sort()
    # Sorting puts equal hashes next to each other, which is faster than a hash
    # table of every row.
    repeated = hashes.filter(hashes == hashes.shift(1)).unique()
    if repeated.is_empty():
        return [], 0
    candidates = frame.filter(row_hash.is_in(repeated.implode()))
    return rows_where(candidates, ~pl.struct(columns).is_first_distinct())


def check_in_batch_negatives(
    indexed: pl.LazyFrame, fmt: Format, mapping: Mapping, total: int
) -> list[Finding]:
    """Find texts that would become false negatives for other rows of a batch."""
    roles = fmt.text_roles
    if has_nested(indexed, [mapping[r] for r in roles]):
        return []
    findings: list[Finding] = []
    for role in roles[:2]:
        column = mapping[role]
        text = pl.col(column).cast(pl.String)
        rows, count = rows_where(indexed, text.is_duplicated() & text.is_not_null())
        if not count:
            continue
        distinct = int(
            run(indexed.filter(text.is_duplicated()).select(text.n_unique())).item()
        )
        severity = Severity.INFO
        if count / total > REPEAT_WARNING_SHARE:
            severity = Severity.WARNING
        findings.append(
            Finding(
                code=f"repeated_{role}",
                severity=severity,
                role=role,
                column=column,
                rows=rows,
                count=count,
                message=f"{plural(count, 'row')} share their {role} with another row "
                f"({plural(distinct, 'distinct text')} repeated; "
                f"{describe_rows(rows, count).lower()}). {fmt.default_loss} treats "
                "the other rows of a batch as negatives, so two such rows in one "
                "batch teach the model to push apart texts that match. Training "
                "uses the NO_DUPLICATES batch sampler, which keeps equal texts out "
                "of one batch, but many repeats leave it fewer rows to fill batches.",
                fix=f"Keep the first row of each repeated {role}, or accept: the "
                "sampler handles a few repeats.",
                fix_kind="drop_duplicates",
                fix_params={"columns": [column]},
                facts={"distinct_repeated": distinct},
            )
        )

    pairs = [(roles[0], roles[1], Severity.WARNING)]
    if len(roles) > 2:
        pairs += [
            (roles[1], roles[2], Severity.ERROR),
            (roles[0], roles[2], Severity.ERROR),
        ]
    for first, second, severity in pairs:
        a, b = mapping[first], mapping[second]
        same = (
            pl.col(a).cast(pl.String).str.strip_chars()
            == pl.col(b).cast(pl.String).str.strip_chars()
        )
        rows, count = rows_where(indexed, same)
        if not count:
            continue
        findings.append(
            Finding(
                code=f"{second}_equals_{first}",
                severity=severity,
                role=second,
                column=b,
                rows=rows,
                count=count,
                message=f"{describe_rows(rows, count)}: the {second} ('{b}') is the "
                f"same text as the {first} ('{a}'), which teaches the model nothing"
                + (" and contradicts the loss." if severity is Severity.ERROR else "."),
                fix=f"Drop the {plural(count, 'row')}.",
                fix_kind="drop_equal",
                fix_params={"columns": [a, b]},
            )
        )
    return findings
