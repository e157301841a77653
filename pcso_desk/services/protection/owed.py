"""Audit entries owed to the log while the store's whole-file check runs.

Nothing is written to a store before its integrity check has passed (store/session.py), and
an audit entry is a write. The app runs that check on a thread at sign-in (about 20 s on a
county store); so that reading meanwhile (the Today screen, a search, an opened record) does
not wait for it, an entry made before the check has passed is *owed* instead of written:

* `owe` adds it at once, with the moment it was made and who made it, to the waiting list in
  the store's keyring (store/keyring.py: saved atomically beside the store and in the backups
  folder; the sign-in refusals and a sign-in made while the store was busy wait there too);
* the first write after the check has passed writes every owed entry, in the order they were
  made, before anything else (`Store.catch_up`, run under the write lock); the check's own
  thread makes that write as soon as the check passes (`expect`), and each entry leaves the
  keyring only once its write has committed.

So an entry is never lost: a quit or a crash meanwhile leaves it in the keyring, and the
next sign-in writes it (services/unlock.py `_enter`). If the check finds the store damaged
nothing is written (the app says so and stops); the entries wait in the keyring for the store
restored in its place. A plain (older) store has no keyring: its entries wait for the check,
as every write does. The chain is unchanged: an owed entry is chained when it is written, its
`at` the moment it was made.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pcso_desk.domain.enums import UserRole
from pcso_desk.services.protection import audit
from pcso_desk.store import keyring as kr

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from pcso_desk.services.context import Context
    from pcso_desk.store.session import Store

log = logging.getLogger(__name__)
# How long the write that pays what is owed waits for another command's write lock.
PATIENCE_MS = 2000
_lock = threading.Lock()  # one owing or paying at a time in this process


def owe(
    ctx: Context,
    action: str,
    kind: str,
    ids: Sequence[str],
    detail: str,
    outcome: str,
) -> bool:
    """Owe this entry if the store's check is still running (see the module's docstring);
    False when it can be written now (or must wait, on a plain store)."""
    store = ctx.store
    check = store.intact
    if check is None or check.done() or store.key is None:
        return False
    path = kr.keyring_path(store.path)
    if not path.exists():
        return False
    actor = ctx.actor
    entry = {
        "at": datetime.now(UTC).isoformat(),
        "user": actor.username if actor else "",
        "user_id": actor.user_id if actor else "",
        "role": actor.role.value if actor else "",
        "action": action,
        "kind": kind,
        "ids": json.dumps(list(ids)),
        "detail": detail,
        "outcome": outcome,
    }
    with _lock:
        if check.done():
            return False
        with kr.editing(path, _spare(store)) as ring:
            ring.refusals.append(entry)
    expect(ctx)
    return True


def expect(ctx: Context) -> None:
    """What waits in the keyring is written by the first write after the check passes, and
    the check's thread makes one as soon as it has."""
    store = ctx.store
    anonymous = replace(ctx, actor=None)  # as at a sign-in: an entry names its own user
    store.owe(lambda session: pay(session, anonymous))
    check = store.intact
    if check is not None:
        check.add_done_callback(lambda done: _pay_now(store, done))


def _pay_now(store: Store, done: Future[None]) -> None:
    if done.cancelled() or done.exception() is not None:  # damaged: nothing is written
        return
    if store.catch_up is None:  # paid already
        return
    try:
        with store.write(patience_ms=PATIENCE_MS):
            pass  # Store.write pays what is owed first
    except Exception:  # busy, or the store closed meanwhile: the next write or sign-in pays
        log.warning("owed audit entries left in the keyring", exc_info=True)


def pay(session: Session, ctx: Context) -> None:
    """Write every entry waiting in the keyring, in order, in this unit of work; they leave
    the keyring once it has committed."""
    store = ctx.store
    path = kr.keyring_path(store.path)
    with _lock:
        if not path.exists():
            return
        waiting = list(kr.Keyring.load(path, _spare(store)).refusals)
    if not waiting:
        return
    for entry in waiting:
        write_waiting(session, ctx, entry)
    session.flush()  # written: they may leave the keyring once this unit of work commits
    store.after_commit(lambda: _forget(store, waiting))


def _forget(store: Store, written: list[dict[str, str]]) -> None:
    with _lock, kr.editing(kr.keyring_path(store.path), _spare(store)) as ring:
        ring.refusals = [entry for entry in ring.refusals if entry not in written]


def _spare(store: Store) -> Any:
    return None if store.backups is None else kr.spare_path(store.path, store.backups)


def write_waiting(session: Session, ctx: Context, entry: dict[str, str]) -> None:
    """An entry that waited in the keyring: one owed while the store was checked (it names
    its user), a refusal, or a sign-in made while the store was busy."""
    from pcso_desk.services.context import Actor

    at = entry["at"][:19]
    if "action" in entry:
        actor = None
        if entry.get("user_id"):
            role = UserRole(entry["role"])
            actor = Actor(entry["user_id"], entry["user"], role, None)
        made = datetime.fromisoformat(entry["at"])
        audit.append(
            session, replace(ctx, actor=actor), entry["action"], entry["kind"],
            json.loads(entry["ids"]), entry["detail"], outcome=entry["outcome"], at=made,
        )  # fmt: skip
        return
    ids = _user_ids(session, entry.get("user", ""))
    if entry.get("outcome") == "ok":
        detail = f"at {at}, recorded late: another command was writing"
        audit.append(session, ctx, "sign in", "users", ids, detail)
    else:
        detail = f"{entry['detail']} (at {at}, before the store opened)"
        audit.append(session, ctx, "sign in", "users", ids, detail, outcome="refused")


def _user_ids(session: Session, username: str) -> tuple[str, ...]:
    from sqlalchemy import select

    from pcso_desk.store.models import User

    if not username:
        return ()
    found = session.scalar(select(User.id).where(User.username == username))
    return (found,) if found else ()
