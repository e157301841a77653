"""A station stalled mid-push, for tests: `python -m tests.sync.stalled_pusher URL TEAM`
connects to the hub as the app does, takes the team's numbering lock inside a transaction
(as a push does while it numbers its rows), says "locked", and waits (the test then stops
it with SIGSTOP, as a closed laptop lid would)."""

from __future__ import annotations

import sys
import time

from pcso_desk.sync.hub import _lock_team, hub_engine


def main(url: str, team: str) -> None:
    engine, _shown = hub_engine(url)
    with engine.connect() as conn, conn.begin():
        _lock_team(conn, team)
        print("locked", flush=True)
        time.sleep(600)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
