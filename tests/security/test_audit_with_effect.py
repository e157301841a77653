"""An export, a backup copy or a saved document and its audit entry: both or neither.

The process is cut off at each step of a file output (os.replace, the entry's commit) the
way a kill would, and what is left is compared: a file under its real name is never without
its entry (with the file's SHA-256), and an import's rows never without theirs.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.maintenance import init_store
from pcso_desk.services.protection import audit
from tests.keys import build_services, raw


class Killed(BaseException):
    """What the process dying at this point looks like to the code around it."""


@pytest.fixture
def services(tmp_path: Path) -> Services:
    made = build_services(DataPaths(tmp_path / "station").ensure())
    init_store(made.ctx, "Riverside SNT")
    made.contacts.create({"name": "Robin Sample", "postcode": "AL1 3AB"})
    return made


def _entries(services: Services, action: str) -> list[dict[str, Any]]:
    with services.ctx.store.read() as session:
        found = session.execute(
            text("SELECT * FROM audit_log WHERE action = :a ORDER BY seq"), {"a": action}
        )
        return [dict(row._mapping) for row in found]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_killed_before_the_entry_commits_leaves_neither(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "contacts.csv"

    def die(*_args: Any, **_kwargs: Any) -> None:
        raise Killed

    monkeypatch.setattr(audit, "append", die)
    with pytest.raises(Killed):
        services.export_table("contacts", "csv", out)
    monkeypatch.undo()
    assert not out.exists() and _entries(services, "export") == []
    assert _leftovers(tmp_path) == []  # the hidden copy went with it


def test_killed_after_the_entry_commits_leaves_the_entry_and_no_file_under_its_name(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "contacts.csv"
    real_replace = os.replace

    def die(source: Any, target: Any) -> None:
        if Path(target) == out:
            raise Killed
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", die)
    with pytest.raises(Killed):
        services.export_table("contacts", "csv", out)
    monkeypatch.undo()
    assert not out.exists()
    [entry] = _entries(services, "export")  # over-reported, never under-reported
    assert "contacts.csv" in entry["detail"] and "sha256" in entry["detail"]


def test_a_finished_export_names_the_digest_of_exactly_the_file_delivered(
    services: Services, tmp_path: Path
) -> None:
    out = tmp_path / "contacts.csv"
    services.export_table("contacts", "csv", out)
    [entry] = _entries(services, "export")
    assert hashlib.sha256(out.read_bytes()).hexdigest() in entry["detail"]
    assert f"{out.stat().st_size} bytes" in entry["detail"]
    assert _leftovers(tmp_path) == []


def test_an_import_and_its_entry_commit_together(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "people.csv"
    source.write_text("Full Name,Post Code\nAnn Example,SG1 1AA\n", encoding="utf-8")
    real_append = audit.append

    def die(session: Any, ctx: Any, action: str, *rest: Any, **named: Any) -> None:
        if action == "import":
            raise Killed
        real_append(session, ctx, action, *rest, **named)

    monkeypatch.setattr(audit, "append", die)
    with pytest.raises(Killed):
        services.import_contacts(source)
    monkeypatch.undo()
    assert services.contacts.count() == 1  # Ann was not kept without the entry
    services.import_contacts(source)
    assert services.contacts.count() == 2 and len(_entries(services, "import")) == 1


def test_a_real_kill_during_an_export_never_leaves_an_unaudited_file(tmp_path: Path) -> None:
    """A real process, killed (SIGKILL) the moment its output appears: the entry is there."""
    data = tmp_path / "station"
    env = {**os.environ, "PCSO_DESK_DATA_DIR": str(data)}
    run = [sys.executable, "-m", "pcso_desk"]
    subprocess.run([*run, "init"], env=env, check=True, capture_output=True, timeout=120)
    out = tmp_path / "contacts.csv"
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "real = os.replace\n"
        "def replace(source, target):\n"
        f"    if Path(target) == Path({str(out)!r}):\n"
        "        os.kill(os.getpid(), 9)  # the moment before the file would take its name\n"
        "    real(source, target)\n"
        "os.replace = replace\n"
        "from pcso_desk.app import main\n"
        f"sys.exit(main(['export', 'contacts', '--format', 'csv', '--out', {str(out)!r}]))\n"
    )
    killed = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, timeout=120, check=False
    )
    assert killed.returncode == -9, killed.stderr
    assert not out.exists()
    with raw(data / "pcso-desk.sqlite") as conn:
        actions = [row[0] for row in conn.execute("SELECT action FROM audit_log")]
    assert "export" in actions  # committed before the file would have taken its name
