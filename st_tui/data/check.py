"""Check mapped data for problems that would stop or spoil training.

Each problem is a Finding with a severity, the role and column, the affected row
numbers (1-based, counting data rows after the header) and the fix. Checks are polars
expressions over the LazyFrame, collected with the streaming engine, not Python loops
over rows. Only the optional tokenizer count reads a sample of texts into Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from st_tui.data.check_rows import check_in_batch_negatives, check_rows
from st_tui.data.check_targets import (
    check_label,
    check_score,
    check_validation_labels,
)
from st_tui.data.check_texts import check_lengths, check_text, has_nested
from st_tui.data.detect import Mapping
from st_tui.data.findings import (
    MAX_ROWS_LISTED,
    ROW,
    Finding,
    Severity,
    blocking,
    describe_rows,
    plural,
    run,
    with_row_numbers,
)
from st_tui.data.fixes import Fix, apply_fixes
from st_tui.data.load import Source, explain_read_error, strict_utf8_frame
from st_tui.data.text import count_lines
from st_tui.errors import DataError
from st_tui.formats import Format, RoleKind

__all__ = [
    "ROW",
    "Finding",
    "ParsedRows",
    "Severity",
    "blocking",
    "check_all",
    "check_basic",
    "check_data",
    "check_source",
    "read_rows",
    "validate_mapping",
]

# A delimited or JSON Lines file up to this share of the available memory is
# collected into memory for the checks (see read_rows).
IN_MEMORY_SHARE = 0.25
MEMINFO_PATH = "/proc/meminfo"

BASIC_CODES = {
    "no_rows",
    "empty_text",
    "nested_values",
    "score_not_number",
    "score_constant",
    "label_missing",
    "one_class",
}


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


def check_basic(frame: pl.LazyFrame, fmt: Format, mapping: Mapping) -> list[Finding]:
    """Find the problems that make the mapped data untrainable.

    Covers: no rows, null or empty text, nested values, and a score or label that is
    not a number or class. The frame must already hold every mapped column.
    """
    indexed = with_row_numbers(frame)
    total = int(run(indexed.select(pl.len())).item())
    if total == 0:
        return [_no_rows()]
    findings: list[Finding] = []
    for role in fmt.roles:
        findings.extend(_check_role(indexed, fmt, role, mapping[role]))
    return [f for f in findings if f.code in BASIC_CODES]


def check_data(
    frame: pl.LazyFrame,
    fmt: Format,
    mapping: Mapping,
    *,
    max_seq_length: int | None = None,
    batch_size: int | None = None,
    validation_frame: pl.LazyFrame | None = None,
    validation_mapping: Mapping | None = None,
    validation_split: float | None = None,
    tokenizer: Any = None,
) -> list[Finding]:
    """Find every problem of the mapped data, errors first.

    Args:
        frame: the training rows; a ``__row__`` column, when present, supplies the
            row numbers.
        fmt: the format the mapping fills.
        mapping: the column of each role.
        max_seq_length: report texts longer than this many tokens.
        batch_size: report data with fewer rows than one batch.
        validation_frame: separate validation rows, checked for leakage and for
            labels that training lacks.
        validation_mapping: the validation frame's mapping (default: ``mapping``).
        validation_split: the share of rows that will be held out, used to flag
            classes too small to appear on both sides.
        tokenizer: a Hugging Face tokenizer; when given, lengths are counted with it
            on the first rows instead of estimated from whitespace words.

    Raises:
        DataError: when the rows cannot be read.
    """
    indexed = with_row_numbers(frame)
    total = int(run(indexed.select(pl.len())).item())
    if total == 0:
        return [_no_rows()]

    findings: list[Finding] = []
    for role in fmt.roles:
        findings.extend(
            _check_role(indexed, fmt, role, mapping[role], validation_split)
        )
    findings.extend(check_rows(indexed, fmt, mapping, total, batch_size))
    if fmt.uses_in_batch_negatives:
        findings.extend(check_in_batch_negatives(indexed, fmt, mapping, total))
    if max_seq_length:
        findings.extend(check_lengths(indexed, fmt, mapping, max_seq_length, tokenizer))
    if validation_frame is not None:
        findings.extend(
            _check_validation(
                indexed, fmt, mapping, validation_frame, validation_mapping or mapping
            )
        )
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(findings, key=lambda f: order[f.severity])


def _no_rows() -> Finding:
    return Finding(
        code="no_rows",
        severity=Severity.ERROR,
        message="The data has a header but no rows.",
        fix="Add rows to the file or choose another one.",
    )


def _check_role(
    indexed: pl.LazyFrame,
    fmt: Format,
    role: str,
    column: str,
    validation_split: float | None = None,
) -> list[Finding]:
    kind = fmt.kinds[role]
    if kind is RoleKind.TEXT:
        return check_text(indexed, fmt, role, column)
    if kind is RoleKind.SCORE:
        return check_score(indexed, role, column)
    return check_label(indexed, role, column, validation_split=validation_split)


def _check_validation(
    train: pl.LazyFrame,
    fmt: Format,
    mapping: Mapping,
    validation_frame: pl.LazyFrame,
    validation_mapping: Mapping,
) -> list[Finding]:
    validation = with_row_numbers(validation_frame)
    findings: list[Finding] = []
    for finding in (
        f
        for role in fmt.roles
        for f in _check_role(validation, fmt, role, validation_mapping[role])
        if f.code in BASIC_CODES
    ):
        finding.split = "validation"
        finding.message = f"Validation: {finding.message}"
        findings.append(finding)

    target = fmt.target_role
    if target is not None and fmt.kinds[target] is RoleKind.LABEL:
        findings.extend(
            check_validation_labels(
                train, mapping[target], validation, validation_mapping[target], target
            )
        )

    roles = list(fmt.text_roles)
    if has_nested(train, [mapping[r] for r in roles]) or has_nested(
        validation, [validation_mapping[r] for r in roles]
    ):
        return findings
    train_keys = train.select(
        pl.col(mapping[r]).cast(pl.String).alias(r) for r in roles
    ).unique()
    keyed = validation.select(
        ROW, *(pl.col(validation_mapping[r]).cast(pl.String).alias(r) for r in roles)
    )
    overlap = keyed.join(train_keys, on=roles, how="semi", nulls_equal=False)
    count = int(run(overlap.select(pl.len())).item())
    if count:
        rows = run(overlap.select(ROW).sort(ROW).head(MAX_ROWS_LISTED))[ROW].to_list()
        findings.append(
            Finding(
                code="validation_overlap",
                severity=Severity.WARNING,
                rows=[int(r) for r in rows],
                count=count,
                split="validation",
                message=f"Validation {describe_rows(rows, count).lower()} also occur "
                f"in the training data ({', '.join(roles)} equal), so the "
                "validation score overstates how well the model generalises.",
                fix="Remove those rows from the validation data.",
            )
        )
    return findings


@dataclass
class ParsedRows:
    """Every row of a source, parsed once: the frame the checks query, and facts.

    ``frame`` carries the ``__row__`` numbers. ``in_memory`` is True when it was
    collected into memory. ``null_rows`` counts the rows whose every field is null,
    which polars returns for empty lines; None when not counted.
    """

    frame: pl.LazyFrame
    count: int
    in_memory: bool
    null_rows: int | None = None


def read_rows(source: Source) -> ParsedRows:
    """Parse every row and field of a source once, for the checks to query.

    A delimited or JSON Lines file that fits in memory is collected, so that the
    checks query memory instead of each parsing the file again. Other sources, and
    files too large for memory, stay lazy and every check scans them again.

    Raises:
        DataError: when a row cannot be parsed, naming the line where known.
    """
    indexed = with_row_numbers(source.frame)
    try:
        if not _fits_in_memory(source):
            return ParsedRows(indexed, _count_rows(indexed), in_memory=False)
        # Memory for speed: the collected rows take about the file's size plus 16
        # bytes per text field (the polars string view), and save a parse per check.
        loaded = _collect_valid_utf8(source)
        if loaded is None:
            loaded = indexed.collect()
    except pl.exceptions.PolarsError as error:
        raise explain_read_error(source, error) from None
    all_null = pl.all_horizontal(pl.all().exclude(ROW).is_null())
    null_rows = int(loaded.select(all_null.sum()).item())
    return ParsedRows(loaded.lazy(), loaded.height, in_memory=True, null_rows=null_rows)


def _collect_valid_utf8(source: Source) -> pl.DataFrame | None:
    """Collect delimited text that is valid UTF-8 with the faster strict decoder.

    Returns None for other sources, and when the strict read fails (invalid UTF-8
    or any other error), so that the caller reads ``source.frame`` instead.
    """
    strict = strict_utf8_frame(source)
    if strict is None:
        return None
    try:
        return with_row_numbers(strict).collect()
    except pl.exceptions.PolarsError:
        return None


def _count_rows(frame: pl.LazyFrame) -> int:
    """Count the rows with one streaming pass that parses every field."""
    # Counting nulls makes polars parse every field, so a value of the wrong type
    # far down the file fails here rather than in a later check.
    counted = frame.select(
        pl.len().alias("__rows__"), pl.all().exclude(ROW).null_count()
    )
    return int(counted.collect(engine="streaming").get_column("__rows__").item())


def _fits_in_memory(source: Source) -> bool:
    """Tell whether a text source is small enough to collect for the checks."""
    if source.text_path is None:
        return False
    size = source.text_path.stat().st_size
    return size <= _available_memory() * IN_MEMORY_SHARE


def _available_memory() -> int:
    """Return the bytes of memory available to new allocations."""
    # Reading the Linux figure directly saves importing psutil (7 ms on a 2-core
    # x86 machine), a tenth of the time to check a 100k-row file.
    try:
        with open(MEMINFO_PATH, "rb") as meminfo:
            for line in meminfo:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    import psutil

    return int(psutil.virtual_memory().available)


def check_source(source: Source, parsed: ParsedRows | None = None) -> list[Finding]:
    """Check how a source was read: every row parses, rows match lines, skips.

    Args:
        source: the opened source.
        parsed: the rows from ``read_rows``; when None, the whole file is read
            once (streaming) to count its rows and parse every field.

    For delimited text, counts the file's lines to catch quoting that merged or
    split rows.

    Raises:
        DataError: when a row cannot be parsed, naming the line where known.
    """
    if parsed is None:
        try:
            rows = _count_rows(with_row_numbers(source.frame))
        except pl.exceptions.PolarsError as error:
            raise explain_read_error(source, error) from None
    else:
        rows = parsed.count

    findings: list[Finding] = []
    if source.skipped_lines:
        skipped = source.skipped_lines
        shown = ", ".join(str(n) for n in skipped[:5])
        findings.append(
            Finding(
                code="bad_lines_skipped",
                severity=Severity.INFO,
                rows=skipped[:MAX_ROWS_LISTED],
                count=len(skipped),
                message=f"Skipped {plural(len(skipped), 'bad line')} of the file "
                f"(line {shown}{' and more' if len(skipped) > 5 else ''}).",
                fix="Fix those lines in the file to keep them.",
                fix_kind="skip_bad_lines",
            )
        )
    if source.separator is not None and source.text_path is not None:
        other_lines = (1 if source.has_header else 0) + len(source.skipped_lines)
        expected = None
        if parsed is not None and parsed.null_rows == 0:
            # polars returns an empty line as a row of nulls, and skips the empty
            # lines above the header, so with no such row and as many lines as
            # rows the file has no empty line to look for.
            expected = rows + other_lines
        lines = count_lines(source.text_path, expected=expected) - other_lines
        if lines != rows:
            findings.append(_row_line_mismatch(source, rows, lines))
    return findings


def _row_line_mismatch(source: Source, rows: int, lines: int) -> Finding:
    quoting = "with" if source.quote_char else "without"
    if rows < lines and source.quote_char:
        return Finding(
            code="rows_span_lines",
            severity=Severity.INFO,
            count=lines - rows,
            message=f"The file has {plural(lines, 'data line')} but "
            f"{plural(rows, 'row')}: some quoted fields hold line breaks.",
            fix="Check in the preview that rows were not merged by a stray quote.",
            facts={"rows": rows, "lines": lines},
        )
    return Finding(
        code="row_count_mismatch",
        severity=Severity.WARNING,
        count=abs(lines - rows),
        message=f"The file has {plural(lines, 'data line')} but parsed into "
        f"{plural(rows, 'row')} (read {quoting} double quotes as field quotes).",
        fix="Check the preview for merged or split rows, and fix the quotes in the "
        "file.",
        facts={"rows": rows, "lines": lines},
    )


def check_all(
    source: Source,
    fmt: Format,
    mapping: Mapping,
    fixes: Sequence[Fix] = (),
    **options: Any,
) -> list[Finding]:
    """Check a source as the user sees it: how it was read, then its fixed rows.

    Applies ``fixes`` in order (keeping the file's row numbers), then runs
    ``check_source`` and ``check_data`` with the source's validation split, if any.
    ``options`` are the keyword arguments of ``check_data``.

    Raises:
        DataError: when the rows cannot be read, or a fix names a missing column.
    """
    parsed = read_rows(source)
    findings = check_source(source, parsed)
    frame = apply_fixes(parsed.frame, fixes, keep_row_numbers=True)
    options.setdefault("validation_frame", source.validation_frame)
    return findings + check_data(frame, fmt, mapping, **options)
