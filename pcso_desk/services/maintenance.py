"""Setting up a new store (or finishing a half-made one) and checking one (integrity, schema)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.wording import counted
from pcso_desk.services.context import TEAM_KEY, Context, meta_value, set_meta
from pcso_desk.services.protection import audit, audit_witness
from pcso_desk.services.team_setup import NAME_MAX
from pcso_desk.store import migrate
from pcso_desk.store import models as m
from pcso_desk.store.backup import DamagedStoreError, newest_good_backup

DEFAULT_TEAM = "Neighbourhood Team"


@dataclass(frozen=True)
class CheckReport:
    path: str
    schema: str | None
    newest_schema: str
    integrity: str
    problems: tuple[str, ...] = field(default=())
    contacts: int = 0
    audit_entries: int = 0
    newest_backup: str | None = None  # the newest backup that verifies
    damaged: bool = False  # found damaged before it was opened: nothing else was read

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        state = "up to date" if self.schema == self.newest_schema else "OUT OF DATE"
        out = [f"Store: {self.path}"]
        if not self.damaged:
            out.append(f"Schema version: {self.schema} ({state})")
        out.append(f"Integrity check: {self.integrity}")
        if not self.damaged:
            out += [
                f"Contacts: {self.contacts:,}",
                f"Audit log: {counted(self.audit_entries, 'entry', 'entries')}",
            ]
        out.append(f"Newest good backup: {self.newest_backup or 'none'}")
        out += [f"Problem: {problem}" for problem in self.problems]
        out.append("Store is healthy." if self.ok else "Store has problems.")
        return out


def team_name(team: str | None) -> str:
    """The team's name as it is stored (whitespace tidied; the default when none is given)."""
    if team is None:
        return DEFAULT_TEAM
    name = " ".join(team.split())
    if not name:
        raise ValidationError("Give the team a name.", "team")
    if len(name) > NAME_MAX:
        raise ValidationError(f"The team name can be at most {NAME_MAX} characters.", "team")
    return name


@dataclass(frozen=True)
class SetupState:
    """How far a store was set up: its team (if named) and whether it has user accounts."""

    team: str | None
    accounts: bool

    @property
    def half_made(self) -> bool:
        """Named for a team but without an account: `init` finishes it by adding the admin."""
        return bool(self.team) and not self.accounts


def setup_state(ctx: Context) -> SetupState:
    with ctx.store.read() as session:
        team = meta_value(session, TEAM_KEY)
        users = session.scalar(
            select(func.count()).select_from(m.User).where(m.User.deleted_at.is_(None))
        )
    return SetupState(team or None, bool(users))


def check_init(state: SetupState, team: str | None) -> None:
    """Refuse, in one sentence, an `init` that would not set up or finish this store."""
    if state.accounts:
        named = f" for team '{state.team}'" if state.team else ""
        raise ValidationError(
            f"This store is already set up{named} with user accounts; nothing was changed."
        )
    wanted = team_name(team) if team is not None else None
    if state.team and wanted and wanted.casefold() != state.team.casefold():
        raise ValidationError(
            f"This store is already set up for team '{state.team}', not '{wanted}'; leave out "
            "--team to finish setting it up.",
            "team",
        )


def init_store(ctx: Context, team: str | None) -> str:
    """Name the team on a new store; refuses a store that already has a team."""
    name = team_name(team)
    with ctx.store.write() as session:
        existing = meta_value(session, TEAM_KEY)
        if existing:
            raise ValidationError(
                f"This store is already set up for team '{existing}'; nothing was changed."
            )
        set_meta(session, TEAM_KEY, name)
    from pcso_desk.services.sync.stations import ensure_identity

    ensure_identity(ctx)  # the station's sync keys are made with the store
    return name


def check_store(ctx: Context) -> CheckReport:
    """SQLite's integrity and foreign-key checks, the schema version against this release, and
    the audit log: its chain, its guard triggers, and every head witnessed outside the store
    (services/protection/audit_witness.py)."""
    audit.flush(ctx.store)  # searches' entries still queued are part of the log checked
    problems: list[str] = []
    with ctx.store.engine.connect() as conn:
        integrity = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
        if ctx.store.encrypted:  # every page's HMAC, free pages too
            pages = conn.exec_driver_sql("PRAGMA cipher_integrity_check").fetchall()
            integrity = [str(row[0]) for row in pages] or integrity
        fk_faults = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        fts_ok = _fts_in_step(conn)
    if integrity != ["ok"]:
        problems.extend(f"integrity: {line}" for line in integrity[:5])
    if fk_faults:
        table = fk_faults[0][0]
        problems.append(f"{len(fk_faults)} row(s) point at missing records (first in {table}).")
    problems.extend(fts_ok)
    schema = migrate.current_revision(ctx.store.engine)
    head = migrate.head_revision()
    if schema != head:
        problems.append(f"schema version {schema} is not this release's {head}.")
    with ctx.store.read() as session:
        contacts = session.scalar(
            select(func.count()).select_from(m.Contact).where(m.Contact.deleted_at.is_(None))
        )
        chain = audit.verify(session) if schema == head else None
        if chain is not None and not chain.ok:
            problems.append(
                f"audit log: {chain.reason} (the first bad entry is {chain.first_bad})."
            )
        if chain is not None:
            problems.extend(audit_witness.problems(ctx.store, session))
    folder = ctx.store.backups or ctx.store.path.with_name("backups")
    newest = newest_good_backup(folder, ctx.store.key)
    return CheckReport(
        str(ctx.store.path),
        schema,
        head,
        "ok" if integrity == ["ok"] else "FAILED",
        tuple(problems),
        int(contacts or 0),
        chain.entries if chain else 0,
        str(newest.path) if newest else None,
    )


def damaged_report(error: DamagedStoreError) -> CheckReport:
    """What `check` says of a store that failed the start-up check (it was never opened)."""
    backup = error.newest_backup
    problems = [f"the store is damaged: {error.reason}; it was not opened or written to."]
    if backup is not None:
        problems.append(f"restore the newest good backup with: pcso-desk restore {backup.path}")
    else:
        problems.append("no backup in the backups folder verifies.")
    return CheckReport(
        str(error.path),
        None,
        migrate.head_revision(),
        "FAILED",
        tuple(problems),
        newest_backup=str(backup.path) if backup else None,
        damaged=True,
    )


def _fts_in_step(conn: Connection) -> list[str]:
    """Each search index holds exactly the live rows of its table."""
    checks = {
        "contacts": "deleted_at IS NULL AND merged_into_id IS NULL",
        "meetings": "deleted_at IS NULL",
        "priorities": "deleted_at IS NULL",
    }
    problems = []
    for table, live in checks.items():
        rows = conn.exec_driver_sql(f"SELECT count(*) FROM {table} WHERE {live}").scalar()
        indexed = conn.exec_driver_sql(f"SELECT count(*) FROM {table}_fts").scalar()
        if rows != indexed:
            problems.append(f"the search index of {table} is out of step ({indexed} of {rows}).")
    return problems
