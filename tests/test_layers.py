"""Tests of the layer rules: the headless core never imports Textual, and the
training engine defers its heavy imports until a run starts.

Each check imports modules in a fresh interpreter, because this test process has
already loaded textual, torch and sentence_transformers for other tests.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CORE_PACKAGES = ["st_tui.data", "st_tui.training", "st_tui.sessions"]
# The modules the wizard's first screens import; none may load torch or its kin.
HEADLESS_MODULES = [
    "st_tui.formats",
    "st_tui.errors",
    "st_tui.data",
    "st_tui.data.load",
    "st_tui.data.detect",
    "st_tui.data.check",
    "st_tui.data.convert",
    "st_tui.training",
    "st_tui.training.config",
    "st_tui.training.engine",
    "st_tui.training.events",
    "st_tui.training.models",
    "st_tui.training.checkpoints",
    "st_tui.training.progress",
    "st_tui.sessions",
    "st_tui.sessions.state",
    "st_tui.sessions.store",
]
HEAVY_PACKAGES = ["torch", "transformers", "sentence_transformers", "datasets"]


def core_modules() -> list[str]:
    """List every module of the headless core, including ones added later."""
    names = ["st_tui.formats", "st_tui.errors"]
    for package in CORE_PACKAGES:
        folder = ROOT / Path(*package.split("."))
        names.append(package)
        for info in pkgutil.iter_modules([str(folder)]):
            names.append(f"{package}.{info.name}")
    return names


def loaded_after_import(modules: list[str]) -> set[str]:
    """Import ``modules`` in a new interpreter and return every loaded module name."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return set(json.loads(completed.stdout.strip().splitlines()[-1]))


def top_level(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


@pytest.fixture(scope="module")
def core_loaded() -> set[str]:
    return top_level(loaded_after_import(core_modules()))


@pytest.fixture(scope="module")
def headless_loaded() -> set[str]:
    return top_level(loaded_after_import(HEADLESS_MODULES))


@pytest.fixture(scope="module")
def engine_loaded() -> set[str]:
    return top_level(loaded_after_import(["st_tui.training.engine"]))


def test_core_modules_exist() -> None:
    for name in HEADLESS_MODULES:
        path = ROOT / Path(*name.split("."))
        assert path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def test_core_skips_textual(core_loaded: set[str]) -> None:
    assert "textual" not in core_loaded
    assert "st_tui" in core_loaded


def test_core_modules_found() -> None:
    modules = core_modules()
    assert "st_tui.training.evaluators" in modules
    assert set(HEADLESS_MODULES) <= set(modules)


@pytest.mark.parametrize("package", HEAVY_PACKAGES)
def test_core_defers_heavy_imports(headless_loaded: set[str], package: str) -> None:
    assert package not in headless_loaded


@pytest.mark.parametrize("package", HEAVY_PACKAGES)
def test_engine_defers_heavy_imports(engine_loaded: set[str], package: str) -> None:
    assert package not in engine_loaded


def test_check_detects_a_textual_import() -> None:
    # The check must see a module that does import Textual, or it proves nothing.
    assert "textual" in top_level(loaded_after_import(["textual.app"]))
