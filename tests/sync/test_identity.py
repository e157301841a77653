"""Station identities: created once, loaded back, shared as JSON, trusted per team."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from pcso_desk.domain.errors import StoreError, ValidationError
from pcso_desk.sync.identity import PublicIdentity, StationIdentity, TrustStore


def test_create_then_load_gives_the_same_keys(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    created = StationIdentity.create(keys, "st-north", "North Station", "Riverside SNT")
    loaded = StationIdentity.load(keys)
    assert loaded is not None
    assert loaded.public() == created.public()
    assert (loaded.station_id, loaded.name, loaded.team) == (
        "st-north",
        "North Station",
        "Riverside SNT",
    )


def test_load_of_an_empty_folder_is_none(tmp_path: Path) -> None:
    assert StationIdentity.load(tmp_path / "keys") is None


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_private_key_files_are_owner_only(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    StationIdentity.create(keys, "st-1", "One", "Team")
    for name in ("signing.key", "encryption.key"):
        assert stat.S_IMODE((keys / name).stat().st_mode) == 0o600


def test_create_refuses_a_folder_that_already_has_an_identity(tmp_path: Path) -> None:
    StationIdentity.create(tmp_path, "st-1", "One", "Team")
    with pytest.raises(StoreError, match="already has a station identity"):
        StationIdentity.create(tmp_path, "st-2", "Two", "Team")


def test_load_refuses_keys_that_do_not_match(tmp_path: Path) -> None:
    StationIdentity.create(tmp_path, "st-1", "One", "Team")
    (tmp_path / "signing.key").write_bytes(bytes(32))
    with pytest.raises(StoreError, match="damaged"):
        StationIdentity.load(tmp_path)


def test_bad_station_fields_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        StationIdentity.create(tmp_path, "../evil", "One", "Team")
    with pytest.raises(ValidationError):
        StationIdentity.create(tmp_path, "st-1", "", "Team")
    with pytest.raises(ValidationError):
        StationIdentity.create(tmp_path, "st-1", "One", "Team\n")


def test_fingerprint_is_six_groups_of_four_and_depends_on_keys(tmp_path: Path) -> None:
    one = StationIdentity.create(tmp_path / "a", "st-1", "One", "Team").public()
    two = StationIdentity.create(tmp_path / "b", "st-1", "One", "Team").public()
    assert re.fullmatch(r"([A-Z2-7]{4}-){5}[A-Z2-7]{4}", one.fingerprint)
    assert one.fingerprint != two.fingerprint


def test_public_identity_json_round_trip(tmp_path: Path) -> None:
    public = StationIdentity.create(tmp_path, "st-1", "Ünïcode Station", "Team").public()
    text = public.to_json()
    assert PublicIdentity.from_json(text) == public
    assert PublicIdentity.from_json(text.encode("utf-8")) == public
    assert "PRIVATE" not in text.upper()


def _document(tmp_path: Path) -> dict[str, object]:
    public = StationIdentity.create(tmp_path, "st-1", "One", "Team").public()
    loaded: dict[str, object] = json.loads(public.to_json())
    return loaded


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "other"}, "not a PCSO Desk station identity"),
        ({"version": 2}, "newer version"),
        ({"version": True}, "newer version"),
        ({"extra": 1}, "not a PCSO Desk station identity"),
        ({"signing_key": "AAAA"}, "not a PCSO Desk station identity"),
        ({"encryption_key": 5}, "not a PCSO Desk station identity"),
        ({"station_id": "a/b"}, "station id"),
        ({"name": None}, "not a PCSO Desk station identity"),
        ({"fingerprint": "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"}, "fingerprint does not match"),
    ],
)
def test_from_json_is_strict(tmp_path: Path, change: dict[str, object], message: str) -> None:
    document = _document(tmp_path)
    document.update(change)
    with pytest.raises(ValidationError, match=message):
        PublicIdentity.from_json(json.dumps(document))


@pytest.mark.parametrize(
    "text", ["", "{", "[]", "null", '{"format": "pcso-desk-station"}', b"\xff\xfe", "x" * 70000]
)
def test_from_json_refuses_rubbish(text: str | bytes) -> None:
    with pytest.raises(ValidationError):
        PublicIdentity.from_json(text)


def test_from_json_refuses_duplicate_keys(tmp_path: Path) -> None:
    text = json.dumps(_document(tmp_path))
    with pytest.raises(ValidationError):
        PublicIdentity.from_json(text[:-1] + ', "name": "Other"}')


def test_trust_store_registers_and_lists_peers(tmp_path: Path) -> None:
    me = StationIdentity.create(tmp_path / "me", "st-me", "Me", "Team")
    peer = StationIdentity.create(tmp_path / "peer", "st-peer", "Peer", "Team").public()
    store = TrustStore(tmp_path / "me")
    assert store.all() == []
    assert store.get("st-peer") is None
    store.trust(peer)
    store.trust(peer)  # idempotent
    assert store.get("st-peer") == peer
    assert store.all() == [peer]
    assert (tmp_path / "me" / "trusted" / "st-peer.json").is_file()
    assert store.get("../st-peer") is None
    assert me.station_id == "st-me"


def test_trust_store_refuses_another_team(tmp_path: Path) -> None:
    StationIdentity.create(tmp_path / "me", "st-me", "Me", "Riverside SNT")
    other = StationIdentity.create(tmp_path / "o", "st-o", "Other", "Hilltop SNT").public()
    with pytest.raises(ValidationError) as caught:
        TrustStore(tmp_path / "me").trust(other)
    assert str(caught.value) == (
        "That station belongs to team Hilltop SNT, not this team (Riverside SNT)."
    )


def test_trust_store_refuses_new_keys_for_a_known_station_and_itself(tmp_path: Path) -> None:
    me = StationIdentity.create(tmp_path / "me", "st-me", "Me", "Team")
    store = TrustStore(tmp_path / "me")
    store.trust(StationIdentity.create(tmp_path / "a", "st-peer", "Peer", "Team").public())
    impostor = StationIdentity.create(tmp_path / "b", "st-peer", "Peer", "Team").public()
    with pytest.raises(ValidationError, match="different keys"):
        store.trust(impostor)
    with pytest.raises(ValidationError, match="own identity"):
        store.trust(me.public())


def test_trust_store_without_an_identity_says_so(tmp_path: Path) -> None:
    peer = StationIdentity.create(tmp_path / "peer", "st-peer", "Peer", "Team").public()
    with pytest.raises(StoreError, match="no identity yet"):
        TrustStore(tmp_path / "nothing").trust(peer)


def test_a_damaged_trusted_file_is_a_store_error(tmp_path: Path) -> None:
    StationIdentity.create(tmp_path, "st-me", "Me", "Team")
    (tmp_path / "trusted").mkdir()
    (tmp_path / "trusted" / "st-x.json").write_text("{", encoding="utf-8")
    with pytest.raises(StoreError, match="damaged"):
        TrustStore(tmp_path).get("st-x")
