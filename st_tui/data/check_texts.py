"""Checks of the text roles: empty, padded, wrongly decoded, nested or too long."""

from __future__ import annotations

from typing import Any

import polars as pl

from st_tui.data.detect import Mapping
from st_tui.data.findings import (
    ROW,
    Finding,
    Severity,
    describe_rows,
    plural,
    rows_where,
    rows_where_each,
    run,
)
from st_tui.formats import Format

# Whitespace words times this factor estimates subword tokens for English text.
WORDS_TO_TOKENS = 1.3
TOKENIZER_SAMPLE_ROWS = 2000


def check_text(
    indexed: pl.LazyFrame, fmt: Format, role: str, column: str
) -> list[Finding]:
    """Check a text role: nested or non-text values, empty, padded, bad encoding."""
    dtype = indexed.collect_schema()[column]
    if dtype.is_nested():
        return [_nested_text(fmt, role, column, dtype)]

    findings: list[Finding] = []
    if not (dtype == pl.String or dtype == pl.Categorical):
        findings.append(
            Finding(
                code="text_not_string",
                severity=Severity.INFO,
                role=role,
                column=column,
                message=f"Column '{column}' ({role}) contains {dtype} values, not "
                "text: they will be used as text.",
                fix="Check that this is the column you meant to map.",
            )
        )
    text = pl.col(column).cast(pl.String)
    # Stripping only removes bytes, so comparing byte lengths shows whether the
    # text changed. Each measure is computed once, in its own column, because
    # polars 2.1 does not share a strip_chars between the conditions using it.
    measures = indexed.select(
        ROW,
        text.str.len_bytes().alias("bytes"),
        text.str.strip_chars().str.len_bytes().alias("stripped"),
        text.str.contains("\ufffd", literal=True).alias("replacement"),
    )
    stripped = pl.col("stripped")
    conditions = {
        "missing": pl.col("bytes").is_null(),
        "blank": stripped == 0,
        "empty": stripped.is_null() | (stripped == 0),
        "padded": (stripped > 0) & (stripped != pl.col("bytes")),
        "replacement": pl.col("replacement"),
    }
    found = rows_where_each(measures, conditions)
    counts = {name: count for name, (_, count) in found.items()}

    empty = counts["missing"] + counts["blank"]
    if empty:
        rows, count = found["empty"]
        what = _empty_kind(counts["missing"], counts["blank"])
        findings.append(
            Finding(
                code="empty_text",
                severity=Severity.ERROR,
                role=role,
                column=column,
                rows=rows,
                count=count,
                message=f"{describe_rows(rows, count)}: column '{column}' ({role}) "
                f"is {what}.",
                fix=f"Drop the {plural(count, 'row')}, or fill in the text.",
                fix_kind="drop_empty",
                fix_params={"column": column},
                facts={"missing": counts["missing"], "blank": counts["blank"]},
            )
        )
    if counts["padded"]:
        rows, count = found["padded"]
        findings.append(
            Finding(
                code="padded_text",
                severity=Severity.INFO,
                role=role,
                column=column,
                rows=rows,
                count=count,
                message=f"{describe_rows(rows, count)}: column '{column}' ({role}) "
                "starts or ends with spaces.",
                fix="Trim the spaces, so equal texts compare equal.",
                fix_kind="trim_whitespace",
                fix_params={"columns": [column]},
            )
        )
    if counts["replacement"]:
        rows, count = found["replacement"]
        findings.append(
            Finding(
                code="bad_encoding",
                severity=Severity.WARNING,
                role=role,
                column=column,
                rows=rows,
                count=count,
                message=f"{describe_rows(rows, count)}: column '{column}' ({role}) "
                "contains U+FFFD, the character that replaces bytes the file's "
                "encoding could not decode.",
                fix="Save the file as UTF-8 and open it again.",
            )
        )
    return findings


def _empty_kind(missing: int, blank: int) -> str:
    if missing and blank:
        return "missing, empty or only whitespace"
    if missing:
        return "missing"
    return "empty or only whitespace"


def _nested_text(fmt: Format, role: str, column: str, dtype: pl.DataType) -> Finding:
    if isinstance(dtype, pl.List) and fmt.name == "triplet" and role == "negative":
        return Finding(
            code="nested_values",
            severity=Severity.ERROR,
            role=role,
            column=column,
            message=f"Column '{column}' contains a list of negatives in each row, but "
            "a triplet has one negative.",
            fix="Make one triplet row per negative.",
            fix_kind="expand_negatives",
            fix_params={"column": column},
        )
    return Finding(
        code="nested_values",
        severity=Severity.ERROR,
        role=role,
        column=column,
        message=f"Column '{column}' ({role}) contains {dtype} values, not one text per "
        "row.",
        fix="Map a column of plain text, or flatten the file first.",
    )


def count_all(frame: pl.LazyFrame, conditions: dict[str, pl.Expr]) -> dict[str, int]:
    """Count the rows matching each condition in one pass over the data."""
    sums = [c.fill_null(False).sum().alias(name) for name, c in conditions.items()]
    counted = run(frame.select(sums)).row(0, named=True)
    return {name: int(value or 0) for name, value in counted.items()}


def has_nested(frame: pl.LazyFrame, columns: list[str]) -> bool:
    """Tell whether any of the columns contains lists or structs."""
    schema = frame.collect_schema()
    return any(schema[c].is_nested() for c in columns)


def estimated_tokens(column: str) -> pl.Expr:
    """Estimate subword tokens as whitespace words x 1.3, plus 2 special tokens."""
    words = pl.col(column).cast(pl.String).str.count_matches(r"\S+")
    return (words * WORDS_TO_TOKENS).ceil().cast(pl.Int64) + 2


def check_lengths(
    indexed: pl.LazyFrame,
    fmt: Format,
    mapping: Mapping,
    max_seq_length: int,
    tokenizer: Any,
) -> list[Finding]:
    """Find texts longer than ``max_seq_length`` tokens, counted or estimated."""
    findings: list[Finding] = []
    for role in fmt.text_roles:
        column = mapping[role]
        if has_nested(indexed, [column]):
            continue
        if tokenizer is None:
            # Counting words with a regex is the slow part, so it runs only on the
            # texts that have enough bytes to hold too many words.
            long_enough = pl.col(column).cast(pl.String).str.len_bytes() >= (
                _min_bytes_too_long(max_seq_length)
            )
            lengths = indexed.filter(long_enough).select(
                ROW, estimated_tokens(column).alias("tokens")
            )
            method = "estimated as whitespace words x 1.3"
        else:
            lengths = _token_counts(indexed, column, tokenizer)
            method = (
                f"counted with the model's tokenizer on the first "
                f"{TOKENIZER_SAMPLE_ROWS} rows"
            )
        too_long = pl.col("tokens") > max_seq_length
        rows, count = rows_where(lengths, too_long)
        if not count:
            continue
        longest = int(run(lengths.select(pl.col("tokens").max())).item())
        findings.append(
            Finding(
                code="text_too_long",
                severity=Severity.WARNING,
                role=role,
                column=column,
                rows=rows,
                count=count,
                message=f"{plural(count, 'row')} of column '{column}' ({role}) are "
                f"longer than max_seq_length {max_seq_length} tokens ({method}; the "
                f"longest has about {longest}): "
                f"{describe_rows(rows, count).lower()}. The model reads only the "
                f"first {max_seq_length} tokens of each.",
                fix=f"Raise max_seq_length to {min(longest, 512)}, or accept the "
                "truncation.",
                facts={
                    "longest": longest,
                    "method": "tokenizer" if tokenizer else ("estimate"),
                },
            )
        )
    return findings


def _min_bytes_too_long(max_seq_length: int) -> int:
    """Return a lower bound on the bytes of a text estimated above max_seq_length.

    Such a text has more than (max_seq_length - 2) / 1.3 words, and N words take
    at least 2N - 1 bytes: one per word and one per space between words.
    """
    words = int((max_seq_length - 2) / WORDS_TO_TOKENS)
    return max(0, 2 * words - 1)


def _token_counts(indexed: pl.LazyFrame, column: str, tokenizer: Any) -> pl.LazyFrame:
    sample = run(
        indexed.select(ROW, pl.col(column).cast(pl.String).fill_null("")).head(
            TOKENIZER_SAMPLE_ROWS
        )
    )
    texts = sample.get_column(column).to_list()
    encoded = tokenizer(texts, add_special_tokens=True, truncation=False)["input_ids"]
    tokens = pl.Series("tokens", [len(ids) for ids in encoded], dtype=pl.Int64)
    return sample.select(ROW).with_columns(tokens).lazy()
