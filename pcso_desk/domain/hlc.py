"""Hybrid logical clock: orders changes across station PCs without trusting wall clocks."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

# A peer clock further ahead than this is not followed: one bad PC cannot drag the team forward.
MAX_DRIFT_MS = 5 * 60 * 1000
# The encoded form: 15-digit wall milliseconds, 6-digit counter, station id.
HLC_PATTERN = re.compile(r"[0-9]{15}-[0-9]{6}-[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True, order=True)
class Hlc:
    """One timestamp: wall milliseconds, a counter for ties, and the station that made it."""

    wall_ms: int
    counter: int
    station: str

    def encode(self) -> str:
        # Fixed-width so that string order is clock order, in SQLite and PostgreSQL alike.
        return f"{self.wall_ms:015d}-{self.counter:06d}-{self.station}"

    @classmethod
    def decode(cls, text: str) -> Hlc:
        wall, counter, station = text.split("-", 2)
        return cls(int(wall), int(counter), station)

    @classmethod
    def parse(cls, text: object) -> Hlc | None:
        """The timestamp in `text`, or None when it is not one (for untrusted input)."""
        if not isinstance(text, str) or not HLC_PATTERN.fullmatch(text):
            return None
        return cls.decode(text)


class HybridClock:
    """Issues strictly increasing Hlc values for one station."""

    def __init__(self, station: str, wall: Callable[[], float] = time.time) -> None:
        self._station = station
        self._wall = wall
        self._last = Hlc(0, 0, station)

    def _wall_ms(self) -> int:
        return int(self._wall() * 1000)

    def now(self) -> Hlc:
        wall = self._wall_ms()
        if wall > self._last.wall_ms:
            self._last = Hlc(wall, 0, self._station)
        else:
            self._last = Hlc(self._last.wall_ms, self._last.counter + 1, self._station)
        return self._last

    @property
    def station(self) -> str:
        return self._station

    @property
    def last(self) -> Hlc:
        return self._last

    def advance_to(self, floor: Hlc) -> None:
        """Never issue a time at or before `floor`: this station's own earlier high-water mark.

        Unlike `observe`, no drift bound applies: the floor was issued by this station, and
        going backwards (after the PC's clock was put back) would reorder its own changes.
        """
        if (floor.wall_ms, floor.counter) > (self._last.wall_ms, self._last.counter):
            self._last = Hlc(floor.wall_ms, floor.counter, self._station)

    def too_far_ahead(self, remote: Hlc) -> bool:
        """True when `remote` is further ahead of this PC's wall clock than MAX_DRIFT_MS."""
        return remote.wall_ms > self._wall_ms() + MAX_DRIFT_MS

    def observe(self, remote: Hlc) -> bool:
        """Move past a peer's timestamp; refuse (return False) one too far in the future."""
        if self.too_far_ahead(remote):
            return False
        if remote.wall_ms > self._last.wall_ms or (
            remote.wall_ms == self._last.wall_ms and remote.counter > self._last.counter
        ):
            self._last = Hlc(remote.wall_ms, remote.counter, self._station)
        return True
