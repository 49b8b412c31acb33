"""Open folders written by datasets.save_to_disk, Arrow files and Hub dataset ids."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import polars as pl

from st_tui.data.encoding import plain_utf8_copy
from st_tui.data.file_types import SUPPORTED
from st_tui.data.source import Source, content_suffix, first_line
from st_tui.errors import DataError

VALIDATION_SPLITS = ("validation", "valid", "dev", "val")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*/[\w.\-]+$")


def looks_like_hub_id(text: str, path: Path) -> bool:
    """Tell a Hub id such as 'org/name' from a local path that does not exist."""
    if not _HUB_ID.match(text) or text.startswith((".", "/", "~")):
        return False
    if path.parent.exists():
        return False
    suffix, _ = content_suffix(path)
    return suffix not in SUPPORTED


def open_arrow(path: Path, compression: str | None) -> Source:
    target = path
    if compression:
        target = plain_utf8_copy(path, compression, "utf-8", suffix=".arrow")
    frame = _arrow_frame(target)
    return Source(path=path, kind="Arrow", frame=frame)


def _arrow_frame(path: Path) -> pl.LazyFrame:
    """Read an Arrow IPC file or stream, memory-mapped where pyarrow can."""
    import pyarrow as pa

    try:
        scanned = pl.scan_ipc(path)
        scanned.head(0).collect()
        return scanned
    except pl.exceptions.PolarsError:
        pass
    with pa.memory_map(str(path)) as source:
        table = pa.ipc.open_stream(source).read_all()
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame.lazy()


def open_dataset_folder(path: Path) -> Source:
    """Open a folder written by ``datasets.save_to_disk`` (a Dataset or DatasetDict)."""
    splits = _split_folders(path)
    if splits:
        train_name = "train" if "train" in splits else sorted(splits)[0]
        source = open_dataset_folder(splits[train_name])
        source.path = path
        source.kind = "datasets folder"
        source.notes.append(f"Using the '{train_name}' split of a DatasetDict.")
        validation_name = next((n for n in VALIDATION_SPLITS if n in splits), None)
        if validation_name is None and "test" in splits and train_name != "test":
            validation_name = "test"
        if validation_name is not None:
            held_out = open_dataset_folder(splits[validation_name])
            source.validation_frame = held_out.frame
            source.notes.append(f"Using the '{validation_name}' split for validation.")
        others = sorted(set(splits) - {train_name, validation_name})
        if others:
            source.notes.append(f"Left out the splits: {', '.join(others)}.")
        return source

    arrow_files = sorted(path.glob("*.arrow"))
    if not arrow_files:
        data_files = sorted(
            p.name for p in path.iterdir() if content_suffix(p)[0] in SUPPORTED
        )
        hint = (
            f" It contains {', '.join(data_files[:5])}: open one of them."
            if (data_files)
            else ""
        )
        raise DataError(
            f"{path}: the folder contains no dataset written by datasets.save_to_disk "
            f"(no .arrow files).{hint}"
        )
    frames = [_arrow_frame(f) for f in arrow_files]
    frame = pl.concat(frames, how="vertical_relaxed") if len(frames) > 1 else frames[0]
    return Source(path=path, kind="datasets folder", frame=frame)


def _split_folders(path: Path) -> dict[str, Path]:
    names: list[str] = []
    index = path / "dataset_dict.json"
    if index.is_file():
        try:
            names = list(json.loads(index.read_text(encoding="utf-8"))["splits"])
        except (ValueError, KeyError, TypeError):
            names = []
    if not names:
        names = [p.parent.name for p in path.glob("*/dataset_info.json")]
    return {n: path / n for n in names if (path / n).is_dir()}


def _hub_offline() -> bool:
    flags = ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE")
    return any(
        os.environ.get(f, "").upper() in ("1", "ON", "YES", "TRUE") for f in flags
    )


def open_hub(dataset_id: str) -> Source:
    """Open a Hub dataset id, or explain why it cannot be reached."""
    if _hub_offline():
        raise DataError(
            f"'{dataset_id}' is not a local file, and Hub datasets cannot be "
            "downloaded while HF_HUB_OFFLINE=1 is set. On a machine with Hub access, "
            f"run datasets.load_dataset('{dataset_id}').save_to_disk('FOLDER'), copy "
            "FOLDER here and open it."
        )
    # NOTE: tests run with the Hub switched off, so this download path is untested.
    try:
        from datasets import DatasetDict, load_dataset

        loaded = load_dataset(dataset_id)
    except Exception as error:  # the Hub client raises many unrelated types
        raise DataError(
            f"'{dataset_id}': could not load the Hub dataset "
            f"({first_line(error)}). Check the id and the network, or open a local "
            "copy."
        ) from None
    if not isinstance(loaded, DatasetDict):
        raise DataError(f"'{dataset_id}': the Hub returned no dataset splits.")
    names = list(loaded)
    train_name = "train" if "train" in names else names[0]
    frame = pl.from_arrow(loaded[train_name].data.table)
    assert isinstance(frame, pl.DataFrame)
    source = Source(path=Path(dataset_id), kind="Hub dataset", frame=frame.lazy())
    source.notes.append(f"Using the '{train_name}' split.")
    validation_name = next((n for n in VALIDATION_SPLITS if n in names), None)
    if validation_name is not None:
        held_out = pl.from_arrow(loaded[validation_name].data.table)
        assert isinstance(held_out, pl.DataFrame)
        source.validation_frame = held_out.lazy()
        source.notes.append(f"Using the '{validation_name}' split for validation.")
    return source
