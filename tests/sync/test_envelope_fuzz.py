"""Fuzzing: whatever bytes arrive, open_bundle raises only BundleError (or opens a real bundle)."""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcso_desk.sync.envelope import MAGIC, VERSION, BundleError, open_bundle, seal
from pcso_desk.sync.identity import StationIdentity, TrustStore

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@dataclass
class Pair:
    sender: StationIdentity
    receiver: StationIdentity
    trusted: TrustStore
    bundle: bytes


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Pair:
    root = tmp_path_factory.mktemp("fuzz")
    sender = StationIdentity.create(root / "a", "st-a", "A", "Team")
    receiver = StationIdentity.create(root / "b", "st-b", "B", "Team")
    trusted = TrustStore(root / "b")
    trusted.trust(sender.public())
    bundle = seal(b"payload", sender, [receiver.public()], bundle_id="fuzz")
    return Pair(sender, receiver, trusted, bundle)


def _only_bundle_error(data: bytes, pair: Pair, *, may_open: bool = False) -> None:
    try:
        opened = open_bundle(data, pair.receiver, pair.trusted)
    except BundleError as exc:
        assert str(exc).endswith(".") and "\n" not in str(exc)
    else:  # only the untouched bundle may open
        assert may_open or data == pair.bundle
        assert opened.payload == b"payload"


@FUZZ
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes(pair: Pair, data: bytes) -> None:
    _only_bundle_error(data, pair)


@FUZZ
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_after_the_magic(pair: Pair, data: bytes) -> None:
    _only_bundle_error(MAGIC + bytes([VERSION]) + data, pair)


@FUZZ
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(["set", "insert", "delete"]),
            st.integers(min_value=0, max_value=10_000),
            st.integers(min_value=0, max_value=255),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_valid_bundles(pair: Pair, edits: list[tuple[str, int, int]]) -> None:
    data = bytearray(pair.bundle)
    for kind, where, value in edits:
        at = where % (len(data) + 1)
        if kind == "insert":
            data.insert(at, value)
        elif data and kind == "delete":
            del data[at % len(data)]
        elif data:
            data[at % len(data)] = value
    _only_bundle_error(bytes(data), pair)


def _signed_bundle(pair: Pair, header: bytes, ciphertext: bytes, payload_length: int) -> bytes:
    """A bundle whose signature is genuine but whose header is whatever the fuzzer chose."""
    sender = b"st-a"
    team = b"Team"
    prefix = (
        MAGIC
        + bytes([VERSION])
        + struct.pack(">B", len(sender))
        + sender
        + struct.pack(">H", len(team))
        + team
        + struct.pack(">IQ", len(header), payload_length)
    )
    signed = prefix + header + ciphertext
    return signed + pair.sender.sign(signed)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)


@FUZZ
@given(header=st.binary(max_size=300), ciphertext=st.binary(max_size=40))
def test_signed_garbage_headers(pair: Pair, header: bytes, ciphertext: bytes) -> None:
    """The header parser itself, reached past a valid signature, fails only with BundleError."""
    length = max(len(ciphertext) - 16, 0)
    data = _signed_bundle(pair, header, ciphertext.ljust(length + 16, b"\x00"), length)
    _only_bundle_error(data, pair)


@FUZZ
@given(
    changes=st.dictionaries(
        st.sampled_from(
            [
                "format",
                "version",
                "team",
                "sender",
                "bundle_id",
                "created",
                "payload_length",
                "recipients",
                "extra",
            ]
        ),
        json_values,
        min_size=1,
    ),
    entry_changes=st.dictionaries(
        st.sampled_from(["station_id", "ephemeral_key", "wrapped_key", "extra"]), json_values
    ),
)
def test_signed_near_valid_headers(
    pair: Pair, changes: dict[str, object], entry_changes: dict[str, object]
) -> None:
    """Well-formed JSON headers with wrong fields, signed by a registered station."""
    start = pair.bundle.index(b"{")
    header_length, payload_length = struct.unpack(">IQ", pair.bundle[start - 12 : start])
    header = json.loads(pair.bundle[start : start + header_length])
    header.update(changes)
    if isinstance(header.get("recipients"), list) and header["recipients"]:
        entry = header["recipients"][0]
        if isinstance(entry, dict):
            entry.update(entry_changes)
    raw = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii")
    ciphertext = pair.bundle[start + header_length : -64]
    # a change that keeps every field valid (say another "created" time) may still open
    _only_bundle_error(_signed_bundle(pair, raw, ciphertext, payload_length), pair, may_open=True)
