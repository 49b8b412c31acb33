"""Checks of the target column: a similarity score or a class label."""

from __future__ import annotations

from typing import Any

import polars as pl

from st_tui.data.detect import nominal_range
from st_tui.data.findings import (
    ROW,
    Finding,
    Severity,
    describe_rows,
    plural,
    rows_where,
    run,
)
from st_tui.data.fixes import score_numbers

# A class with fewer rows than this cannot appear in both training and validation.
MIN_CLASS_ROWS = 2
IMBALANCE_RATIO = 10.0


def check_score(indexed: pl.LazyFrame, role: str, column: str) -> list[Finding]:
    """Check that every score is a number, that they vary, and their scale."""
    dtype = indexed.collect_schema()[column]
    if dtype.is_nested():
        return [_nested_target(role, column, dtype)]
    number = score_numbers(column, dtype)
    findings: list[Finding] = []

    invalid = number.is_null() | number.is_nan()
    rows, count = rows_where(indexed, invalid)
    if count:
        example = run(
            indexed.filter(pl.col(ROW) == rows[0]).select(
                pl.col(column).cast(pl.String)
            )
        ).item()
        shown = (
            "empty" if example is None or not str(example).strip() else (f"{example!r}")
        )
        where = describe_rows(rows, count)
        if count == 1:
            message = f"{where}: column '{column}' is {shown}, which is not a number."
        else:
            # Only the first value is read back, so it is quoted for its row alone.
            message = (
                f"{where}: column '{column}' is not a number "
                f"(row {rows[0]} is {shown})."
            )
        findings.append(
            Finding(
                code="score_not_number",
                severity=Severity.ERROR,
                role=role,
                column=column,
                rows=rows,
                count=count,
                message=message,
                fix=f"Drop the {plural(count, 'row')}, or fix the file.",
                fix_kind="drop_invalid_scores",
                fix_params={"column": column},
            )
        )

    valid = indexed.filter(~invalid.fill_null(True))
    stats = run(
        valid.select(
            number.min().alias("low"),
            number.max().alias("high"),
            number.n_unique().alias("distinct"),
            pl.len().alias("valid"),
        )
    ).row(0, named=True)
    if not stats["valid"]:
        return findings
    low, high = float(stats["low"]), float(stats["high"])
    facts: dict[str, Any] = {"min": low, "max": high, "distinct": stats["distinct"]}

    if stats["distinct"] == 1:
        findings.append(
            Finding(
                code="score_constant",
                severity=Severity.ERROR,
                role=role,
                column=column,
                count=int(stats["valid"]),
                message=f"Every score in column '{column}' is {low:g}, so the loss "
                "has nothing to learn from.",
                fix="Map another column to the score, or choose the pair format.",
                facts=facts,
            )
        )
        return findings

    if low < 0 or high > 1:
        scale_low, scale_high = nominal_range(low, high)
        facts.update({"scale_min": scale_low, "scale_max": scale_high})
        outside = (number < 0) | (number > 1)
        rows, count = rows_where(valid, outside)
        findings.append(
            Finding(
                code="score_out_of_range",
                severity=Severity.WARNING,
                role=role,
                column=column,
                rows=rows,
                count=count,
                message=f"Column '{column}' ranges from {low:g} to {high:g}, not "
                f"0..1 ({plural(count, 'row')} outside). CoSENTLoss uses only the "
                "order of the scores, but CosineSimilarityLoss compares them with "
                "cosine similarities and needs 0..1.",
                fix=f"Rescale {scale_low:g}..{scale_high:g} to 0..1 with (score - "
                f"{scale_low:g}) / {scale_high - scale_low:g}.",
                fix_kind="rescale_scores",
                fix_params={"column": column, "low": scale_low, "high": scale_high},
                facts=facts,
            )
        )
    return findings


def _nested_target(role: str, column: str, dtype: pl.DataType) -> Finding:
    return Finding(
        code="nested_values",
        severity=Severity.ERROR,
        role=role,
        column=column,
        message=f"Column '{column}' contains {dtype} values, not one {role} per row.",
        fix=f"Map a column with one {role} per row.",
    )


def class_counts(frame: pl.LazyFrame, column: str) -> dict[str, int]:
    """Count the rows of each class, ignoring missing labels, largest first."""
    text = pl.col(column).cast(pl.String).str.strip_chars()
    counted = run(
        frame.select(text.alias("class"))
        .filter(pl.col("class").is_not_null() & (pl.col("class") != ""))
        .group_by("class")
        .agg(pl.len().alias("rows"))
        .sort(["rows", "class"], descending=[True, False])
    )
    return {str(c): int(n) for c, n in counted.iter_rows()}


def label_ids(classes: list[str], dtype: pl.DataType) -> dict[str, int]:
    """Number the classes the way training numbers them: sorted, from 0."""
    ordered = sorted(classes, key=float) if dtype.is_numeric() else sorted(classes)
    return {name: i for i, name in enumerate(ordered)}


def check_label(
    indexed: pl.LazyFrame,
    role: str,
    column: str,
    *,
    validation_split: float | None = None,
) -> list[Finding]:
    """Check the label column: missing labels, class count, map, sizes, balance."""
    dtype = indexed.collect_schema()[column]
    if dtype.is_nested():
        return [_nested_target(role, column, dtype)]
    findings: list[Finding] = []
    text = pl.col(column).cast(pl.String)
    rows, count = rows_where(indexed, text.is_null() | (text.str.strip_chars() == ""))
    if count:
        findings.append(
            Finding(
                code="label_missing",
                severity=Severity.ERROR,
                role=role,
                column=column,
                rows=rows,
                count=count,
                message=f"{describe_rows(rows, count)}: column '{column}' has no "
                "label.",
                fix=f"Drop the {plural(count, 'row')}, or fill in the label.",
                fix_kind="drop_missing_labels",
                fix_params={"column": column},
            )
        )

    counts = class_counts(indexed, column)
    if len(counts) < 2:
        findings.append(
            Finding(
                code="one_class",
                severity=Severity.ERROR,
                role=role,
                column=column,
                message=f"Column '{column}' has {plural(len(counts), 'class')}, "
                "but a classifier needs at least 2.",
                fix="Map another column to the label, or add rows of other classes.",
                facts={"counts": counts},
            )
        )
        return findings

    findings.append(_label_map(role, column, dtype, counts))
    findings.extend(_class_sizes(role, column, counts, validation_split))
    return findings


def _label_map(
    role: str, column: str, dtype: pl.DataType, counts: dict[str, int]
) -> Finding:
    ids = label_ids(list(counts), dtype)
    listed = ", ".join(
        f"{name} ({counts[name]}) -> {i}" for name, i in list(ids.items())[:20]
    )
    more = f" and {len(ids) - 20} more" if len(ids) > 20 else ""
    already_ids = dtype.is_integer() and all(name == str(i) for name, i in ids.items())
    classes = plural(len(ids), "class")
    assigned = "No change needed: the ids are assigned when training starts."
    if already_ids:
        code = "label_classes"
        message = f"Column '{column}' has {classes}: {listed}{more}."
        fix = "No change needed."
    elif dtype.is_numeric():
        code = "label_remapped"
        message = f"Column '{column}' has {classes}, numbered from 0 for training: "
        message += f"{listed}{more}."
        fix = assigned
    else:
        code = "label_strings"
        message = f"Column '{column}' has {classes} named by text, which become "
        message += f"ids: {listed}{more}."
        fix = assigned
    return Finding(
        code=code,
        severity=Severity.INFO,
        role=role,
        column=column,
        count=sum(counts.values()),
        message=message,
        fix=fix,
        fix_kind=None if already_ids else "map_labels",
        fix_params={} if already_ids else {"column": column, "mapping": ids},
        facts={"counts": counts, "ids": ids},
    )


def _class_sizes(
    role: str,
    column: str,
    counts: dict[str, int],
    validation_split: float | None,
) -> list[Finding]:
    findings: list[Finding] = []
    needed = MIN_CLASS_ROWS
    if validation_split:
        # A class needs one held-out row and one training row.
        needed = max(MIN_CLASS_ROWS, int(1 / validation_split + 0.999))
    small = {name: n for name, n in counts.items() if n < needed}
    if small:
        shown = ", ".join(f"'{name}' ({n})" for name, n in list(small.items())[:10])
        findings.append(
            Finding(
                code="class_too_small",
                severity=Severity.WARNING,
                role=role,
                column=column,
                count=sum(small.values()),
                message=f"{plural(len(small), 'class')} of column '{column}' "
                f"{'has' if len(small) == 1 else 'have'} fewer than {needed} rows: "
                f"{shown}. Such a class may be missing from training or validation.",
                fix="Drop those classes, or add rows to them.",
                fix_kind="drop_classes",
                fix_params={"column": column, "classes": list(small)},
                facts={"counts": counts, "needed": needed},
            )
        )
    largest, smallest = max(counts.values()), min(counts.values())
    if smallest and largest / smallest >= IMBALANCE_RATIO:
        big = max(counts, key=lambda name: counts[name])
        tiny = min(counts, key=lambda name: counts[name])
        findings.append(
            Finding(
                code="class_imbalance",
                severity=Severity.WARNING,
                role=role,
                column=column,
                message=f"Column '{column}' is imbalanced: class '{big}' has "
                f"{largest} rows and class '{tiny}' has {smallest} "
                f"({largest / smallest:.0f}x fewer).",
                fix="Add rows of the small classes, or accept a model that favours "
                "the large ones.",
                facts={"counts": counts},
            )
        )
    return findings


def check_validation_labels(
    train: pl.LazyFrame,
    train_column: str,
    validation: pl.LazyFrame,
    validation_column: str,
    role: str,
) -> list[Finding]:
    """Find validation labels that the training data does not have."""
    known = set(class_counts(train, train_column))
    text = pl.col(validation_column).cast(pl.String).str.strip_chars()
    unknown = text.is_not_null() & (text != "") & ~text.is_in(sorted(known))
    rows, count = rows_where(validation, unknown)
    if not count:
        return []
    labels = run(
        validation.filter(unknown).select(text.unique().sort()).head(10)
    ).to_series()
    shown = ", ".join(f"'{v}'" for v in labels.to_list())
    return [
        Finding(
            code="label_not_in_train",
            severity=Severity.ERROR,
            role=role,
            column=validation_column,
            rows=rows,
            count=count,
            split="validation",
            message=f"Validation {describe_rows(rows, count).lower()}: the label "
            f"{shown} does not occur in the training data, so the model has no "
            "class for it.",
            fix="Drop those validation rows, or add training rows of that class.",
            fix_kind="drop_classes",
            fix_params={"column": validation_column, "classes": labels.to_list()},
        )
    ]
