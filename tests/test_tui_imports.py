"""The wizard's first screen must not wait for the heavy imports it does not use."""

from __future__ import annotations

import subprocess
import sys

# The machine learning stack takes seconds to import. The data and config
# libraries take a few tens of milliseconds each, which is a noticeable part of a
# start-up of about 0.25 s.
HEAVY_MODULES = (
    "torch",
    "transformers",
    "sentence_transformers",
    "datasets",
    "polars",
    "pandas",
    "pyarrow",
    "pydantic",
    "yaml",
)

SCRIPT = """
import asyncio, sys, tempfile
from pathlib import Path
from st_tui.tui.app import StTuiApp

async def show_source_screen():
    folder = Path(tempfile.mkdtemp())
    (folder / "pairs.csv").write_text("anchor,positive\\na,b\\n")
    app = StTuiApp(workdir=folder)
    app.attach_sessions(folder / "home", None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        print(type(app.screen).__name__)

asyncio.run(show_source_screen())
print("imported:", ",".join(sorted(n for n in {names} if n in sys.modules)))
"""


def test_first_screen_skips_heavy_imports() -> None:
    script = SCRIPT.replace("{names}", repr(HEAVY_MODULES))
    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0] == "SourceScreen"
    assert lines[-1] == "imported: "
