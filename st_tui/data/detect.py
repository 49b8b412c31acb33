"""Suggest a format and a role-to-column mapping from column names, dtypes and values.

A mapping names a column for each role. A column is matched by its name (and the
common aliases of a role), then by its dtype and values. Ties between columns that
fit equally go to the column whose name sorts first, so the mapping never depends on
column order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from st_tui.formats import FORMATS, Format, RoleKind

Mapping = dict[str, str]

# Ties between formats that fill all their roles go to the simpler one.
_PREFERENCE = {"pair": 5, "qa": 4, "triplet": 3, "pair_score": 2, "pair_class": 1}
MAX_LABEL_CLASSES = 20


@dataclass(frozen=True)
class Detection:
    """A suggested format with its mapping and the reason shown to the user."""

    format: str
    mapping: Mapping
    reason: str
    alternatives: list[str] = field(default_factory=list)


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def _natural_key(name: str) -> tuple[object, ...]:
    """Sort key that puts column_2 before column_10."""
    parts = re.split(r"([0-9]+)", name.lower())
    return tuple(int(p) if p.isascii() and p.isdigit() else p for p in parts)


def _is_text(dtype: pl.DataType) -> bool:
    return dtype in (pl.String, pl.Utf8, pl.Categorical)


def _looks_like_id(column: str) -> bool:
    norm = _normalise(column)
    return norm == "id" or norm.endswith("_id") or norm in ("index", "idx")


def _numeric_strings(sample: pl.DataFrame | None, column: str) -> bool:
    """Tell whether a text column's sample values are nearly all numbers."""
    if sample is None or column not in sample.columns or not sample.height:
        return False
    values = sample.get_column(column).cast(pl.String).drop_nulls()
    if values.len() == 0:
        return False
    numbers = values.cast(pl.Float64, strict=False).drop_nulls()
    return numbers.len() >= 0.9 * values.len()


def _fits_kind(
    kind: RoleKind, dtype: pl.DataType, sample: pl.DataFrame | None, column: str
) -> bool:
    if kind is RoleKind.TEXT:
        return _is_text(dtype) and not _numeric_strings(sample, column)
    if kind is RoleKind.SCORE:
        if dtype.is_float():
            return True
        return _is_text(dtype) and _numeric_strings(sample, column)
    # A label is an integer, a boolean or a string with few distinct values.
    if dtype.is_integer() or dtype == pl.Boolean:
        return True
    if _is_text(dtype) and sample is not None and sample.height:
        values = sample.get_column(column).drop_nulls()
        limit = max(2, min(MAX_LABEL_CLASSES, sample.height // 3))
        return values.n_unique() <= limit
    return False


def suggest_mapping(
    fmt: Format, schema: dict[str, pl.DataType], sample: pl.DataFrame | None = None
) -> dict[str, str | None]:
    """Match each role of a format to a column by name first, then by dtype.

    Args:
        fmt: the format whose roles to fill.
        schema: column dtypes by name.
        sample: the first rows, used to tell label columns from score columns.

    Returns:
        A column name, or None where no column fits, for every role.
    """
    columns = sorted(schema, key=_natural_key)
    by_norm: dict[str, str] = {}
    for column in columns:
        by_norm.setdefault(_normalise(column), column)
    used: set[str] = set()
    mapping: dict[str, str | None] = {}

    for role in fmt.roles:
        mapping[role] = None
        for alias in fmt.aliases.get(role, (role,)):
            named = by_norm.get(alias)
            if named is not None and named not in used:
                mapping[role] = named
                used.add(named)
                break

    for role in fmt.roles:
        if mapping[role] is not None:
            continue
        kind = fmt.kinds[role]
        for column in columns:
            if column in used or _looks_like_id(column):
                continue
            if _fits_kind(kind, schema[column], sample, column):
                mapping[role] = column
                used.add(column)
                break
    return mapping


def _score_key(
    name: str, fmt: Format, mapping: dict[str, str | None]
) -> tuple[int, int, int, int]:
    filled = sum(1 for v in mapping.values() if v is not None)
    named = 0
    alias_rank = 0
    for role, column in mapping.items():
        aliases = fmt.aliases.get(role, (role,))
        if column is not None and _normalise(column) in aliases:
            named += 1
            alias_rank += aliases.index(_normalise(column))
    complete = int(filled == len(fmt.roles))
    # An earlier alias is a closer name: 'question' is qa's second alias for the
    # query but pair's third for the anchor, so question/answer columns give qa.
    return (complete, named * 10 + filled, -alias_rank, _PREFERENCE[name])


def _target_named(fmt: Format, mapping: dict[str, str | None]) -> bool:
    target = fmt.target_role
    if target is None or mapping[target] is None:
        return False
    column = mapping[target]
    return column is not None and _normalise(column) in fmt.aliases.get(target, ())


def detect_format(
    schema: dict[str, pl.DataType], sample: pl.DataFrame | None = None
) -> Detection:
    """Propose the format whose roles the columns fill best, with the reason.

    Formats are ranked by whether every role found a column, then by how many roles
    matched a column name or alias, then by how many roles any column fits. Ties go
    to the simpler format. Other formats that fill every role are listed as
    alternatives.
    """
    ranked: list[tuple[tuple[int, int, int, int], str, dict[str, str | None]]] = []
    for name, fmt in FORMATS.items():
        mapping = suggest_mapping(fmt, schema, sample)
        target = fmt.target_role
        if target is not None and mapping[target] is None and _has_text_only(schema):
            # A format with a label or score cannot fit columns that are all text.
            continue
        ranked.append((_score_key(name, fmt, mapping), name, mapping))
    ranked.sort(key=lambda item: item[0], reverse=True)

    _, name, mapping = ranked[0]
    fmt = FORMATS[name]
    chosen = {r: c for r, c in mapping.items() if c is not None}
    alternatives = [
        other
        for key, other, other_mapping in ranked[1:]
        if key[0] == 1 and _target_named(FORMATS[other], other_mapping)
    ]
    reason = explain(fmt, chosen, schema, sample)
    if alternatives:
        reason += f" (also fits {', '.join(alternatives)})"
    return Detection(
        format=name, mapping=chosen, reason=reason, alternatives=alternatives
    )


def _has_text_only(schema: dict[str, pl.DataType]) -> bool:
    return all(_is_text(dtype) for dtype in schema.values())


def explain(
    fmt: Format,
    mapping: Mapping,
    schema: dict[str, pl.DataType],
    sample: pl.DataFrame | None = None,
) -> str:
    """Describe why a mapping fits a format, such as '3 text columns named ... -> x'."""
    text_columns = [mapping[r] for r in fmt.text_roles if r in mapping]
    named = [
        column
        for role, column in mapping.items()
        if _normalise(column) in fmt.aliases.get(role, (role,))
    ]
    count = len(text_columns)
    noun = "text column" if count == 1 else "text columns"
    parts = [f"{count} {noun}"]
    named_text = [c for c in text_columns if c in named]
    if named_text and len(named_text) == count:
        parts[0] += f" named {', '.join(named_text)}"

    target = fmt.target_role
    if target is not None and target in mapping:
        parts.append(_describe_target(fmt, target, mapping[target], schema, sample))

    reason = f"{' and '.join(parts)} -> {fmt.name}"
    missing = [r for r in fmt.roles if r not in mapping]
    if missing:
        reason += f" (no column found for {', '.join(missing)}: choose one)"
    return reason


def _describe_target(
    fmt: Format,
    role: str,
    column: str,
    schema: dict[str, pl.DataType],
    sample: pl.DataFrame | None,
) -> str:
    dtype = schema.get(column)
    values = None
    if sample is not None and column in sample.columns and sample.height:
        values = sample.get_column(column).drop_nulls()
    if fmt.kinds[role] is RoleKind.SCORE:
        is_float = dtype is not None and dtype.is_float()
        kind = "a float column" if is_float else "a numeric column"
        text = f"{kind} '{column}'"
        if values is not None:
            numbers = values.cast(pl.Float64, strict=False).drop_nulls().drop_nans()
            if numbers.len():
                observed = numbers.to_list()
                low, high = nominal_range(min(observed), max(observed))
                text += f" within {low:g}..{high:g}"
        return text
    text = f"a label column '{column}'"
    if values is not None:
        text += f" with {values.n_unique()} classes in the first rows"
    return text


def nominal_range(low: float, high: float) -> tuple[float, float]:
    """Round an observed range out to the scale it most likely comes from."""
    scales = (
        (0.0, 1.0),
        (1.0, 5.0),
        (0.0, 5.0),
        (1.0, 10.0),
        (0.0, 10.0),
        (0.0, 100.0),
    )
    for scale_low, scale_high in scales:
        if low >= scale_low and high <= scale_high:
            return scale_low, scale_high
    return low, high
