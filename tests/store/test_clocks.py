"""This station's clock: never backwards (even across restarts), and a clock for each field."""

from __future__ import annotations

import time

import pytest

from pcso_desk.domain.hlc import Hlc
from pcso_desk.paths import DataPaths
from pcso_desk.services.api import Services
from pcso_desk.services.context import Context
from pcso_desk.store.models import Contact
from pcso_desk.store.session import open_store


def _open(paths: DataPaths) -> Services:
    return Services(Context.open(open_store(paths.store, paths.backups)))


def test_the_clock_never_runs_backwards_across_restarts(
    data_paths: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _open(data_paths)
    made = first["contacts"].create({"name": "Ann Example", "kind": "resident"}).created[0]
    before = first["contacts"].get(made)["hlc"]
    first.ctx.store.close()

    real = time.time()
    monkeypatch.setattr("pcso_desk.domain.hlc.time.time", lambda: real - 86_400)  # a day back
    again = _open(data_paths)
    again["contacts"].update(made, {"phone": "01632 960001"})
    after = again["contacts"].get(made)["hlc"]
    again.ctx.store.close()
    assert after > before
    assert Hlc.decode(after).wall_ms >= Hlc.decode(before).wall_ms


def test_an_edit_records_the_clock_of_each_changed_field(services: Services) -> None:
    made = services["contacts"].create({"name": "Ann Example", "kind": "resident"}).created[0]
    created = services["contacts"].get(made)["hlc"]
    services["contacts"].update(made, {"phone": "01632 960001"})
    with services.ctx.store.read() as session:
        contact = session.get(Contact, made)
        assert contact is not None
        clocks = contact.field_clocks
        assert clocks is not None
        assert clocks["*"] == created
        assert clocks["phone"] == [contact.hlc, created]
        assert "name" not in clocks  # unchanged fields keep the record's first clock


def test_a_new_record_needs_no_field_clocks(services: Services) -> None:
    made = services["contacts"].create({"name": "Ann Example", "kind": "resident"}).created[0]
    with services.ctx.store.read() as session:
        contact = session.get(Contact, made)
        assert contact is not None and contact.field_clocks is None
