"""Session folders: one per wizard run, holding its state, config, events and model.

A session folder looks like::

    <home>/sessions/2026-12-04-1532-sick-pair_score/
        session.json   wizard state, status, progress, metrics, schema version
        config.yaml    the training config that ran (runnable with `st-tui train`)
        events.jsonl   one JSON object per progress event
        st-tui.log     log records of the run
        run.lock       pid and start time of the process that is training, if any
        checkpoints/   trainer checkpoints (resume points)
        model/         the final Sentence Transformers folder

session.json is written atomically, so a crash leaves the previous version readable.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
from collections.abc import Iterator
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from st_tui.errors import StTuiError
from st_tui.sessions.atomic import atomic_write_text
from st_tui.sessions.home import RECORD_FILE, SESSIONS_FOLDER, resolve_home
from st_tui.sessions.state import Step, WizardState

SCHEMA_VERSION = 1
LOCK_FILE = "run.lock"
FINGERPRINT_BYTES = 1 << 20


class SessionError(StTuiError):
    """A session that cannot be found, read or written."""


class SessionStatus(str, Enum):
    """The state of a session's training run."""

    DRAFT = "draft"
    TRAINING = "training"
    INTERRUPTED = "interrupted"
    FINISHED = "finished"
    FAILED = "failed"


class SourceFingerprint(BaseModel):
    """Size, modification time and a hash of the first megabyte of a data file."""

    path: str
    size: int
    mtime: float
    head_sha256: str

    @classmethod
    def of(cls, path: str | Path) -> SourceFingerprint | None:
        """Fingerprint a file, or return None for a folder or a missing file."""
        path = Path(path)
        if not path.is_file():
            return None
        stat = path.stat()
        with path.open("rb") as handle:
            head = hashlib.sha256(handle.read(FINGERPRINT_BYTES)).hexdigest()
        return cls(
            path=str(path), size=stat.st_size, mtime=stat.st_mtime, head_sha256=head
        )


class Progress(BaseModel):
    """The last known training position."""

    step: int = 0
    total_steps: int = 0
    epoch: float = 0.0


class SessionRecord(BaseModel):
    """The content of session.json."""

    schema_version: int = SCHEMA_VERSION
    id: str
    name: str
    created: str
    updated: str
    status: SessionStatus = SessionStatus.DRAFT
    state: WizardState = Field(default_factory=WizardState)
    fingerprint: SourceFingerprint | None = None
    progress: Progress = Field(default_factory=Progress)
    metrics: dict[str, float] = Field(default_factory=dict)
    baseline_metrics: dict[str, float] = Field(default_factory=dict)
    primary_metric: str | None = None
    model_path: str | None = None
    last_checkpoint: str | None = None
    message: str | None = None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _process_start_time(pid: int) -> float | None:
    try:
        import psutil

        return float(psutil.Process(pid).create_time())
    except Exception:  # psutil missing, or no such process
        return None


def pid_alive(pid: int, start_time: float | None = None) -> bool:
    """Check that a process runs with this pid and, when given, this start time.

    The start time guards against a new process that reused a dead one's pid.
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if start_time is None:
        return True
    actual = _process_start_time(pid)
    return actual is None or abs(actual - start_time) < 1.0


class Session:
    """One session folder and its record."""

    def __init__(self, folder: Path, record: SessionRecord) -> None:
        self.folder = folder
        self.record = record

    @property
    def id(self) -> str:
        """Return the session id, which is also the folder name."""
        return self.record.id

    @property
    def state(self) -> WizardState:
        """Return the wizard state kept in this session."""
        return self.record.state

    @property
    def record_path(self) -> Path:
        """Return the path of session.json."""
        return self.folder / "session.json"

    @property
    def config_path(self) -> Path:
        """Return the path of config.yaml."""
        return self.folder / "config.yaml"

    @property
    def events_path(self) -> Path:
        """Return the path of events.jsonl."""
        return self.folder / "events.jsonl"

    @property
    def log_path(self) -> Path:
        """Return the path of the run's log file."""
        return self.folder / "st-tui.log"

    @property
    def lock_path(self) -> Path:
        """Return the path of the run lock."""
        return self.folder / LOCK_FILE

    @property
    def output_dir(self) -> Path:
        """Return where checkpoints and the model go: the state's or the folder."""
        return Path(self.state.output_dir) if self.state.output_dir else self.folder

    @property
    def status(self) -> SessionStatus:
        """Return the status; a training run whose process died is interrupted."""
        if self.record.status is SessionStatus.TRAINING and not self.is_running():
            return SessionStatus.INTERRUPTED
        return self.record.status

    def is_running(self) -> bool:
        """Check whether a live process has this session's run lock."""
        return lock_is_live(self.lock_path)

    def _read_lock(self) -> dict[str, Any] | None:
        return read_lock(self.lock_path)

    @contextlib.contextmanager
    def run_lock(self) -> Iterator[None]:
        """Hold the run lock while training, so a dead run is not taken for a live one.

        Raises:
            SessionError: when another live process is training this session.
        """
        lock = self._read_lock()
        if lock is not None and lock["pid"] != os.getpid() and self.is_running():
            raise SessionError(
                f"Session {self.id} is being trained by process {lock['pid']}. Wait "
                "for it to end, or stop it first."
            )
        pid = os.getpid()
        atomic_write_text(
            self.lock_path,
            json.dumps(
                {
                    "pid": pid,
                    "start_time": _process_start_time(pid),
                    "host": socket.gethostname(),
                    "since": _now(),
                }
            ),
        )
        try:
            yield
        finally:
            with contextlib.suppress(FileNotFoundError):
                self.lock_path.unlink()

    def save(self) -> None:
        """Write session.json atomically.

        Raises:
            SessionError: when the file on disk has a newer schema, so that a newer
                st-tui's session is never overwritten by an older one.
        """
        if self.record_path.exists():
            on_disk = _peek_schema_version(self.record_path)
            if on_disk is not None and on_disk > SCHEMA_VERSION:
                raise SessionError(
                    f"{self.record_path}: written by a newer st-tui (schema "
                    f"{on_disk}, this one reads {SCHEMA_VERSION}). Upgrade st-tui; the "
                    "file was left unchanged."
                )
        self.record.updated = _now()
        atomic_write_text(
            self.record_path, self.record.model_dump_json(indent=2) + "\n"
        )

    def update_state(self, state: WizardState) -> None:
        """Store a new wizard state and write it, fingerprinting a changed source."""
        previous = self.record.state.source_path
        self.record.state = state
        if state.source_path and (
            state.source_path != previous or self.record.fingerprint is None
        ):
            self.record.fingerprint = SourceFingerprint.of(state.source_path)
        self.save()

    def source_change(self) -> str | None:
        """Describe how the source file changed since it was fingerprinted, or None."""
        old = self.record.fingerprint
        if old is None:
            return None
        new = SourceFingerprint.of(old.path)
        if new is None:
            return f"The source file {old.path} no longer exists."
        changes = []
        if new.size != old.size:
            changes.append(f"size {old.size} -> {new.size} bytes")
        if new.head_sha256 != old.head_sha256:
            changes.append("content of the first megabyte")
        if not changes and abs(new.mtime - old.mtime) > 1e-3:
            changes.append("modification time")
        if not changes:
            return None
        return (
            f"The source file {old.path} changed since this session used it "
            f"({', '.join(changes)}). Training on it may not match the checkpoints."
        )

    def newest_checkpoint(self) -> Path | None:
        """Return the newest complete checkpoint of this session's run."""
        from st_tui.training.checkpoints import newest_complete_checkpoint

        return newest_complete_checkpoint(self.output_dir / "checkpoints")


def _peek_schema_version(path: Path) -> int | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = data.get("schema_version") if isinstance(data, dict) else None
    return version if isinstance(version, int) else None


class DamagedSession(BaseModel):
    """A session folder whose session.json cannot be read, with the reason."""

    id: str
    folder: str
    reason: str


def read_lock(path: Path) -> dict[str, Any] | None:
    """Return a run lock's pid and start time, or None for a missing or bad file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("pid"), int) else None


def lock_is_live(path: Path) -> bool:
    """Check whether the process named in a run lock is still running."""
    lock = read_lock(path)
    return lock is not None and pid_alive(lock["pid"], lock.get("start_time"))


def _slug(text: str) -> str:
    return re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()[:40] or "session"


class SessionStore:
    """The sessions under one st-tui home folder."""

    def __init__(self, home: str | Path | None = None) -> None:
        self.home = resolve_home(home)
        self.root = self.home / SESSIONS_FOLDER

    def create(
        self, state: WizardState | None = None, name: str | None = None
    ) -> Session:
        """Make a new session folder with a unique, readable id and save it."""
        state = state or WizardState()
        stem = Path(state.source_path).stem if state.source_path else "session"
        label = name or "-".join(p for p in (stem, state.format) if p)
        base = f"{datetime.now().strftime('%Y-%m-%d-%H%M')}-{_slug(label)}"
        self.root.mkdir(parents=True, exist_ok=True)
        session_id = base
        counter = 2
        while True:
            folder = self.root / session_id
            try:
                folder.mkdir()
                break
            except FileExistsError:
                session_id = f"{base}-{counter}"
                counter += 1
        now = _now()
        record = SessionRecord(
            id=session_id, name=label, created=now, updated=now, state=state
        )
        if state.source_path:
            record.fingerprint = SourceFingerprint.of(state.source_path)
        session = Session(folder, record)
        session.save()
        return session

    def load(self, session_id: str) -> Session:
        """Open a session by id or by a unique prefix of its id.

        Raises:
            SessionError: when no session or several match, or the record is damaged.
        """
        folder = self.root / session_id
        if not (folder / "session.json").is_file():
            matches = sorted(
                p for p in self.root.glob(f"{glob_escape(session_id)}*") if p.is_dir()
            )
            if len(matches) != 1:
                known = "several match" if matches else "none matches"
                raise SessionError(
                    f"Session '{session_id}' not found ({known} under {self.root}). "
                    "List them with `st-tui sessions`."
                )
            folder = matches[0]
        return Session(folder, read_record(folder / "session.json"))

    def list(self) -> tuple[list[Session], list[DamagedSession]]:
        """Return the readable sessions, newest first, and the damaged ones."""
        sessions: list[Session] = []
        damaged: list[DamagedSession] = []
        if not self.root.is_dir():
            return sessions, damaged
        for folder in self.root.iterdir():
            record_path = folder / "session.json"
            if not folder.is_dir() or not record_path.exists():
                continue
            try:
                sessions.append(Session(folder, read_record(record_path)))
            except SessionError as error:
                damaged.append(
                    DamagedSession(
                        id=folder.name, folder=str(folder), reason=str(error)
                    )
                )
        sessions.sort(key=lambda s: (s.record.updated, s.id), reverse=True)
        return sessions, damaged

    def delete(self, session_id: str) -> None:
        """Remove a session folder and everything in it.

        Raises:
            SessionError: when the session is training right now.
        """
        session = self.load(session_id)
        if session.is_running():
            raise SessionError(
                f"Session {session.id} is training; stop it before deleting it."
            )
        shutil.rmtree(session.folder)

    def delete_damaged(self, session_id: str) -> None:
        """Remove a session folder whose session.json cannot be read.

        Raises:
            SessionError: when no such folder exists, its record is readable (use
                ``delete``), or a live process holds its run lock.
        """
        folder = self.root / session_id
        record_path = folder / RECORD_FILE
        if folder.parent != self.root or not record_path.exists():
            raise SessionError(f"Session '{session_id}' not found under {self.root}.")
        try:
            read_record(record_path)
        except SessionError:
            pass
        else:
            raise SessionError(f"Session {session_id} is readable, not damaged.")
        if lock_is_live(folder / LOCK_FILE):
            raise SessionError(
                f"Session {session_id} is training; stop it before deleting it."
            )
        shutil.rmtree(folder)

    def duplicate(self, session_id: str) -> Session:
        """Start a new draft session with the same source, mapping and parameters."""
        original = self.load(session_id)
        state = original.state.model_copy(deep=True)
        state.output_dir = None
        state.result = None
        state.step = Step.PARAMETERS
        copy = self.create(state, name=f"{original.record.name}-copy")
        return copy


def glob_escape(text: str) -> str:
    """Escape glob characters in a session id prefix."""
    return re.sub(r"([*?\[\]])", r"[\1]", text)


def read_record(path: Path) -> SessionRecord:
    """Read and validate session.json.

    Raises:
        SessionError: naming the file and the problem, for a damaged or newer file.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SessionError(f"{path}: cannot be read: {error}") from None
    except ValueError as error:
        raise SessionError(
            f"{path}: damaged (not valid JSON: {error}). It was left unchanged; move "
            "or delete the folder."
        ) from None
    if not isinstance(data, dict):
        raise SessionError(
            f"{path}: damaged (not a JSON object). It was left unchanged."
        )
    version = data.get("schema_version")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise SessionError(
            f"{path}: written by a newer st-tui (schema {version}, this one reads "
            f"{SCHEMA_VERSION}). Upgrade st-tui to open it."
        )
    try:
        return SessionRecord.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SessionError(
            f"{path}: damaged ({where}: {first['msg']}). It was left unchanged."
        ) from None
