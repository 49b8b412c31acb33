"""Summaries of sessions for the `st-tui sessions` table and the start screen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from st_tui.sessions.store import Session, SessionStore


def summarize(session: Session) -> dict[str, Any]:
    """Return the facts a list of sessions shows, with the live status."""
    record = session.record
    state = record.state
    primary = record.primary_metric
    best = record.metrics.get(primary) if primary else None
    return {
        "id": session.id,
        "name": record.name,
        "source": Path(state.source_path).name if state.source_path else None,
        "source_path": state.source_path,
        "format": state.format,
        "status": session.status.value,
        "step": state.step.value,
        "training_step": record.progress.step,
        "total_steps": record.progress.total_steps,
        "epoch": round(record.progress.epoch, 2),
        "metric": primary,
        "metric_value": best,
        "model_path": record.model_path,
        "updated": record.updated,
        "folder": str(session.folder),
        "message": record.message,
    }


def print_sessions(store: SessionStore, as_json: bool = False) -> None:
    """Print the sessions, newest first, as a rich table or as JSON."""
    sessions, damaged = store.list()
    rows = [summarize(s) for s in sessions]
    if as_json:
        payload = {
            "home": str(store.home),
            "sessions": rows,
            "damaged": [d.model_dump() for d in damaged],
        }
        print(json.dumps(payload, indent=2))
        return

    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not rows and not damaged:
        console.print(f"No sessions under {store.root}.")
        return
    table = Table(title=f"Sessions in {store.root}")
    table.add_column("id", no_wrap=True)
    for column in ("source", "format", "status", "progress", "metric", "updated"):
        table.add_column(column)
    for row in rows:
        progress = (
            f"{row['training_step']}/{row['total_steps']} (epoch {row['epoch']})"
            if row["total_steps"]
            else row["step"]
        )
        metric = (
            f"{row['metric'].removeprefix('validation_')} {row['metric_value']:.4f}"
            if row["metric_value"] is not None
            else "-"
        )
        table.add_row(
            row["id"],
            row["source"] or "-",
            row["format"] or "-",
            row["status"],
            progress,
            metric,
            row["updated"][:16].replace("T", " "),
        )
    console.print(table)
    for entry in damaged:
        console.print(f"[red]damaged[/] {entry.id}: {entry.reason}")
