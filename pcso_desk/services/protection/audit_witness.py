"""Witnesses of the audit log's head outside the store, so that a log cut short is noticed.

The head of the chain (the newest entry's seq and hash; `audit.head`) is witnessed:

- in ``keys/audit-head.json`` (`SIDECAR`), signed with the station's Ed25519 key. It is
  rewritten (`witness`) after every sync bundle export, hub sync, backup (made on request or
  automatically, so at least once a day the store is opened) and restore; not on every
  entry, which would cost an fsync per audited click. It is never moved backwards, nor onto
  a log that does not hold the head it names: that evidence stays for `check`;
- in every backup, as the signed ``audit_head`` row of its store_meta (`stamp_backup`),
  besides the backup's own copy of the log;
- in every sync bundle's signed header and on the hub; a receiver keeps the highest head it
  has seen of each station in its store_meta (``audit_head:<station id>``, `keep_head`).

`check` compares the log with every head it can find here (`problems`): the sidecar, the
backups in the backups folder, and heads the hub returned for this station. A head past the
end of the log, or one whose hash differs from the entry at its seq (entries edited,
inserted or reordered and the hashes recomputed), is reported with the entries it names.

Limits: whoever holds the whole data folder also holds the signing key, the sidecar and the
backups; only the team's other stations and the hub keep heads out of that person's reach.
Entries written since the last witness event can be cut unseen if the triggers are put back.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import event as sa_event
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from pcso_desk.atomic import write_atomic
from pcso_desk.domain.errors import PcsoDeskError
from pcso_desk.services.context import DEMO_KEY, STATION_KEY, meta_value, set_meta
from pcso_desk.services.protection import audit
from pcso_desk.store import models as m
from pcso_desk.store.backup import list_backups
from pcso_desk.store.engine import Error as DriverError
from pcso_desk.store.engine import connect
from pcso_desk.store.session import Store
from pcso_desk.sync.identity import PublicIdentity, StationIdentity

SIDECAR = "audit-head.json"  # in the data folder's keys/
BACKUP_KEY = "audit_head"  # store_meta row of a backup
HEAD_KEY = "audit_head:"  # + station id: the highest head seen of that station
_FORMAT = "pcso-desk-audit-head"
_DOMAIN = b"pcso-desk audit head v1\x00"
_KEYS = frozenset({"format", "version", "station_id", "seq", "hash", "at", "event", "signature"})
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Witness:
    """One head seen outside the log: entry `seq` had `hash` at `at` (ISO UTC), per `source`."""

    seq: int
    hash: str
    at: str
    source: str


def keys_folder(store: Store) -> Path:
    return store.path.parent / "keys"


def committed_head(store: Store) -> tuple[int, str]:
    """The head of the log as committed (a unit of work still open on this thread is not
    witnessed: it may yet roll back)."""
    with store.sessions() as session:
        return audit.head(session)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("ascii")


def _valid_head(seq: object, digest: object) -> bool:
    return (
        type(seq) is int
        and seq >= 0
        and isinstance(digest, str)
        and len(digest) == 64
        and all(c in "0123456789abcdef" for c in digest)
    )


def sign(identity: StationIdentity, head: tuple[int, str], event: str) -> str:
    """A head as JSON signed by this station: the sidecar's text and a backup's row."""
    document: dict[str, Any] = {
        "format": _FORMAT,
        "version": 1,
        "station_id": identity.station_id,
        "seq": head[0],
        "hash": head[1],
        "at": _now(),
        "event": event,
    }
    signature = identity.sign(_DOMAIN + _canonical(document))
    document["signature"] = base64.b64encode(signature).decode("ascii")
    return json.dumps(document, sort_keys=True, indent=1) + "\n"


def read_signed(text: str | bytes, public: PublicIdentity, source: str | None = None) -> Witness:
    """The head a signed document holds (its `source`: the event it names, unless given);
    ValueError unless this station signed it as it is."""
    document = json.loads(text)
    if not isinstance(document, dict) or set(document) != _KEYS:
        raise ValueError("not an audit head")
    signature = base64.b64decode(str(document.pop("signature")), validate=True)
    try:
        Ed25519PublicKey.from_public_bytes(public.signing_key).verify(
            signature, _DOMAIN + _canonical(document)
        )
    except InvalidSignature as exc:
        raise ValueError("bad signature") from exc
    seq, digest, at = document["seq"], document["hash"], document["at"]
    if document["station_id"] != public.station_id or not _valid_head(seq, digest):
        raise ValueError("not this station's head")
    return Witness(seq, digest, str(at), source or str(document["event"]))


def witness(store: Store, event: str) -> None:
    """Sign the log's head into the sidecar (a witness event; see the module's docstring).

    Inside a unit of work (a use case of the gateway) it is done once that unit has
    committed, its own entry included; nothing is witnessed of one that rolls back. A failure
    is logged, not raised: the export, sync or backup it follows has been done.
    """
    if store.in_write:
        with store.read() as session:  # the unit of work's own session
            sa_event.listen(session, "after_commit", lambda _s: _witness(store, event), once=True)
        return
    _witness(store, event)


def _witness(store: Store, event: str) -> None:
    try:
        folder = keys_folder(store)
        identity = StationIdentity.load(folder)
        if identity is None:
            return  # a store being set up: no keys to sign with yet
        with store.sessions() as session:  # committed entries only, even inside a write
            head = audit.head(session)
            if not _sidecar_held(folder, identity.public(), session, head):
                return
        write_atomic(folder / SIDECAR, sign(identity, head, event).encode("utf-8"))
    except (OSError, PcsoDeskError, SQLAlchemyError) as exc:
        _log.warning("the audit head was not witnessed after %s: %s", event, exc)


def advance_sidecar(folder: Path, conn: Any, event: str) -> None:
    """`witness` for a store opened as a raw connection (the copy a restore puts in place)."""
    identity = StationIdentity.load(folder)
    if identity is None:
        return
    try:
        current = _read_sidecar(folder, identity.public())
    except ValueError:
        return  # altered: keep it for `check` to report
    if current is not None:
        row = conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (current.seq,)).fetchone()
        if current.seq and (row is None or row[0] != current.hash):
            return
    head = audit.raw_head(conn)
    write_atomic(folder / SIDECAR, sign(identity, head, event).encode("utf-8"))


def _read_sidecar(folder: Path, public: PublicIdentity) -> Witness | None:
    """The sidecar's head; None if there is none; ValueError if it is not this station's."""
    try:
        text = (folder / SIDECAR).read_bytes()
    except FileNotFoundError:
        return None
    return read_signed(text, public)


def _sidecar_held(
    folder: Path, public: PublicIdentity, session: Session, head: tuple[int, str] | None = None
) -> bool:
    """Whether the log holds the sidecar's head, so that a newer head may replace it (not
    the same head again: the sidecar keeps naming the event that first witnessed it)."""
    try:
        current = _read_sidecar(folder, public)
    except ValueError:
        return False  # altered: keep it for `check` to report
    if current is None:
        return True
    if head is not None and head[0] <= current.seq:
        return False
    return audit.hash_at(session, current.seq) == current.hash


def stamp_backup(conn: Any, folder: Path) -> None:
    """Write the signed head of the backup copy `conn` into its own store_meta."""
    try:
        identity = StationIdentity.load(folder)
    except PcsoDeskError as exc:  # damaged keys must not stop a backup: `check` names them
        _log.warning("a backup was made without its signed audit head: %s", exc)
        return
    tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}
    if identity is None or not {"audit_log", "store_meta"} <= tables:
        return
    document = sign(identity, audit.raw_head(conn), "backup")
    conn.execute(
        "INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)", (BACKUP_KEY, document)
    )


def keep_head(session: Session, station_id: str, head: tuple[int, str], source: str) -> None:
    """Remember a head another party vouched for, unless a higher one of that station is known."""
    seq, digest = head
    if not _valid_head(seq, digest) or seq == 0:
        return
    key = HEAD_KEY + station_id
    known = _head_of(meta_value(session, key))
    if known is not None and known["seq"] >= seq:
        return
    value = {"seq": seq, "hash": digest, "at": _now(), "source": source}
    set_meta(session, key, json.dumps(value, sort_keys=True))


def _head_of(value: str | None) -> dict[str, Any] | None:
    try:
        found = json.loads(value) if value else None
    except ValueError:
        return None
    ok = isinstance(found, dict) and _valid_head(found.get("seq"), found.get("hash"))
    return found if ok else None


def kept_head(session: Session, station_id: str) -> Witness | None:
    """The highest head of `station_id` this store has been told of."""
    found = _head_of(meta_value(session, HEAD_KEY + station_id))
    if found is None:
        return None
    return Witness(found["seq"], found["hash"], str(found.get("at")), str(found.get("source")))


# --- what `check` reports ---------------------------------------------------------------------


def problems(store: Store, session: Session) -> list[str]:
    """Missing guards, an emptied log, and any witnessed head the log does not hold."""
    found: list[str] = []
    gone = audit.missing_guards(session)
    if gone:
        which = f"trigger {gone[0]} is" if len(gone) == 1 else f"triggers {' and '.join(gone)} are"
        found.append(
            f"The audit log's guard {which} missing or altered, so its entries may have been "
            "changed or deleted outside the app."
        )
    end, _ = audit.head(session)
    if end == 0 and _holds_records(session):
        found.append(
            "The audit log is empty although the store holds records: its entries were "
            "deleted outside the app."
        )
    witnesses, unreadable = _witnesses(store, session)
    found.extend(unreadable)
    beyond = [w for w in witnesses if w.seq > end]
    if beyond:
        w = max(beyond, key=lambda w: w.seq)
        lost = f"entry {w.seq} is" if w.seq == end + 1 else f"entries {end + 1}–{w.seq} are"
        ends = f"ends at entry {end}" if end else "is empty"
        found.append(
            f"The audit log {ends} but entry {w.seq} was witnessed on {w.at[:10]} "
            f"({w.source}); {lost} missing."
        )
    changed = [w for w in witnesses if 0 < w.seq <= end and audit.hash_at(session, w.seq) != w.hash]
    if changed:
        w = min(changed, key=lambda w: w.seq)
        found.append(
            f"Audit entry {w.seq} is not the one witnessed on {w.at[:10]} ({w.source}): "
            f"entries up to {w.seq} were changed, added, removed or reordered outside the app."
        )
    return found


def _holds_records(session: Session) -> bool:
    """Whether the store holds accounts or contacts, each made with an audit entry (but the
    made-up records of a demo store, which `demo` loads in bulk)."""
    if meta_value(session, DEMO_KEY) == "1":
        return False
    users = session.scalar(select(func.count()).select_from(m.User))
    return bool(users) or bool(session.scalar(select(func.count()).select_from(m.Contact)))


def _witnesses(store: Store, session: Session) -> tuple[list[Witness], list[str]]:
    """Every head of this station readable here, and sentences for those that do not verify."""
    folder = keys_folder(store)
    try:
        identity = StationIdentity.load(folder)
    except PcsoDeskError:
        identity = None
    station = meta_value(session, STATION_KEY)
    found: list[Witness] = []
    bad: list[str] = []
    kept = kept_head(session, station or "")
    found.extend([kept] if kept else [])
    if identity is None or identity.station_id != station:
        if (folder / SIDECAR).exists():
            bad.append(f"{folder / SIDECAR} cannot be checked: this store's station keys are gone.")
        return found, bad
    public = identity.public()
    try:
        sidecar = _read_sidecar(folder, public)
    except (ValueError, TypeError, KeyError) as exc:
        _log.debug("sidecar refused: %s", exc)
        bad.append(
            f"{folder / SIDECAR} is not signed by this station's key: it was altered or "
            "replaced, so the audit log's head could not be checked against it."
        )
    else:
        found.extend([sidecar] if sidecar else [])
    backups, unsigned = _backup_heads(store, public)
    return found + backups, bad + unsigned


def _backup_heads(store: Store, public: PublicIdentity) -> tuple[list[Witness], list[str]]:
    """The head each backup of this station holds in its log and in its signed row."""
    folder = store.backups or store.path.with_name("backups")
    found: list[Witness] = []
    bad: list[str] = []
    for backup in list_backups(folder):
        source = f"backup {backup.path.name}"
        try:
            conn = connect(
                backup.path.absolute().as_uri() + "?mode=ro&immutable=1", store.key, uri=True
            )
            try:
                meta = dict(conn.execute("SELECT key, value FROM store_meta").fetchall())
                own = audit.raw_head(conn)
            finally:
                conn.close()
        except DriverError:
            continue  # an older schema or a damaged file: `newest_good_backup` says which
        if meta.get(STATION_KEY) != public.station_id:
            continue  # another station's store
        found.append(Witness(own[0], own[1], backup.made_at.isoformat(), source))
        if BACKUP_KEY in meta:
            try:
                found.append(read_signed(meta[BACKUP_KEY], public, source))
            except (ValueError, TypeError, KeyError):
                bad.append(
                    f"The audit head recorded in {source} is not signed by this station's key."
                )
    return found, bad
