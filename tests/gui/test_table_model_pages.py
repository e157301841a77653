"""A long windowed list shows every row in its place wherever the user scrolls: pages in the
back half are read from the end (in the opposite order) and turned round."""

from __future__ import annotations

from dataclasses import replace

from pcso_desk.gui.table_model import BATCH, ColumnDef, WindowedTableModel
from pcso_desk.gui.tasks import TaskRunner
from pcso_desk.services.values import ListQuery, Page

NAMES = [f"Name {n:04d}" for n in range(BATCH * 5 + 37)]  # five full pages and a short one


def _fetch(asked: list[ListQuery]):  # type: ignore[no-untyped-def]
    def fetch(query: ListQuery) -> Page:
        asked.append(query)
        ordered = sorted(NAMES, reverse=query.descending)
        rows = [{"id": name, "name": name} for name in ordered]
        return Page(rows[query.offset : query.offset + query.limit], None)

    return fetch


def test_every_page_shows_its_own_rows_in_order_from_either_end(qtbot) -> None:  # type: ignore[no-untyped-def]
    asked: list[ListQuery] = []
    fetch = _fetch(asked)
    runner = TaskRunner(lambda error: None)
    model = WindowedTableModel(
        runner,
        fetch,
        lambda query: replace(fetch(query), total=len(NAMES)),
        [ColumnDef("name", "Name")],
    )
    try:
        model.fetchMore()
        qtbot.waitUntil(lambda: model.rowCount() == len(NAMES))
        for row in (len(NAMES) - 1, BATCH * 4 + 3, BATCH * 2 + 199, BATCH + 5):
            qtbot.waitUntil(lambda row=row: model.index(row, 0).data() is not None)
        for row in range(len(NAMES)):  # every row asked for (its page fetched), then shown
            qtbot.waitUntil(lambda row=row: model.index(row, 0).data() is not None)
        assert [model.index(row, 0).data() for row in range(len(NAMES))] == NAMES
        # The pages past the middle were read from the end: a short walk, however long the list.
        backwards = {(q.offset, q.limit) for q in asked if q.descending}
        assert backwards == {(0, 37), (37, BATCH), (237, BATCH)}
    finally:
        runner.shutdown()
