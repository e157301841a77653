"""The audit log for front ends (`services.audit`): read it, check its chain, export it.

Reading the log is itself audited ("read audit", with how many entries were read); an
export is one "export" entry with the file's size and SHA-256, committed before the file
takes its name (services/gateway.py). The pages an export reads are covered by that entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from pcso_desk.domain.permissions import ROLE_NAMES, Action
from pcso_desk.domain.schedule import LONDON
from pcso_desk.domain.wording import counted
from pcso_desk.services.context import Context
from pcso_desk.services.gateway import Effect, note, use_case
from pcso_desk.services.protection import audit
from pcso_desk.services.protection.audit import AuditRow, ChainCheck
from pcso_desk.store.models import AuditEntry

AUDIT_COLUMNS = ("Time", "User", "Role", "Action", "Kind", "Record ids", "Detail", "Outcome")
MAX_PAGE = 1000
EXPORT_PAGE = 1000


class AuditLog:
    """The audit log of one store: its entries newest first, its chain check, a CSV copy."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @use_case(Action.READ_AUDIT, "read audit", effect=Effect.READ, kind="audit_log")
    def entries(
        self,
        *,
        action: str | None = None,
        username: str | None = None,
        before_seq: int | None = None,
        limit: int = 200,
    ) -> list[AuditRow]:
        """The newest entries first, filtered; pass the last seq back as `before_seq` for more.
        Entries still queued (searches just typed) are written first, so they are listed."""
        audit.flush(self.ctx.store)
        found = _entries(self.ctx, action, username, before_seq, limit)
        note((), counted(len(found), "entry", "entries"))
        return found

    # Whether the chain is whole names no one and holds no personal data: anyone may ask (the
    # app checks it at every sign-in and warns whoever is at the desk).
    @use_case(None, effect=Effect.READ, kind="audit_log")
    def verify(self) -> ChainCheck:
        """Walk the chain: each entry's hash, its link to the one before, no gaps."""
        audit.flush(self.ctx.store)
        with self.ctx.store.read() as session:
            return audit.verify(session)

    @use_case(Action.READ_AUDIT, "export", effect=Effect.FILE, kind="audit_log", output="out")
    def export_csv(
        self, out: Path, *, action: str | None = None, username: str | None = None
    ) -> int:
        """Every entry matching the filters, newest first, as CSV; how many were written."""
        from pcso_desk.reports.common import MARKING
        from pcso_desk.services.records.export import write_csv_atomic

        audit.flush(self.ctx.store)  # searches still queued are exported too
        count = write_csv_atomic(out, _csv_rows(self.ctx, action, username), marking=MARKING)
        note((), f"{counted(count, 'entry', 'entries')} to CSV")
        return count


def audit_cells(entry: AuditRow) -> list[str]:
    """An entry as the admin screen and its CSV export show it (after its seq)."""
    role = {r.value: name for r, name in ROLE_NAMES.items()}.get(entry.role, entry.role)
    return [
        _when(entry.at),
        entry.username or "(no one signed in)",
        role,
        entry.action,
        entry.kind,
        ", ".join(entry.record_ids),
        entry.detail,
        entry.outcome,
    ]


def _when(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(LONDON).strftime("%d %b %Y %H:%M:%S")


def _csv_rows(ctx: Context, action: str | None, username: str | None) -> Iterator[list[Any]]:
    """The header, then every matching entry, read a page at a time."""
    yield ["Seq", *AUDIT_COLUMNS]
    before: int | None = None
    while True:
        page = _entries(ctx, action, username, before, EXPORT_PAGE)
        for entry in page:
            yield [entry.seq, *audit_cells(entry)]
        if len(page) < EXPORT_PAGE:
            return
        before = page[-1].seq


def _entries(
    ctx: Context,
    action: str | None,
    username: str | None,
    before_seq: int | None,
    limit: int,
) -> list[AuditRow]:
    """One page of entries, newest first (the caller's use case checked the right)."""
    stmt = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(max(1, min(limit, MAX_PAGE)))
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if username:
        stmt = stmt.where(AuditEntry.username == username)
    if before_seq is not None:
        stmt = stmt.where(AuditEntry.seq < before_seq)
    with ctx.store.read() as session:
        return [
            AuditRow(
                e.seq,
                e.at,
                e.username,
                e.role,
                e.action,
                e.kind,
                json.loads(e.record_ids),
                e.detail,
                e.outcome,
            )
            for e in session.scalars(stmt)
        ]
