"""Start-up: process start to the wizard's first screen, against a heavy import.

The reference is `python -c "import sentence_transformers"`.

Both are timed from just before the child process starts to the moment it reports:
the wizard when its source screen lists the current folder (see startup_probe.py),
the reference when `import sentence_transformers` returns. Runs alternate between
the two so that noise on the machine hits both alike.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from common import BENCH_DIR, Figure, run_python

PROBE = str(BENCH_DIR / "startup_probe.py")
GOAL = 0.06


def _seconds_to_ready(args: list[str], cwd: Path) -> float:
    result = run_python(
        [PROBE, *args], cwd=cwd, env={"HF_HUB_OFFLINE": "1"}, timeout=300
    )
    return float(result["ready_at"]) - float(result["spawned_at"])  # type: ignore[arg-type]


def run(quick: bool, repeats: int, gpu: bool = False) -> list[Figure]:
    """Measure the wizard's start-up and the reference import, alternating."""
    if gpu:
        return []
    wizard: list[float] = []
    reference: list[float] = []
    with tempfile.TemporaryDirectory(prefix="st-tui-startup-") as folder:
        cwd = Path(folder)
        (cwd / "pairs.csv").write_text(
            "anchor,positive\nhow to boil an egg,put the egg in boiling water\n",
            encoding="utf-8",
        )
        home = cwd / "home"
        # One warm-up of each fills the OS file cache, as on a machine in use.
        _seconds_to_ready(["--home", str(home)], cwd)
        _seconds_to_ready(["--reference"], cwd)
        for index in range(repeats):
            wizard.append(_seconds_to_ready(["--home", str(home)], cwd))
            reference.append(_seconds_to_ready(["--reference"], cwd))
            print(
                f"   run {index + 1}/{repeats}: wizard {wizard[-1]:.3f} s, "
                f"import sentence_transformers {reference[-1]:.3f} s",
                flush=True,
            )
    return [
        Figure(
            group="Start-up",
            name="`st-tui` to its first screen",
            unit="s",
            runs=wizard,
            reference="`import sentence_transformers`",
            reference_runs=reference,
            goal=f"<= {GOAL}x",
            goal_max=GOAL,
            paired=True,
        )
    ]
