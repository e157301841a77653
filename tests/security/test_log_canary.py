"""No personal data in logs: marker values go through every path that writes under logs/ (an
unexpected SQL error in a write and in an import, refused sign-ins, the crash log of the
command line and of the desktop app, a refused sync bundle), and no file there holds one."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from pcso_desk import app
from pcso_desk.paths import DataPaths
from pcso_desk.services.protection import accounts
from tests.cli.station import PASSWORDS, Station, as_user, build_station, run
from tests.keys import build_services, raw

NAME, POSTCODE, NOTES, PHONE = "Zqxcanary Smith", "ZE9 9ZX", "canary-note-7781", "07700 900781"
EMAIL, ADDRESS = "zqx.canary@example.org", "7781 Canarywharf Lane"
CSV_NAME, CSV_NOTES = "Zqxcsv Jones", "canary-csv-note-4410"
USER, SECRET = "zqxcanary-user", "Canary-pass-5531"
MARKERS = (NAME, "Zqxcanary", POSTCODE, "ZE99ZX", NOTES, "7700900781", "7700 900781", EMAIL,
           ADDRESS, CSV_NAME, "Zqxcsv", CSV_NOTES, USER, SECRET)  # fmt: skip
# What makes the store fail where nothing expects it: every write of a contact hits a fault
# in SQLite itself (an OperationalError, which no service turns into a sentence).
FAULT = """
CREATE TRIGGER canary_fault_insert BEFORE INSERT ON contacts
BEGIN SELECT abs(-9223372036854775807 - 1); END;
CREATE TRIGGER canary_fault_update BEFORE UPDATE ON contacts
BEGIN SELECT abs(-9223372036854775807 - 1); END;
"""


@pytest.fixture
def station(tmp_path: Path) -> Station:
    """A station whose store holds a contact made of markers, and then starts failing."""
    made = build_station(tmp_path / "station")
    services = build_services(DataPaths(made.root))
    try:
        accounts.sign_in(services.ctx, "sergeant", PASSWORDS["sergeant"])
        services.contacts.create(
            {"name": NAME, "postcode": POSTCODE, "notes": NOTES, "phone": PHONE,
             "email": EMAIL, "address": ADDRESS}
        )  # fmt: skip
    finally:
        services.ctx.store.close()
    with raw(DataPaths(made.root).store) as db:
        db.executescript(FAULT)
    db.close()
    return made


def _failed_write(paths: DataPaths) -> BaseException:
    """An edit of the marker contact through the services, refused by the failing store."""
    services = build_services(paths)
    try:
        accounts.sign_in(services.ctx, "sergeant", PASSWORDS["sergeant"])
        found = services.find_contacts(NAME)
        assert found, "the marker contact is in the store"
        with pytest.raises(OperationalError) as raised:
            services.contacts.update(found[0][0], {"notes": f"{NOTES} {CSV_NOTES}"})
        return raised.value
    finally:
        services.ctx.store.close()


def _with_markers_in_its_locals_and_args() -> BaseException:
    """A bug whose exceptions carry markers: a message, a chained cause, a note, a file name."""

    def fail(name: str, postcode: str) -> None:
        notes = {"notes": NOTES, "phone": PHONE}
        try:
            notes[name]  # a KeyError whose key is a person's name
        except KeyError as missing:
            raise ValueError(f"{postcode!r} is not a postcode for {name}") from missing

    try:
        fail(NAME, POSTCODE)
    except ValueError as error:
        error.add_note(f"while saving {EMAIL}")
        try:
            raise FileNotFoundError(2, "No such file or directory", f"/exports/{CSV_NAME}.csv")
        except FileNotFoundError as second:
            return second
    raise AssertionError("fail() did not fail")


def _postgresql_error() -> BaseException:
    """What the hub's driver says about a duplicate: PostgreSQL quotes the row in DETAIL."""

    class UniqueViolation(Exception):
        pass

    orig = UniqueViolation(
        'duplicate key value violates unique constraint "uq_changes"\n'
        f"DETAIL:  Key (name)=({NAME}) already exists."
    )
    return IntegrityError("INSERT INTO changes (name) VALUES (%(name)s)", {"name": NAME}, orig)


def test_no_marker_value_reaches_any_log(
    station: Station,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paths = DataPaths(station.root)
    # An import of a hostile CSV (formulae, an over-long cell, a bad row) meets the fault.
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(
        "Name,Postcode,Phone,Email,Notes\n"
        f'{CSV_NAME},{POSTCODE},{PHONE},{EMAIL},"=HYPERLINK(""http://x"",""{CSV_NOTES}"")"\n'
        f"{NAME} II,{POSTCODE},,,{NOTES}{'x' * 5000}\n"
        f"{CSV_NAME} III,not a postcode {CSV_NOTES},,not an email {EMAIL},\n",
        encoding="utf-8",
    )
    code, _, err = as_user(capsys, monkeypatch, station, "sergeant", "import", "contacts",
                           str(hostile))  # fmt: skip
    assert code == 1 and "unexpected error (OperationalError)" in err, err
    # Refused sign-ins: an unknown name, a password typed where the name goes, a wrong password.
    monkeypatch.setenv("PCSO_DESK_PASSWORD", SECRET)
    for user in (USER, SECRET, "sergeant"):
        code, _, err = run(capsys, "--data-dir", str(station.root), "--user", user, "check")
        assert code == 1 and "not right" in err, err
    # A sync bundle that is not one, holding markers.
    bundle = tmp_path / "from-the-team.pcsosync"
    bundle.write_text(f"{NAME} {POSTCODE} {NOTES}\n" * 50, encoding="utf-8")
    monkeypatch.setenv("PCSO_DESK_PASSWORD", PASSWORDS["sergeant"])
    code, _, err = run(capsys, "--data-dir", str(station.root), "--user", "sergeant", "sync",
                       "import", str(bundle))  # fmt: skip
    assert code == 1 and "unexpected" not in err, err
    # The crash logs of the command line (and daily care) and of the desktop app.
    from pcso_desk.gui.desk import Desk

    desk = cast(Desk, SimpleNamespace(paths=paths))
    failed_write = _failed_write(paths)
    said = str(failed_write)  # what anything printing the error shows: the SQL, no values
    assert "parameters hidden" in said and not [m for m in MARKERS if m in said], said
    for error in (failed_write, _with_markers_in_its_locals_and_args(), _postgresql_error()):
        assert app._log_crash(paths, error).endswith("pcso-desk.log")
        assert Desk.log_crash(desk, error).endswith("pcso-desk.log")

    logged = _every_file_under(paths.logs)
    crash_log = logged[paths.logs / "pcso-desk.log"]
    assert crash_log.count("unexpected error\n") == 7, "every failure above was logged"
    assert "integer overflow" in crash_log and "[SQL: UPDATE contacts SET" in crash_log
    assert "[SQL: INSERT INTO contacts" in crash_log, "the import's failure, with its SQL"
    assert "FileNotFoundError: [Errno 2] No such file or directory" in crash_log
    assert paths.logs / "sync.log" in logged, "the refused bundle was journalled"
    for path, text in logged.items():
        found = [m for m in MARKERS if m.lower() in text.lower()]
        assert not found, f"{path.name} holds personal values {found}"


def _every_file_under(folder: Path) -> dict[Path, str]:
    found: dict[Path, Any] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            found[path] = path.read_bytes().decode("utf-8", "replace")
    return found


def test_both_engines_hide_sql_parameters(tmp_path: Path) -> None:
    from pcso_desk.store.engine import make_engine
    from pcso_desk.sync.hub import hub_engine

    store, (hub, _) = make_engine(tmp_path / "s.sqlite"), hub_engine("postgresql://u@h/db")
    try:
        assert store.hide_parameters and hub.hide_parameters
    finally:
        store.dispose()
        hub.dispose()
