"""Revision 0009 keys held anti-social behaviour rows as the import now keys them.

A store written before it keyed an ASB row (no Crime ID) by a hash of the whole row, so a
later release of the same month with a revised outcome imported it again. After the upgrade,
importing the same month adds nothing and updates the outcome instead.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from pcso_desk.domain.enums import UserRole
from pcso_desk.services.context import Actor, Context
from pcso_desk.services.documents.crimes import HEADER, import_crimes, row_key
from pcso_desk.store.session import open_store
from tests.store.test_upgrade_corpus import corpus_id

pytestmark = pytest.mark.real_migrations

CORPUS = Path(__file__).resolve().parents[1] / "data" / "stores" / "0007.sqlite"
ROW = [
    "", "2026-03", "Testshire Police", "Testshire Police", "-0.1", "51.7",
    "On or near High Street", "E01099001", "Testshire 001A", "Anti-social behaviour", "", "",
]  # fmt: skip


def test_old_asb_keys_become_the_imports_keys_and_a_reimport_adds_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "pcso-desk.sqlite"
    shutil.copyfile(CORPUS, path)
    with sqlite3.connect(path) as conn:
        template = conn.execute("SELECT * FROM crime_records LIMIT 1").fetchone()
        names = [d[0] for d in conn.execute("SELECT * FROM crime_records LIMIT 1").description]
        for n in range(2):  # the same event twice in one month: two rows, as police.uk has it
            values = dict(zip(names, template, strict=True))
            values.update(
                id=f"00000000-0000-4000-8000-00000000000{n}",
                crime_id="",
                month="2026-03",
                reported_by="Testshire Police",
                falls_within="Testshire Police",
                lsoa_name="Testshire 001A",
                context="",
                longitude=-0.1,
                latitude=51.7,
                location="On or near High Street",
                lsoa_code="E01099001",
                crime_type="Anti-social behaviour",
                last_outcome="",
                ward_id=None,
                row_key=f"asb:old-whole-row-hash-{n}",
            )
            marks = ", ".join("?" for _ in names)
            conn.execute(f"INSERT INTO crime_records VALUES ({marks})", list(values.values()))
        values.update(  # a point the old import let through, which broke every bundle
            id="00000000-0000-4000-8000-000000000009",
            crime_id="inf1",
            longitude=float("inf"),
            row_key="inf1",
        )
        conn.execute(f"INSERT INTO crime_records VALUES ({marks})", list(values.values()))
    store = open_store(path, tmp_path / "backups")
    try:
        ctx = Context.open(store)
        ctx.sign_in(Actor(corpus_id("users", 1), "corpus.sergeant", UserRole.SERGEANT, None))
        with store.engine.connect() as conn:
            keys = sorted(
                k
                for (k,) in conn.exec_driver_sql(
                    "SELECT row_key FROM crime_records WHERE lsoa_code = 'E01099001'"
                )
            )
        assert keys == sorted([row_key(ROW, 0), row_key(ROW, 1), "inf1"])
        with store.engine.connect() as conn:
            point = conn.exec_driver_sql(
                "SELECT longitude, latitude FROM crime_records WHERE crime_id = 'inf1'"
            ).one()
        assert tuple(point) == (None, None)
        street = tmp_path / "street.csv"
        revised = [*ROW[:10], "Action to be taken by another organisation", ""]
        lines = [",".join(HEADER), ",".join(revised), ",".join(ROW)]
        street.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report = import_crimes(ctx, street)
        assert (report.added, report.already_held, report.updated) == (0, 2, 1)
    finally:
        store.close()
