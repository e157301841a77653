"""What the store is asked, for tests that read SQLite's query plans (list and pack indexes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event


def selects_sent(services: Any, run: Callable[[], Any]) -> list[tuple[str, Any]]:
    """Each SELECT (its SQL and parameters) that `run()` sends to the store, in order."""
    engine = services.ctx.store.engine
    sent: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, sql: str, params: Any, _context: Any, _many: Any) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            sent.append((sql, params))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    return sent


def plan_steps(services: Any, sql: str, params: Any) -> list[str]:
    """SQLite's plan of one statement, one line per step."""
    with services.ctx.store.engine.connect() as connection:
        return [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)]
