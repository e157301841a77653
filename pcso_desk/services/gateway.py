"""The one door into the services: each use case declares, once, who may do it and what the
audit log says of it.

A use case is a public method of the Services surface (services/api.py) or of a surface it
holds (`services.contacts`, `services.victims`, `services.sync`, ...), decorated with
`use_case`. The declaration, not the method body, does the two things an information-security
officer asks about:

- It checks the permission (`Action`) before anything is read or written. A refusal raises
  PermissionDenied and is itself audited (Context.require).
- It writes the audit entry in the same transaction as the effect:
  * a change runs inside one unit of work (Store.write; the body's own writes join it) and
    its entry is added before that unit commits: both or neither;
  * a read of restricted data (victim care) is followed by an entry naming the kind and how
    many rows were read, never the words searched for;
  * a file output is written under a hidden name beside the target; the entry (with the
    file's size and SHA-256) commits first and only then does the file take its name, so a
    killed process leaves an audited export or none, never an export nobody logged. The
    target is refused, in one sentence, when it is something the app lives on (outputs.py).

A use case that cannot have the store's write lock in time (another command or the app holds
it longer than the busy timeout) raises StoreBusyError, one sentence naming the holder,
instead of SQLite's "database is locked" (store/busy.py).

One thing a person does is one entry: a use case called from inside another that writes an
entry is checked but adds no entry of its own (inside an unaudited read it audits as usual).
A change that changed no row (a bundle imported before, a form saved unchanged) leaves the
store exactly as it was, log included. A body may fill in its entry (which records, a
detail) with `note`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import inspect
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import func, select

from pcso_desk.atomic import fsync_folder
from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.permissions import RESTRICTED_KINDS, Action
from pcso_desk.services.protection import audit
from pcso_desk.services.protection.outputs import refuse_protected
from pcso_desk.store import busy
from pcso_desk.store.models import AuditEntry

F = TypeVar("F", bound=Callable[..., Any])


class Effect(Enum):
    READ = "read"  # reads only; audited when `event` is set (restricted data)
    CHANGE = "change"  # changes the store: one unit of work with its entry
    FILE = "file"  # writes the file named by the `output` argument
    FOLDER = "folder"  # writes files into the folder named by the `output` argument
    # Commits its own entries, a refusal's included, before it raises: signing in, where a
    # wrong password must be logged and counted although the call fails. The gateway holds
    # no unit of work around it and adds the entry only if the body wrote none.
    OWN_COMMITS = "own commits"


@dataclass(frozen=True)
class UseCase:
    """What one use case declares. `action` None means anyone may (signing in, the station's
    name); `event` None means the use case is not audited (and must be READ)."""

    action: Action | None
    event: str | None
    effect: Effect
    kind: str | None = None  # None: the surface's own kind (a RecordService's record kind)
    output: str | None = None  # the argument that names the file or folder written
    restricted_only: bool = False  # audited only when the kind is restricted (victim care)
    kind_from: str | None = None  # the argument that names the kind (an export's table)
    # A read whose entry is queued (audit.record_soon): written on a thread of its own just
    # after, in order, and before the store closes; the caller does not wait for the commit.
    queued: bool = False

    def kind_of(self, surface: Any, arguments: dict[str, Any]) -> str:
        if self.kind_from is not None:
            return str(arguments.get(self.kind_from) or "")
        return self.kind if self.kind is not None else str(surface.kind)

    def audits(self, kind: str) -> bool:
        if self.event is None:
            return False
        return not self.restricted_only or kind in RESTRICTED_KINDS


DECLARATION = "__use_case__"


def use_case(
    action: Action | None,
    event: str | None = None,
    *,
    effect: Effect = Effect.CHANGE,
    kind: str | None = "",
    output: str | None = None,
    restricted_only: bool = False,
    kind_from: str | None = None,
    queued: bool = False,
) -> Callable[[F], F]:
    """Declare a method of a surface (an object with a `ctx`) as a use case; see above."""
    if event is None and effect is not Effect.READ:
        raise TypeError("a use case that changes or writes anything must be audited")
    if effect in (Effect.FILE, Effect.FOLDER) and output is None:
        raise TypeError("a file use case names the argument that holds its output")
    if queued and effect is not Effect.READ:
        raise TypeError("only a read's entry may be queued: a change commits with its entry")
    declared = UseCase(action, event, effect, kind, output, restricted_only, kind_from, queued)

    def wrap(method: F) -> F:
        signature = inspect.signature(method)

        @functools.wraps(method)
        def run(surface: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return _run(declared, signature, method, surface, args, kwargs)
            except Exception as exc:
                if not busy.is_busy(exc):
                    raise
                # SQLite's "database is locked", wherever in the use case it came: one
                # sentence naming what holds the store (store/busy.py).
                raise busy.busy_error(surface.ctx.store.path) from exc

        setattr(run, DECLARATION, declared)
        return cast(F, run)

    return wrap


def declaration(method: Any) -> UseCase | None:
    return getattr(method, DECLARATION, None)


# -- the entry a use case is writing -----------------------------------------------------------


@dataclass
class _Entry:
    event: str | None = None
    kind: str = ""
    written: bool = False  # whether this use case writes an entry (covering those it calls)
    ids: tuple[str, ...] = ()
    detail: str = ""
    parts: list[str] = field(default_factory=list)  # what the use cases it called did

    @property
    def full_detail(self) -> str:
        return "; ".join(part for part in (self.detail, *self.parts) if part)


_frames = threading.local()


def _stack() -> list[_Entry]:
    if not hasattr(_frames, "stack"):
        _frames.stack = []
    return cast(list[_Entry], _frames.stack)


def note(ids: Sequence[str] = (), detail: str = "") -> None:
    """Fill in the audit entry of the use case running now (written if it is the outermost)."""
    stack = _stack()
    if stack:
        entry = stack[-1]
        entry.ids, entry.detail = tuple(ids) or entry.ids, detail or entry.detail


def record_change(
    session: Any, ctx: Any, event: str, kind: str, ids: Sequence[str], detail: str = ""
) -> None:
    """A record created, changed or deleted: an entry of its own, or, when a use case that
    writes an entry called it (a priority's action moving the priority on), a part of that
    one: the records join its ids and what was done its detail."""
    stack = _stack()
    cover = next((frame for frame in stack[:-1] if frame.written), None)
    if cover is None:
        audit.append(session, ctx, event, kind, ids, detail)
        return
    cover.ids += tuple(i for i in ids if i not in cover.ids)
    if (event, kind) != (cover.event, cover.kind) or detail:
        cover.parts.append(f"{event} {kind}" + (f" ({detail})" if detail else ""))


def rows_read(result: Any) -> int | None:
    """How many rows a read returned: a list, a Page, a count."""
    if isinstance(result, bool):
        return None
    if isinstance(result, int):
        return result
    rows = getattr(result, "rows", result)
    if isinstance(rows, list | tuple):
        return len(rows)
    return None


# -- running a use case ------------------------------------------------------------------------


def _run(
    declared: UseCase,
    signature: inspect.Signature,
    method: Callable[..., Any],
    surface: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    ctx = surface.ctx
    bound = signature.bind(surface, *args, **kwargs)
    bound.apply_defaults()
    kind = declared.kind_of(surface, bound.arguments)
    if declared.action is not None:
        ctx.require_kind(declared.action, kind)
    stack = _stack()
    writes = declared.effect is not Effect.READ or declared.audits(kind)
    entry = _Entry(declared.event, kind, writes)
    stack.append(entry)
    try:
        if any(outer.written for outer in stack[:-1]):  # covered by the entry of its caller
            return method(surface, *args, **kwargs)
        if declared.effect is Effect.READ:
            result = method(surface, *args, **kwargs)
            if declared.audits(kind):
                read = rows_read(result)
                counted = "" if read is None else f"{read} row(s)"
                write = audit.record_soon if declared.queued else audit.record
                write(ctx, str(declared.event), kind, entry.ids, entry.full_detail or counted)
            return result
        if declared.effect is Effect.CHANGE:
            with ctx.store.write() as session:
                before, rows = _last_seq(session), _rows_changed(session)
                result = method(surface, *args, **kwargs)
                if not _written(session, before, str(declared.event)) and (
                    _rows_changed(session) != rows  # a call that changed nothing logs nothing
                ):
                    audit.append(
                        session, ctx, str(declared.event), kind, entry.ids, entry.full_detail
                    )
            return result
        if declared.effect is Effect.OWN_COMMITS:
            with ctx.store.read() as session:
                before = _last_seq(session)
            result = method(surface, *args, **kwargs)
            with ctx.store.read() as session:
                done = _written(session, before, str(declared.event))
            if not done:
                audit.record(ctx, str(declared.event), kind, entry.ids, entry.full_detail)
            return result
        return _write_output(declared, kind, method, bound, entry)
    finally:
        stack.pop()


def _last_seq(session: Any) -> int:
    return int(session.scalar(select(func.max(AuditEntry.seq))) or 0)


def _rows_changed(session: Any) -> int:
    """Rows this unit of work's connection has inserted, changed or deleted so far."""
    session.flush()
    return int(session.connection().exec_driver_sql("SELECT total_changes()").scalar() or 0)


def _written(session: Any, before: int, event: str) -> bool:
    """Whether the body wrote the declared entry itself (with its own ids and detail)."""
    session.flush()
    found = select(AuditEntry.seq).where(AuditEntry.seq > before, AuditEntry.action == event)
    return session.scalar(found.limit(1)) is not None


def _write_output(
    declared: UseCase,
    kind: str,
    method: Callable[..., Any],
    bound: inspect.BoundArguments,
    entry: _Entry,
) -> Any:
    ctx = bound.arguments["self"].ctx
    name = str(declared.output)
    target = Path(bound.arguments[name])
    folder = declared.effect is Effect.FOLDER
    refuse_protected(ctx.store.path, target, folder=folder)
    _check_target(target, folder=folder)
    hidden = f".{uuid.uuid4().hex[:12]}.part"
    temp = target / hidden if folder else target.with_name(f"{hidden}.{target.name}")
    if folder:
        temp.mkdir(parents=True)
    bound.arguments[name] = temp
    try:
        with ctx.store.write() as session:
            result = method(*bound.args, **bound.kwargs)
            made = sorted(p for p in temp.iterdir() if p.is_file()) if folder else [temp]
            files = "; ".join(_describe(path, target if not folder else None) for path in made)
            detail = f"{entry.full_detail}; {files}" if entry.full_detail else files
            audit.append(session, ctx, str(declared.event), kind, entry.ids, detail)
        # The entry is committed: only now does the output take its name.
        if folder:
            for path in made:
                os.replace(path, target / path.name)
        else:
            os.replace(temp, target)
        fsync_folder(target if folder else target.parent)
        return _retarget(result, temp, target)
    finally:
        with contextlib.suppress(OSError):
            if folder:
                shutil.rmtree(temp)
            else:
                temp.unlink()


def _check_target(target: Path, *, folder: bool) -> None:
    """One sentence for an output that cannot be made: its folder missing, a folder where a
    file is meant or a file where a folder is."""
    if not target.parent.is_dir():
        raise ValidationError(
            f"The folder '{target.parent}' does not exist; create it first or choose another.",
            "out",
        )
    if folder and target.exists() and not target.is_dir():
        raise ValidationError(f"'{target}' is a file; choose a folder.", "out")
    if not folder and target.is_dir():
        raise ValidationError(f"'{target}' is a folder; give a file name.", "out")


def _describe(path: Path, final: Path | None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    name = (final or path).name
    return f"{name}: {path.stat().st_size} bytes, sha256 {digest.hexdigest()}"


def _retarget(value: Any, temp: Path, target: Path) -> Any:
    """The result with paths under the hidden name given as the real ones."""
    if isinstance(value, Path):
        if value == temp:
            return target
        if value.is_relative_to(temp):
            return target / value.relative_to(temp)
        return value
    if isinstance(value, tuple):
        return tuple(_retarget(item, temp, target) for item in value)
    if isinstance(value, list):
        return [_retarget(item, temp, target) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _retarget(getattr(value, f.name), temp, target)
            for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    return value


# -- what the surface offers -------------------------------------------------------------------


def _is_surface(value: Any) -> bool:
    return (
        hasattr(value, "ctx")
        and not isinstance(value, type)
        and any(declaration(getattr(type(value), name, None)) for name in dir(type(value)))
    )


def surfaces(root: Any, path: str = "services") -> list[tuple[str, Any]]:
    """The root surface and every surface it holds (`services.sync`, `services["wards"]`,
    `services.victims.cases`, ...), each once, named by how a front end reaches it."""
    found: list[tuple[str, Any]] = [(path, root)]
    seen = {id(root)}
    for name, value in sorted(vars(root).items()):
        items = (
            [(f"{path}[{key!r}]", item) for key, item in sorted(value.items())]
            if isinstance(value, dict)
            else [(f"{path}.{name}", value)]
        )
        for where, item in items:
            if id(item) not in seen and _is_surface(item):
                seen.add(id(item))
                found.extend(surfaces(item, where))
    return found


def public_methods(surface: Any) -> list[str]:
    """The names a front end may call on `surface`: its public functions (not properties)."""
    cls = type(surface)
    return sorted(
        name
        for name in dir(cls)
        if not name.startswith("_") and inspect.isfunction(inspect.getattr_static(cls, name))
    )


def use_cases(root: Any) -> list[tuple[str, Any, str, UseCase | None]]:
    """(where, surface, method name, declaration) for every public method of every surface;
    a missing declaration shows as None (a test fails on it)."""
    return [
        (f"{where}.{name}", surface, name, declaration(getattr(type(surface), name)))
        for where, surface in surfaces(root)
        for name in public_methods(surface)
    ]
