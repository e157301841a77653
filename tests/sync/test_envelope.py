"""Sync bundle envelope: only registered stations of the team read it; any change is refused."""

from __future__ import annotations

import base64
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import pytest

from pcso_desk.sync.envelope import (
    ALTERED,
    INCOMPLETE,
    MAGIC,
    NOT_FOR_ME,
    UNKNOWN_SENDER,
    VERSION,
    BundleError,
    new_bundle_id,
    open_bundle,
    seal,
)
from pcso_desk.sync.files import read_bundle, write_bundle_atomic
from pcso_desk.sync.identity import StationIdentity, TrustStore

TEAM = "Riverside SNT"


@dataclass
class Station:
    identity: StationIdentity
    trusted: TrustStore


@dataclass
class World:
    north: Station
    south: Station
    east: Station
    west: Station  # of the team, but nobody registered it
    hilltop: Station  # another team


def _station(root: Path, station_id: str, team: str = TEAM) -> Station:
    folder = root / station_id / "keys"
    return Station(
        StationIdentity.create(folder, station_id, station_id.title(), team), TrustStore(folder)
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("stations")
    north, south, east = (_station(root, s) for s in ("north", "south", "east"))
    west = _station(root, "west")
    hilltop = _station(root, "hilltop", "Hilltop SNT")
    for one in (north, south, east):
        for other in (north, south, east):
            if one is not other:
                one.trusted.trust(other.identity.public())
    west.trusted.trust(north.identity.public())
    return World(north, south, east, west, hilltop)


def _refused(data: bytes, station: Station) -> str:
    with pytest.raises(BundleError) as caught:
        open_bundle(data, station.identity, station.trusted)
    return str(caught.value)


def test_round_trip_to_two_recipients(world: World) -> None:
    payload = b"changes \x00\xff" * 10
    data = seal(
        payload,
        world.north.identity,
        [world.south.identity.public(), world.east.identity.public()],
        bundle_id="b-1",
    )
    assert data.startswith(MAGIC)
    assert payload not in data
    for station in (world.south, world.east):
        opened = open_bundle(data, station.identity, station.trusted)
        assert opened.payload == payload
        assert opened.bundle_id == "b-1"
        assert opened.sender == world.north.identity.public()
        assert len(opened.payload_sha256) == 64


def test_empty_payload_round_trips(world: World) -> None:
    data = seal(b"", world.north.identity, [world.south.identity.public()], bundle_id="empty")
    assert open_bundle(data, world.south.identity, world.south.trusted).payload == b""


def test_a_station_not_among_the_recipients_cannot_open_it(world: World) -> None:
    data = seal(b"x", world.north.identity, [world.south.identity.public()], bundle_id="b")
    assert _refused(data, world.east) == NOT_FOR_ME
    # west registered north, but the bundle was not made for west either
    assert _refused(data, world.west) == NOT_FOR_ME


def test_a_bundle_from_an_unregistered_station_is_refused(world: World) -> None:
    data = seal(b"x", world.west.identity, [world.south.identity.public()], bundle_id="b")
    assert _refused(data, world.south) == UNKNOWN_SENDER


def test_a_bundle_of_another_team_is_refused(world: World) -> None:
    data = seal(b"x", world.hilltop.identity, [world.hilltop.identity.public()], bundle_id="b")
    message = _refused(data, world.south)
    assert (
        message
        == "The bundle was made for another team (Hilltop SNT), not this team (Riverside SNT)."
    )


def test_seal_refuses_a_recipient_of_another_team(world: World) -> None:
    with pytest.raises(BundleError, match="belongs to team Hilltop SNT"):
        seal(b"x", world.north.identity, [world.hilltop.identity.public()], bundle_id="b")


@pytest.mark.parametrize("bundle_id", ["", "../x", "a b", "x" * 129, "é"])
def test_seal_refuses_a_bad_bundle_id(world: World, bundle_id: str) -> None:
    with pytest.raises(BundleError, match="bundle id"):
        seal(b"x", world.north.identity, [world.south.identity.public()], bundle_id=bundle_id)


def test_seal_needs_a_recipient(world: World) -> None:
    with pytest.raises(BundleError, match="at least one"):
        seal(b"x", world.north.identity, [], bundle_id="b")


@pytest.fixture(scope="module")
def small(world: World) -> bytes:
    return seal(b"small", world.north.identity, [world.south.identity.public()], bundle_id="s")


def test_every_single_bit_flip_is_refused(world: World, small: bytes) -> None:
    assert open_bundle(small, world.south.identity, world.south.trusted).payload == b"small"
    for position in range(len(small)):
        for bit in (0x01, 0x80):
            changed = bytearray(small)
            changed[position] ^= bit
            with pytest.raises(BundleError):
                open_bundle(bytes(changed), world.south.identity, world.south.trusted)


def test_every_truncation_is_refused(world: World, small: bytes) -> None:
    for length in range(len(small)):
        message = _refused(small[:length], world.south)
        if length >= len(MAGIC):
            assert message == INCOMPLETE, length


@pytest.mark.parametrize("tail", [b"\x00", b"junk", bytes(64), b"x" * 1000])
def test_an_appended_tail_is_refused(world: World, small: bytes, tail: bytes) -> None:
    assert _refused(small + tail, world.south) == ALTERED


def test_a_swapped_signature_is_refused(world: World, small: bytes) -> None:
    other = seal(b"small", world.north.identity, [world.south.identity.public()], bundle_id="s")
    assert _refused(small[:-64] + other[-64:], world.south) == ALTERED
    # re-signed by another registered station: still not north's signature
    resigned = small[:-64] + world.east.identity.sign(small[:-64])
    assert _refused(resigned, world.south) == ALTERED


def test_same_bundle_id_with_other_content_cannot_be_spliced(world: World) -> None:
    south = [world.south.identity.public()]
    one = seal(b"first", world.north.identity, south, bundle_id="same")
    two = seal(b"other", world.north.identity, south, bundle_id="same")
    opened_one = open_bundle(one, world.south.identity, world.south.trusted)
    opened_two = open_bundle(two, world.south.identity, world.south.trusted)
    assert opened_one.bundle_id == opened_two.bundle_id
    assert opened_one.payload_sha256 != opened_two.payload_sha256
    # the header of one with the ciphertext of the other is refused
    cut = len(one) - 64 - 16 - 5
    assert _refused(one[:cut] + two[cut:], world.south) == ALTERED


def test_a_sender_that_signs_a_rewritten_header_still_cannot_mislead(world: World) -> None:
    """Even a valid signature over a header that disagrees with the routing fields fails."""
    data = seal(b"hello", world.north.identity, [world.south.identity.public()], bundle_id="b")
    signed = data[:-64]
    tampered = signed.replace(b'"payload_length":5', b'"payload_length":6')
    assert tampered != signed
    assert _refused(tampered + world.north.identity.sign(tampered), world.south) == ALTERED


def test_a_low_order_ephemeral_key_is_refused(world: World) -> None:
    data = seal(b"hello", world.north.identity, [world.south.identity.public()], bundle_id="b")
    start = data.index(b'"ephemeral_key":"') + len('"ephemeral_key":"')
    signed = data[:start] + base64.b64encode(bytes(32)) + data[start + 44 : -64]
    assert _refused(signed + world.north.identity.sign(signed), world.south) == ALTERED


def test_a_team_name_that_cannot_be_shown_is_not_echoed(world: World, small: bytes) -> None:
    at = small.index(TEAM.encode())
    changed = small[:at] + b"Riverside\nSNT" + small[at + len(TEAM) :]
    assert _refused(changed, world.south) == (
        "The bundle was made for another team, not this team (Riverside SNT)."
    )


def test_rubbish_and_other_files_are_refused(world: World) -> None:
    newer = MAGIC + bytes([VERSION + 1]) + bytes(40)
    for data in (b"", b"PK\x03\x04zipfile", os.urandom(300), newer):
        _refused(data, world.south)
    assert "newer version" in _refused(newer, world.south)


def test_an_oversized_length_field_is_refused(world: World, small: bytes) -> None:
    at = small.index(b"{") - 12
    huge = small[:at] + struct.pack(">IQ", 2**32 - 1, 2**63) + small[at + 12 :]
    _refused(huge, world.south)


def test_new_bundle_ids_are_unique_and_valid(world: World) -> None:
    ids = {new_bundle_id() for _ in range(50)}
    assert len(ids) == 50
    seal(b"", world.north.identity, [world.south.identity.public()], bundle_id=ids.pop())


def test_write_is_atomic_and_read_is_bounded(world: World, tmp_path: Path, small: bytes) -> None:
    target = tmp_path / "north-to-south.pcsosync"
    write_bundle_atomic(target, small)
    write_bundle_atomic(target, small)  # replaces
    assert read_bundle(target) == small
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    with pytest.raises(BundleError, match="too large"):
        read_bundle(target, max_bytes=len(small) - 1)
    with pytest.raises(BundleError, match="no bundle file"):
        read_bundle(tmp_path / "missing")
    with pytest.raises(BundleError, match="could not be written"):
        write_bundle_atomic(tmp_path / "no-folder" / "x", small)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
