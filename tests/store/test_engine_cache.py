"""Each connection's page cache: a modest bound for every connection, a larger one for the
use that asks for it (store/engine.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pcso_desk.store.engine import CACHE_KIB, LARGE_CACHE_KIB, larger_cache, make_engine


def _cache_kib(connection: Any) -> int:
    value = int(connection.exec_driver_sql("PRAGMA cache_size").scalar())
    return -value if value < 0 else value * 4


def test_a_connection_keeps_the_larger_cache_it_asked_for(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "store.sqlite", b"k" * 32)
    try:
        with engine.connect() as connection:
            assert _cache_kib(connection) == CACHE_KIB
            larger_cache(connection)
            assert _cache_kib(connection) == LARGE_CACHE_KIB
            larger_cache(connection, CACHE_KIB // 2)  # never lowered by a smaller ask
            assert _cache_kib(connection) == LARGE_CACHE_KIB
        with engine.connect() as again:  # the pooled connection keeps it
            assert _cache_kib(again) == LARGE_CACHE_KIB
    finally:
        engine.dispose()
