"""The hybrid logical clock never runs backwards and cannot be dragged far ahead."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pcso_desk.domain.hlc import MAX_DRIFT_MS, Hlc, HybridClock


class FakeWall:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __call__(self) -> float:
        return self.seconds


def test_strictly_increasing_even_when_the_wall_clock_steps_back() -> None:
    wall = FakeWall(1_000.0)
    clock = HybridClock("station-a", wall)
    first = clock.now()
    wall.seconds = 900.0  # someone set the PC's clock back
    second = clock.now()
    third = clock.now()
    assert first < second < third
    assert first.encode() < second.encode() < third.encode()


def test_observe_moves_past_a_peer_but_refuses_a_wild_one() -> None:
    wall = FakeWall(1_000.0)
    clock = HybridClock("a", wall)
    near = Hlc(1_000_000 + 60_000, 3, "b")
    assert clock.observe(near)
    assert clock.now() > near
    wild = Hlc(1_000_000 + MAX_DRIFT_MS + 60_000, 0, "c")
    assert not clock.observe(wild)
    assert clock.now().wall_ms < wild.wall_ms


@given(st.integers(0, 10**14), st.integers(0, 999_998), st.text("abcdef0123456789-", min_size=1))
def test_encoding_round_trips_and_sorts_like_the_value(
    wall: int, counter: int, station: str
) -> None:
    stamp = Hlc(wall, counter, station)
    assert Hlc.decode(stamp.encode()) == stamp
    later = Hlc(wall, counter + 1, station)
    assert stamp.encode() < later.encode()
