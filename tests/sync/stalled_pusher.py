"""A station stalled mid-push, for tests: `python -m tests.sync.stalled_pusher URL` connects
to the hub as the app does, takes the push lock inside a transaction, says "locked", and
waits (the test then stops it with SIGSTOP, as a closed laptop lid would)."""

from __future__ import annotations

import sys
import time

from sqlalchemy import text

from pcso_desk.sync.hub import PUSH_LOCK, hub_engine


def main(url: str) -> None:
    engine, _shown = hub_engine(url)
    with engine.connect() as conn, conn.begin():
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PUSH_LOCK})
        print("locked", flush=True)
        time.sleep(600)


if __name__ == "__main__":
    main(sys.argv[1])
