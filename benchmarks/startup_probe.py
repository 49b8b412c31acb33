"""Start the wizard the way `st-tui` does and print when its first screen is ready.

Run it in a folder with a data file in it. The wizard runs headless at 120x40 and
exits as soon as its first screen, the source picker, is active and its file tree
lists the folder: the moment a user could pick a file. The last line of stdout is
JSON with ``ready_at`` (time.time() at that moment), which the parent compares with
the time it started this process.

    python benchmarks/startup_probe.py --home HOME_FOLDER
    python benchmarks/startup_probe.py --reference   # import sentence_transformers
"""

from __future__ import annotations

import json
import sys
import time


def _reference() -> None:
    import sentence_transformers  # noqa: F401

    print(json.dumps({"ready_at": time.time()}), flush=True)


def _wizard(cli_args: list[str]) -> None:
    # textual.app is one of the wizard's own first imports, so importing it here
    # first moves time between lines and does not add any.
    from textual.app import App
    from textual.pilot import Pilot

    ready: dict[str, float] = {}
    run = App.run

    async def wait_for_first_screen(pilot: Pilot[object]) -> None:
        from textual.widgets import DirectoryTree

        from st_tui.tui.screens.source import SourceScreen

        while True:
            screen = pilot.app.screen
            if isinstance(screen, SourceScreen):
                trees = screen.query(DirectoryTree)
                if trees and trees.first().root.children:
                    break
            await pilot.pause(0.002)
        ready["ready_at"] = time.time()
        pilot.app.exit()

    def run_headless(self: App[object], *args: object, **kwargs: object) -> object:
        return run(
            self, headless=True, size=(120, 40), auto_pilot=wait_for_first_screen
        )

    App.run = run_headless  # type: ignore[method-assign]

    from st_tui.cli import cli

    cli.main(cli_args, prog_name="st-tui", standalone_mode=False)
    if "ready_at" not in ready:
        raise SystemExit("the wizard exited before its first screen was ready")
    print(json.dumps(ready), flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--reference"]:
        _reference()
    else:
        _wizard(sys.argv[1:])
