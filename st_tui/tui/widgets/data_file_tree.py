"""A DirectoryTree that lists only folders and the data files st-tui can read."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.widgets import DirectoryTree

from st_tui.data.file_types import COMPRESSION_SUFFIXES, SUPPORTED


def is_data_file(path: Path) -> bool:
    """Check whether a file name ends in a readable data suffix, maybe compressed."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        suffixes.pop()
    return bool(suffixes) and suffixes[-1] in SUPPORTED


def is_dataset_folder(path: Path) -> bool:
    """Check whether a folder contains a dataset written by datasets.save_to_disk."""
    return any(path.glob("*.arrow")) or any(path.glob("*/dataset_info.json"))


class DataFileTree(DirectoryTree):
    """Folders and data files (CSV, TSV, text, JSON Lines, JSON, Parquet), sorted."""

    DEFAULT_CSS = """
    DataFileTree {
        height: 1fr;
    }
    """

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        visible = []
        for path in paths:
            if path.name.startswith("."):
                continue
            try:
                if path.is_dir() or is_data_file(path):
                    visible.append(path)
            except OSError:
                continue
        return visible
