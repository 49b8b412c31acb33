"""The `st-tui` command: the wizard by default, plus headless subcommands."""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from st_tui import __version__
from st_tui.errors import StTuiError

if TYPE_CHECKING:
    from st_tui.sessions.store import Session, SessionStore
    from st_tui.training.config import TrainConfig

# Set before transformers, datasets or huggingface_hub are imported, because they
# read these once at import time.
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


# Subcommands defined in other modules, imported only when used or listed, so that
# the wizard's start-up does not build them.
LAZY_COMMANDS = {"check": ("st_tui.commands.check", "check_command")}


class _WizardGroup(click.Group):
    """A group whose first argument opens the wizard unless it names a subcommand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            module_name, attribute = LAZY_COMMANDS[cmd_name]
            command = getattr(importlib.import_module(module_name), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if (
            args
            and not args[0].startswith("-")
            and args[0] not in self.commands
            and args[0] not in LAZY_COMMANDS
        ):
            return "wizard", self.commands["wizard"], args
        return super().resolve_command(ctx, args)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line error on stderr and exit with ``code``."""
    click.echo(f"st-tui: error: {' '.join(message.split())}", err=True)
    sys.exit(code)


def _store(ctx: click.Context) -> SessionStore:
    from st_tui.sessions.store import SessionStore

    home = ctx.find_root().params.get("home")
    return SessionStore(home)


@click.group(
    cls=_WizardGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="st-tui")
@click.option(
    "--home",
    envvar="ST_TUI_HOME",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder that contains the sessions [env: ST_TUI_HOME; default: the user data "
    "folder, such as ~/.local/share/st-tui].",
)
@click.option(
    "--session",
    "session_id",
    metavar="ID",
    default=None,
    help="Reopen a saved session in the wizard, at the step where it was left.",
)
@click.pass_context
def cli(ctx: click.Context, home: Path | None, session_id: str | None) -> None:
    """Fine-tune a Sentence Transformers embedding model on your own data.

    With no command, or with a PATH, opens the wizard: `st-tui`, `st-tui data.csv`.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(wizard)


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--output-root",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder under which each run's output folder is made "
    "[default: ./st-tui-runs].",
)
@click.pass_context
def wizard(ctx: click.Context, path: Path | None, output_root: Path | None) -> None:
    """Open the wizard, on PATH (a data file or a folder to browse) if given."""
    if path is not None and not path.exists():
        fail(f"{path}: file or folder not found. Check the path and try again.", 2)
    from st_tui.sessions.home import resolve_home

    # The store (and pydantic) loads only with a session to reopen: the first
    # screen of a plain start needs just the home folder.
    store: SessionStore | Path = resolve_home(ctx.find_root().params.get("home"))
    session_id = ctx.find_root().params.get("session_id")
    session = None
    if session_id:
        store = _store(ctx)
        try:
            session = store.load(session_id)
        except StTuiError as error:
            fail(str(error), 2)

    from st_tui.tui.app import StTuiApp

    app = StTuiApp(start_path=path, workdir=Path.cwd(), output_root=output_root)
    app.attach_sessions(store, session)
    app.run()


@cli.command()
@click.argument("config_path", metavar="CONFIG.yaml", type=click.Path(path_type=Path))
@click.pass_context
def train(ctx: click.Context, config_path: Path) -> None:
    """Train headless from a YAML config, showing progress; exits 1 on failure.

    Creates a session (its id is printed first) that contains the config, the progress
    events and the log; the model is saved in output_dir/model. Ctrl+C, SIGTERM or
    SIGHUP stop after the current step and save a checkpoint that `st-tui resume ID`
    continues from.
    """
    from st_tui.sessions.state import WizardState
    from st_tui.training.config import load_config

    try:
        config = load_config(config_path)
        session = _store(ctx).create(WizardState.from_config(config))
    except StTuiError as error:
        fail(str(error))
    click.echo(f"Session: {session.id} ({session.folder})", err=True)
    sys.exit(_run_headless(session, config, resume=False))


@cli.command()
@click.argument("session_id", metavar="ID")
@click.pass_context
def resume(ctx: click.Context, session_id: str) -> None:
    """Resume a session's training headless from its newest complete checkpoint.

    The trainer restores the global step, optimizer, scheduler and random state, so
    the run ends as if it had not stopped. Warns first when the source file changed.
    """
    from st_tui.training.config import load_config

    try:
        session = _store(ctx).load(session_id)
        config = load_config(session.config_path)
    except StTuiError as error:
        fail(str(error))
    if session.is_running():
        fail(f"Session {session.id} is training in another process right now.")
    change = session.source_change()
    if change:
        click.echo(f"st-tui: warning: {change}", err=True)
    checkpoint = session.newest_checkpoint()
    if checkpoint is None:
        fail(
            f"Session {session.id} has no complete checkpoint to resume from. Train it "
            f"again with `st-tui train {session.config_path}`."
        )
    click.echo(f"Session: {session.id}, resuming from {checkpoint}", err=True)
    sys.exit(_run_headless(session, config, resume=True))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def sessions(ctx: click.Context, as_json: bool) -> None:
    """List saved sessions, newest first, with status, progress and best metric."""
    from st_tui.sessions.listing import print_sessions

    print_sessions(_store(ctx), as_json=as_json)


def _run_headless(session: Session, config: TrainConfig, resume: bool) -> int:
    from st_tui.sessions.recorder import SessionRecorder
    from st_tui.sessions.runlog import session_log
    from st_tui.training.config import save_config
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
    save_config(config, session.config_path)
    sink = JsonlSink(session.events_path)
    console = ConsoleProgress()
    handler = fan_out(sink, SessionRecorder(session), console.handle)
    try:
        with session.run_lock(), session_log(session.log_path), console:
            result = run_training(config, handler, stop=stop, resume=resume)
    except StTuiError as error:
        fail(str(error))
    finally:
        sink.close()
        for sig, previous_handler in previous.items():
            signal.signal(sig, previous_handler)
    if result.kind == "cancelled":
        reason = received[0] if received else "a stop request"
        where = getattr(result, "checkpoint", None) or "no checkpoint"
        click.echo(
            f"st-tui: stopped by {reason} at step {result.step}; checkpoint: {where}. "
            f"Continue with `st-tui resume {session.id}`.",
            err=True,
        )
        return 130 if received == ["SIGINT"] else 143
    return 0


def main() -> None:
    """Run the `st-tui` command."""
    cli(prog_name="st-tui")


if __name__ == "__main__":
    main()
