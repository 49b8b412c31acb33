"""Find the trainer checkpoints a run can resume from."""

from __future__ import annotations

from pathlib import Path


def newest_complete_checkpoint(folder: Path) -> Path | None:
    """Return the highest checkpoint-N folder that contains trainer_state.json.

    trainer_state.json is written last, so a folder without it is a checkpoint that a
    crash cut short.
    """
    candidates = []
    for path in folder.glob("checkpoint-*"):
        suffix = path.name.removeprefix("checkpoint-")
        if suffix.isdigit() and (path / "trainer_state.json").is_file():
            candidates.append((int(suffix), path))
    return max(candidates)[1] if candidates else None
