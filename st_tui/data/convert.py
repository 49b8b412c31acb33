"""Turn a mapped polars frame into the datasets.Dataset that the trainer reads.

The dataset contains exactly the format's roles, in role order, named after the roles,
because sentence-transformers feeds a loss the columns in order and takes a column
named ``label`` or ``score`` as the target.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from st_tui.data.detect import Mapping
from st_tui.errors import DataError
from st_tui.formats import Format, RoleKind

if TYPE_CHECKING:
    from datasets import Dataset


@dataclass
class PreparedData:
    """A frame reduced to the mapped roles, with class names for a label role."""

    frame: pl.DataFrame
    label_names: list[str] | None = None

    def to_dataset(self) -> Dataset:
        """Build the datasets.Dataset (imports datasets on first use)."""
        from datasets import Dataset

        return Dataset.from_polars(self.frame)


def select_roles(
    frame: pl.DataFrame,
    fmt: Format,
    mapping: Mapping,
    label_names: list[str] | None = None,
) -> PreparedData:
    """Select the mapped columns in role order, renamed to the roles and cast.

    Text roles become strings; a score becomes Float64; a label becomes a class id
    (Int64) through ``label_names``, built from the sorted distinct values when None.

    Raises:
        DataError: when a label value is not among ``label_names``.
    """
    columns = [pl.col(mapping[role]).alias(role) for role in fmt.roles]
    selected = frame.select(columns)

    casts = []
    for role in fmt.roles:
        kind = fmt.kinds[role]
        if kind is RoleKind.TEXT:
            casts.append(pl.col(role).cast(pl.String))
        elif kind is RoleKind.SCORE:
            casts.append(pl.col(role).cast(pl.Float64, strict=False))
    if casts:
        selected = selected.with_columns(casts)

    target = fmt.target_role
    if target is None or fmt.kinds[target] is not RoleKind.LABEL:
        return PreparedData(frame=selected)

    as_text = selected.get_column(target).cast(pl.String)
    if label_names is None:
        label_names = _sorted_classes(selected.get_column(target))
    index = {name: i for i, name in enumerate(label_names)}
    unknown = sorted(set(as_text.drop_nulls().unique().to_list()) - set(index))
    if unknown:
        raise DataError(
            f"Column '{mapping[target]}' has the label {unknown[0]!r}, which the "
            f"training data does not have (its classes: {', '.join(label_names)}). "
            "Remove those rows or add training rows of that class."
        )
    ids = as_text.replace_strict(index, return_dtype=pl.Int64)
    return PreparedData(
        frame=selected.with_columns(ids.alias(target)), label_names=label_names
    )


def _sorted_classes(values: pl.Series) -> list[str]:
    # The names come from polars' cast to text, the same cast that maps each value
    # to its id, so that a boolean is 'true' in both places and never 'True'.
    distinct = values.drop_nulls().unique()
    if distinct.dtype.is_numeric():
        return distinct.sort().cast(pl.String).to_list()
    return sorted(distinct.cast(pl.String).to_list())


def split_frame(
    frame: pl.DataFrame, ratio: float, seed: int
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Hold out a shuffled fraction of the rows for validation.

    Returns:
        The training rows and the validation rows (None when ``ratio`` is 0).

    Raises:
        DataError: when the split leaves no training or no validation row.
    """
    if ratio <= 0:
        return frame, None
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=seed)
    held_out = max(1, round(frame.height * ratio))
    if held_out >= frame.height:
        raise DataError(
            f"A validation split of {ratio:.0%} leaves no training rows out of "
            f"{frame.height}. Lower the validation split or add rows."
        )
    return shuffled.slice(held_out), shuffled.head(held_out)
