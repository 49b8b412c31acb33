"""Suggest a format and a role-to-column mapping from column names, dtypes and values.

A mapping names a column for each role. It never depends on column order: a column
is matched by its name (and the common aliases of a role), then by its dtype.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from st_tui.formats import FORMATS, Format, RoleKind

Mapping = dict[str, str]


@dataclass(frozen=True)
class Detection:
    """A suggested format with its mapping and the reason shown to the user."""

    format: str
    mapping: Mapping
    reason: str


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def _is_numeric(dtype: pl.DataType) -> bool:
    return dtype.is_numeric()


def _is_text(dtype: pl.DataType) -> bool:
    return dtype in (pl.String, pl.Utf8, pl.Categorical)


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
    columns = list(schema)
    by_norm = {_normalise(c): c for c in columns}
    used: set[str] = set()
    mapping: dict[str, str | None] = {}

    for role in fmt.roles:
        mapping[role] = None
        for alias in fmt.aliases.get(role, (role,)):
            column = by_norm.get(alias)
            if column is not None and column not in used:
                mapping[role] = column
                used.add(column)
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


def _looks_like_id(column: str) -> bool:
    norm = _normalise(column)
    return norm == "id" or norm.endswith("_id") or norm in ("index", "idx")


def _fits_kind(
    kind: RoleKind, dtype: pl.DataType, sample: pl.DataFrame | None, column: str
) -> bool:
    if kind is RoleKind.TEXT:
        return _is_text(dtype)
    if kind is RoleKind.SCORE:
        return dtype.is_float()
    # A label is an integer or a string with few distinct values.
    if dtype.is_integer() or dtype == pl.Boolean:
        return True
    if _is_text(dtype) and sample is not None and sample.height:
        values = sample.get_column(column).drop_nulls()
        return values.n_unique() <= max(2, min(20, sample.height // 3))
    return False


def detect_format(
    schema: dict[str, pl.DataType], sample: pl.DataFrame | None = None
) -> Detection:
    """Propose the format whose roles the columns fill best, with the reason.

    Formats are scored by how many roles match a column name or alias, then by how many
    roles any column fits; ties go to the simpler format.
    """
    columns = list(schema)
    norms = {_normalise(c) for c in columns}
    text_cols = [c for c in columns if _is_text(schema[c]) and not _looks_like_id(c)]
    float_cols = [c for c in columns if schema[c].is_float()]

    best: tuple[tuple[int, int, int], str, dict[str, str | None]] | None = None
    preference = {"pair": 5, "qa": 4, "triplet": 3, "pair_score": 2, "pair_class": 1}
    for name, fmt in FORMATS.items():
        mapping = suggest_mapping(fmt, schema, sample)
        filled = sum(1 for v in mapping.values() if v is not None)
        named = sum(
            1
            for role in fmt.roles
            if any(alias in norms for alias in fmt.aliases.get(role, (role,)))
        )
        complete = int(filled == len(fmt.roles))
        key = (complete, named * 10 + filled, preference[name])
        if complete and fmt.target_role and mapping[fmt.target_role] is None:
            continue
        if best is None or key > best[0]:
            best = (key, name, mapping)

    assert best is not None
    _, name, mapping = best
    fmt = FORMATS[name]
    chosen = {r: c for r, c in mapping.items() if c is not None}
    reason = _reason(fmt, chosen, text_cols, float_cols, norms)
    return Detection(format=name, mapping=chosen, reason=reason)


def _reason(
    fmt: Format,
    mapping: Mapping,
    text_cols: list[str],
    float_cols: list[str],
    norms: set[str],
) -> str:
    named = [c for r, c in mapping.items() if _normalise(c) in fmt.aliases.get(r, ())]
    parts = []
    if named:
        quoted = ", ".join(named)
        parts.append(f"columns named {quoted}")
    parts.append(f"{len(text_cols)} text columns")
    if fmt.target_role == "score" and "score" in mapping:
        parts.append(f"a float column '{mapping['score']}'")
    if fmt.target_role == "label" and "label" in mapping:
        parts.append(f"a label column '{mapping['label']}'")
    missing = [r for r in fmt.roles if r not in mapping]
    reason = f"{'; '.join(parts)} -> {fmt.name}"
    if missing:
        reason += f" (no column found for {', '.join(missing)}: choose one)"
    return reason
