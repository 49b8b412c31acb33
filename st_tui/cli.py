"""The `st-tui` command: the wizard by default, plus headless subcommands."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click

from st_tui import __version__
from st_tui.errors import StTuiError

# Set before transformers, datasets or huggingface_hub are imported, because they
# read these once at import time.
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class _WizardGroup(click.Group):
    """A group whose first argument opens the wizard unless it names a subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["wizard", *args]
        return super().parse_args(ctx, args)


def fail(message: str, code: int = 1) -> None:
    """Print a one-line error on stderr and exit with ``code``."""
    click.echo(f"st-tui: error: {' '.join(message.split())}", err=True)
    sys.exit(code)


@click.group(
    cls=_WizardGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="st-tui")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Fine-tune a Sentence Transformers embedding model on your own data.

    With no command, or with a PATH, opens the wizard: `st-tui`, `st-tui data.csv`.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(wizard)


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path, exists=False))
@click.option(
    "--output-root",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder under which each run's output folder is made "
    "[default: ./st-tui-runs].",
)
def wizard(path: Path | None, output_root: Path | None) -> None:
    """Open the wizard, on PATH (a data file or a folder to browse) if given."""
    from st_tui.tui.app import StTuiApp

    if path is not None and not path.exists():
        fail(f"{path}: file or folder not found. Check the path and try again.", 2)
    StTuiApp(start_path=path, workdir=Path.cwd(), output_root=output_root).run()


@cli.command()
@click.argument("config_path", metavar="CONFIG.yaml", type=click.Path(path_type=Path))
@click.option(
    "--resume",
    is_flag=True,
    help="Continue from the newest complete checkpoint in output_dir/checkpoints.",
)
def train(config_path: Path, resume: bool) -> None:
    """Train headless from a YAML config, showing progress; exits 1 on failure.

    The final model is saved in output_dir/model and every progress event is
    appended to output_dir/events.jsonl. Ctrl+C, SIGTERM or SIGHUP stop after the
    current step and save a checkpoint that --resume continues from.
    """
    from st_tui.training.config import load_config, save_config

    try:
        config = load_config(config_path)
    except StTuiError as error:
        fail(str(error))
        return
    output = Path(config.output_dir)
    output.mkdir(parents=True, exist_ok=True)
    save_config(config, output / "config.yaml")
    code = _run_headless(config, resume)
    sys.exit(code)


def _run_headless(config: Any, resume: bool) -> int:
    from st_tui.training.engine import run_training
    from st_tui.training.events import JsonlSink, fan_out
    from st_tui.training.progress import ConsoleProgress

    stop = threading.Event()
    received: list[str] = []

    def request_stop(signum: int, frame: Any) -> None:
        received.append(signal.Signals(signum).name)
        stop.set()

    previous = {
        sig: signal.signal(sig, request_stop)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    }
    sink = JsonlSink(Path(config.output_dir) / "events.jsonl")
    console = ConsoleProgress()
    try:
        with console:
            result = run_training(
                config, fan_out(sink, console.handle), stop=stop, resume=resume
            )
    except StTuiError as error:
        fail(str(error))
        return 1
    finally:
        sink.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if result.kind == "cancelled":
        reason = received[0] if received else "a stop request"
        where = getattr(result, "checkpoint", None) or "no checkpoint"
        click.echo(
            f"st-tui: stopped by {reason} at step {result.step}; checkpoint: {where}. "
            "Run again with --resume to continue.",
            err=True,
        )
        return 130 if received == ["SIGINT"] else 143
    return 0


def main() -> None:
    """Run the `st-tui` command."""
    cli(prog_name="st-tui")


if __name__ == "__main__":
    main()
