"""The wizard's first screen must not wait for the heavy machine learning imports."""

from __future__ import annotations

import subprocess
import sys

HEAVY_MODULES = ("torch", "transformers", "sentence_transformers", "datasets")

SCRIPT = """
import asyncio, sys, tempfile
from pathlib import Path
from st_tui.tui.app import StTuiApp

async def show_source_screen():
    app = StTuiApp(workdir=Path(tempfile.mkdtemp()))
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
