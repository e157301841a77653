"""The one object front ends hold: every use case of PCSO Desk over one open store."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pcso_desk.domain.permissions import Action
from pcso_desk.domain.schedule import LocalityShare
from pcso_desk.services.casework import operations
from pcso_desk.services.casework.raised_api import Raised
from pcso_desk.services.casework.scorecard_api import Scorecards
from pcso_desk.services.casework.story import Story
from pcso_desk.services.casework.today_api import Today
from pcso_desk.services.context import Context
from pcso_desk.services.documents.api import Documents
from pcso_desk.services.documents.feeds_api import Feeds
from pcso_desk.services.documents.packs_api import Packs
from pcso_desk.services.gateway import Effect, note, use_case
from pcso_desk.services.protection.accounts import Accounts
from pcso_desk.services.protection.audit_api import AuditLog
from pcso_desk.services.protection.retention import Retention
from pcso_desk.services.records import specs
from pcso_desk.services.records.search import SearchHit, search
from pcso_desk.services.records.service import ListQuery, RecordService
from pcso_desk.services.setup_api import Setup
from pcso_desk.services.sync.api import Sync
from pcso_desk.services.unlock import Door, Stage

__all__ = ["Door", "Services", "Stage", "make_demo_folder", "restore_backup"]

if TYPE_CHECKING:  # the demo builder (Faker and all) loads only when a demo is made
    from pcso_desk.demo.builder import DemoFolder
    from pcso_desk.paths import DataPaths

OPTION_LABELS: dict[str, tuple[str, ...]] = {
    "officers": ("name", "collar_number"),
    "wards": ("name", "code"),
    "meetings": ("title",),
    "priorities": ("title",),
    "contacts": ("name", "postcode"),
}


def make_demo_folder(paths: DataPaths, **options: Any) -> DemoFolder:
    """Build the demo store and its accounts in the data folder `paths`, a store of its own
    (demo/builder.py): it opens and closes that store itself, so it needs no `Services`."""
    from pcso_desk.demo.builder import make_demo_folder as make

    return make(paths, **options)


@dataclass
class Services:
    """Built by app.py (or a test) around a Context; screens and the CLI call only this."""

    ctx: Context
    records: dict[str, RecordService] = field(init=False)
    # The recovery code made when this store was created or encrypted as it opened
    # (services/unlock.py): the front end shows it once, then forgets it.
    recovery_code: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.records = {spec.kind: RecordService(self.ctx, spec) for spec in specs.ALL_SPECS}
        self.victims = operations.VictimCare(self.ctx)
        self.kins = operations.Kins(self.ctx)
        self.priorities = operations.Priorities(self.ctx)
        self.messages = operations.Messages(self.ctx)
        self.sync = Sync(self.ctx)
        self.retention = Retention(self.ctx)
        self.accounts = Accounts(self.ctx)
        self.audit = AuditLog(self.ctx)
        self.setup = Setup(self.ctx)
        self.documents = Documents(self.ctx)
        self.feeds = Feeds(self.ctx)  # the website's calendar, priorities and team files
        self.packs = Packs(self.ctx)
        self.today = Today(self.ctx)
        self.scorecards = Scorecards(self.ctx)  # the Policing Pledge, item by item
        self.story = Story(self.ctx)  # a contact's timeline; an engagement's contacts
        self.raised = Raised(self.ctx)  # what people raised; did a priority move the dial

    def __getitem__(self, kind: str) -> RecordService:
        return self.records[kind]

    @property
    def contacts(self) -> RecordService:
        return self.records["contacts"]

    @property
    def engagements(self) -> RecordService:
        return self.records["engagements"]

    @property
    def meetings(self) -> RecordService:
        return self.records["meetings"]

    @use_case(Action.VIEW, effect=Effect.READ)
    def options(self, kind: str) -> list[tuple[str, str]]:
        """(id, label) pairs for a small reference list: wards, officers, neighbourhoods..."""
        labels = OPTION_LABELS.get(kind, ("name",))
        rows = self.records[kind].page(ListQuery(limit=1000)).rows
        return [
            (row["id"], " — ".join(str(row[key]) for key in labels if row.get(key))) for row in rows
        ]

    @use_case(None, effect=Effect.READ)
    def station_name(self) -> str:
        from pcso_desk.services.context import STATION_NAME_KEY, meta_value

        with self.ctx.store.read() as session:
            return meta_value(session, STATION_NAME_KEY) or "this PC"

    @use_case(Action.VIEW, effect=Effect.READ, kind="contacts")
    def find_contacts(self, typed: str, limit: int = 20) -> list[tuple[str, str]]:
        """(id, "Name — POSTCODE") for a type-ahead contact picker; "— do not contact" after
        a person the team must not contact (domain/consent.py)."""
        from pcso_desk.domain.consent import contact_stop, marked

        rows = self.contacts.page(ListQuery(text=typed, limit=limit)).rows
        return [
            (
                r["id"],
                marked(" — ".join(x for x in (r["name"], r["postcode"]) if x), contact_stop(r)),
            )
            for r in rows
        ]

    @use_case(Action.VIEW, effect=Effect.READ, kind="contacts")
    def likely_duplicates(self, values: dict[str, Any], exclude_id: str | None = None) -> list[Any]:
        """Existing contacts that are probably the person typed in `values` (best first)."""
        from pcso_desk.domain import validation as v
        from pcso_desk.domain.errors import ValidationError
        from pcso_desk.services.records.duplicates import Candidate, find_duplicates

        def clean(rule: Any, key: str) -> str:
            try:
                return str(v.optional(rule, values.get(key)) or "")
            except ValidationError:
                return ""  # an invalid value cannot match anything; the form says why

        name = clean(v.normalise_name, "name")
        if not name:
            return []
        candidate = Candidate(
            name,
            clean(v.normalise_postcode, "postcode"),
            clean(v.normalise_phone, "phone"),
            clean(v.normalise_email, "email"),
        )
        with self.ctx.store.read() as session:
            return find_duplicates(session, candidate, exclude_id=exclude_id)

    @use_case(
        Action.VIEW, "read history", effect=Effect.READ, kind_from="kind", restricted_only=True
    )
    def history(self, kind: str, record_id: str) -> Any:
        """Each field's values over time, the ones that lost a merge included (RecordHistory)."""
        from pcso_desk.services.records.history import record_history

        return record_history(self.ctx, kind, record_id)

    @use_case(Action.CHANGE, "restore value", kind_from="kind")
    def restore_value(self, kind: str, entry_id: str) -> Any:
        """Make a value from a record's history its value again (Changes)."""
        from pcso_desk.services.records.history import restore_value

        return restore_value(self.ctx, kind, entry_id)

    @use_case(Action.CHANGE, "merge", kind="contacts")
    def merge_contacts(
        self, keep_id: str, duplicate_id: str, take: Collection[str] | None = None
    ) -> Any:
        """Merge the duplicate into the kept contact; `take` names the fields whose value
        comes from the duplicate even where the kept one has a value (domain/carry.py)."""
        from pcso_desk.domain.carry import checked_take
        from pcso_desk.services.records.merge import merge_contacts

        taken = sorted(checked_take(take))  # declared field names only reach the audit
        note((keep_id, duplicate_id), "taken: " + ", ".join(taken) if taken else "")
        return merge_contacts(self.ctx, keep_id, duplicate_id, take)

    @use_case(Action.VIEW, effect=Effect.READ, kind="contacts")
    def merge_choices(self, keep_id: str, other: str | Mapping[str, Any]) -> list[Any]:
        """The kept contact and `other` (a contact's id, or values typed for a new contact)
        side by side, field by field, as a merge would carry them; nothing is written."""
        from pcso_desk.services.records.merge_view import merge_choices

        return list(merge_choices(self.ctx, keep_id, other))

    @use_case(Action.CHANGE, "undo merge", kind="contacts")
    def undo_merge(self, undo: Any) -> Any:
        """Put back a merged duplicate: the same right as the merge itself."""
        from pcso_desk.services.records.merge import undo_merge

        return undo_merge(self.ctx, undo)

    @use_case(Action.VIEW, "search", effect=Effect.READ, kind="search", queued=True)
    def search(self, typed: str, limit: int = 20) -> list[SearchHit]:
        """Everything matching the words typed; audited with the count, never the words.
        Victim cases (by crime reference) only for a role that may see victim care; the
        entry then names the cases shown, as every read of victim care records does. The
        entry is queued (written just after, in order, before the store closes): a keystroke
        does not wait for a commit."""
        restricted = self.ctx.may(Action.VIEW_RESTRICTED)
        hits = search(self.ctx, typed, limit, victim_cases=restricted)
        cases = [hit.id for hit in hits if hit.kind == "victim_cases"]
        shown = f"; {len(cases)} victim case(s)" if cases else ""
        note(cases, f"{len(hits)} results{shown}")
        return hits

    @use_case(Action.VIEW, effect=Effect.READ, kind="patrol_sessions")
    def time_in_locality(self, month: str, **scope: str | None) -> LocalityShare:
        return operations.time_in_locality(self.ctx, month, **scope)

    @use_case(Action.ORGANISATION, "build demo", kind="store")
    def build_demo(self, **options: Any) -> Any:
        from pcso_desk.demo.builder import build_demo

        return build_demo(self.ctx, **options)

    @use_case(None, effect=Effect.READ)
    def is_demo(self) -> bool:
        """Whether the open store is a demo store: made-up data, never real work."""
        from pcso_desk.services.context import DEMO_KEY, meta_value

        with self.ctx.store.read() as session:
            return meta_value(session, DEMO_KEY) == "1"

    @use_case(Action.ORGANISATION, "set up team", kind="neighbourhoods")
    def set_up_team(self, setup: Any) -> Any:
        """Name the team and create its district, base station, neighbourhood and wards."""
        from pcso_desk.services.team_setup import set_up_team

        return set_up_team(self.ctx, setup)

    @use_case(Action.ORGANISATION, "change", kind="neighbourhoods")
    def set_team_photo(self, neighbourhood_id: str, path: Path | None) -> Any:
        """Set (from an image file of up to 5 MB, scaled down) or remove the team photo that
        packs and handouts print; it is held in the store, so it syncs."""
        from pcso_desk.services.documents.team_photo import set_team_photo

        note((neighbourhood_id,), "team photo set" if path is not None else "team photo removed")
        return set_team_photo(self.ctx, neighbourhood_id, path)

    @use_case(Action.VIEW, effect=Effect.READ, kind="neighbourhoods")
    def team_photo(self, neighbourhood_id: str) -> bytes | None:
        """The team photo as stored (JPEG bytes), or None."""
        from pcso_desk.services.documents.team_photo import team_photo

        return team_photo(self.ctx, neighbourhood_id)

    @use_case(Action.IMPORT, "import", kind="contacts")
    def import_contacts(self, path: Path, **options: Any) -> Any:
        """Contacts from a CSV file, in one transaction with its audit entry."""
        from pcso_desk.services.records.contact_import import import_contacts

        report = import_contacts(self.ctx, path, **options)
        done = f"{report.added} added, {report.updated} updated"
        note((), f"dry run: {done}" if options.get("dry_run") else done)
        return report

    @use_case(Action.EXPORT, "export", effect=Effect.FILE, kind_from="table", output="out")
    def export_table(self, table: str, fmt: str, out: Path, *, everyone: bool = False) -> Any:
        """A table as CSV or XLSX; a list of people leaves off those who must not be contacted
        unless `everyone` (services/records/export.py). Returns its `Exported` counts."""
        from pcso_desk.services.records.export import export_table

        done = export_table(self.ctx, table, fmt, out, everyone=everyone)
        left = f", {done.left_off} left off (do not contact)" if done.left_off else ""
        note((), f"{done.rows} row(s) as {fmt}{left}" + (", everyone" if everyone else ""))
        return done

    @use_case(Action.EXPORT, "disclosure", effect=Effect.FOLDER, kind="contacts", output="folder")
    def export_subject_access(self, contact_id: str, folder: Path) -> tuple[Path, Path]:
        """A person's data as JSON and PDF, others' names redacted; audited as a disclosure."""
        from pcso_desk.services.protection.subject_access import export_subject_access

        note((contact_id,), "subject access export")
        return export_subject_access(self.ctx, contact_id, folder)

    @use_case(Action.VIEW, "backup", kind="store")
    def backup(self) -> Any:
        """A backup into the backups folder now (never rotated away)."""
        from pcso_desk.services.protection.backups import make_backup

        return make_backup(self.ctx)

    @use_case(Action.EXPORT, "backup", effect=Effect.FILE, kind="store", output="out")
    def backup_to(self, out: Path) -> Any:
        """A copy of the store outside the data folder: personal data leaving it, so the
        export right; the entry carries the copy's size and SHA-256."""
        from pcso_desk.services.protection.backups import make_backup

        return make_backup(self.ctx, out)

    @use_case(Action.IMPORT, effect=Effect.READ, kind="store")
    def restorer(self) -> Any:
        """The signed-in user, once allowed to restore (it replaces every record, so the import
        right); `restore_backup` then puts the backup in place with no store open."""
        return self.ctx.actor

    @use_case(None, effect=Effect.READ, kind="store")
    def check(self) -> Any:
        """The store's health: integrity, audit chain, counts (no personal data; no role)."""
        from pcso_desk.services.maintenance import check_store

        return check_store(self.ctx)

    @use_case(Action.VIEW, effect=Effect.READ, kind="meetings")
    def meeting_list(self, **filters: Any) -> list[Any]:
        """Meetings soonest first, by ward or neighbourhood and dates (services/meeting_list)."""
        from pcso_desk.services.casework.meeting_list import list_meetings

        return list_meetings(self.ctx, **filters)

    # -- what the signed-in person may do, and where they work (services/signed_in.py) --

    @use_case(None, effect=Effect.READ)
    def may(self, action: Action, kind: str = "") -> bool:
        """Whether the signed-in role may do `action` (to records of `kind`): a front end
        offers only what it may, and says who can (`who_may`) where it shows the rest."""
        from pcso_desk.services.signed_in import may

        return may(self.ctx, action, kind)

    @use_case(None, effect=Effect.READ)
    def who_may(self, action: Action, kind: str = "") -> str:
        """One sentence naming the roles that may do `action`: a disabled button's tooltip."""
        from pcso_desk.services.signed_in import who_may

        return who_may(action, kind)

    @use_case(Action.VIEW, effect=Effect.READ)
    def team_options(self, kind: str) -> list[tuple[str, str]]:
        """`options`, with the officers limited to the signed-in officer's neighbourhood (the
        team): a form's officer list by default. Every officer when no one with a
        neighbourhood is signed in."""
        from pcso_desk.services.signed_in import whereabouts

        hood = whereabouts(self.ctx).neighbourhood_id if kind == "officers" else None
        if hood is None:
            return self.options(kind)
        labels = OPTION_LABELS[kind]
        query = ListQuery(filters={"neighbourhood": hood}, limit=1000)
        return [
            (row["id"], " — ".join(str(row[key]) for key in labels if row.get(key)))
            for row in self.records[kind].page(query).rows
        ]

    @use_case(None, effect=Effect.READ)
    def whereabouts(self) -> Any:
        """The signed-in officer, their neighbourhood and ward: what a form starts with."""
        from pcso_desk.services.signed_in import whereabouts

        return whereabouts(self.ctx)


def restore_backup(paths: Any, backup: Path, actor: Any = None, key: bytes | None = None) -> Any:
    """Put a backup in place of the store, before any store is open (the app's start-up offer
    of the newest good backup, `pcso-desk restore`): not a use case of an open store, so it
    is not a method of Services; the restore writes its own audit entry into the store it
    puts back (services/protection/backups.py)."""
    from pcso_desk.services.protection.backups import restore

    return restore(paths, backup, actor=actor, key=key)
