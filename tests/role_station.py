"""A station with one signed-in account per role, for tests that try every role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from pcso_desk.domain.enums import UserRole
from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.context import Context
from pcso_desk.services.maintenance import init_store
from pcso_desk.services.protection import accounts, audit
from tests.factories import World, make_world, utc
from tests.keys import build_services

PASSWORD = "correct horse battery"


class Station:
    """One store with a small world, one account per role, a victim case and a trusted peer."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.setup = build_services(DataPaths(root / "station").ensure())
        init_store(self.setup.ctx, "Riverside SNT")
        self.world: World = make_world(self.setup)
        self.contact = self.new_contact("Robin Sample")
        self.case = (
            self.setup["victim_cases"]
            .create(
                {
                    "victim_id": self.contact,
                    "crime_reference": "41 12345 26",
                    "offence_type": "Burglary",
                    "opened_at": utc(2026, 7, 2, 10),
                }
            )
            .created[0]
        )
        peer = build_services(DataPaths(root / "peer").ensure())
        init_store(peer.ctx, "Riverside SNT")
        card = root / "peer.identity"
        peer.sync.write_identity(card)
        self.setup.sync.trust(self.setup.sync.read_identity(card))
        peer.ctx.store.close()
        for role in UserRole:
            officer = self.world.officer if role is UserRole.PCSO else None
            accounts.create_account(self.setup.ctx, f"{role.value}-user", PASSWORD, role, officer)
        self.signed_in: dict[UserRole, Services] = {}
        for role in UserRole:
            services = Services(Context.open(self.setup.ctx.store))
            accounts.sign_in(services.ctx, f"{role.value}-user", PASSWORD)
            self.signed_in[role] = services
        self.made = 0
        self.doomed = ""

    def new_contact(self, name: str) -> str:
        return str(self.setup.contacts.create({"name": name}).created[0])

    def next_number(self) -> int:
        self.made += 1
        return self.made

    def audit_rows(self) -> list[dict[str, Any]]:
        audit.flush(self.setup.ctx.store)  # entries queued (a search's) are written first
        with self.setup.ctx.store.read() as session:
            found = session.execute(text("SELECT * FROM audit_log ORDER BY seq"))
            return [dict(row._mapping) for row in found]
