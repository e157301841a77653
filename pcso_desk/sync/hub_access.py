"""A station's access to the hub: made by the hub's keeper, sealed for that one station.

`pcso-desk hub add-station` writes an access file holding the hub's address with the
station's own role and password, encrypted for the station's public key (X25519, as a
bundle's file key): only that station can open it, and nobody types or sees the password.
`pcso-desk sync join-hub FILE` (or Join hub… on the Sync screen) opens it and keeps the
address in the station's keys folder (`hub-access`, private to the user, encrypted with the
store's key), from where every hub sync reads it. Screens show the address without the
password.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from pcso_desk.atomic import write_atomic
from pcso_desk.domain.errors import PcsoDeskError
from pcso_desk.sync.envelope import wrap_key
from pcso_desk.sync.identity import PublicIdentity, StationIdentity

MAGIC = b"PCSOHUBACCESS1"
STORED = "hub-access"
INFO = b"pcso-desk hub access v1"
NONCE = bytes(12)  # every key here encrypts one message
MAX_BYTES = 64 * 1024


class AccessError(PcsoDeskError):
    """A hub access file cannot be used; the message is one sentence."""


def seal_access(station: PublicIdentity, url: str) -> bytes:
    """The access file's bytes: `url` readable only by `station`."""
    ephemeral = X25519PrivateKey.generate()
    raw = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(station.encryption_key))
    label = MAGIC + station.station_id.encode()
    body = json.dumps({"station": station.station_id, "url": url}).encode()
    return (
        MAGIC
        + raw
        + AESGCM(wrap_key(shared, raw, station.encryption_key, INFO)).encrypt(NONCE, body, label)
    )


def read_access_file(path: Path) -> bytes:
    """The bytes of the access file at `path` (refused when too large to be one)."""
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError as exc:
        raise AccessError(f"There is no hub access file at {path}.") from exc
    except OSError as exc:
        raise AccessError(f"The hub access file {path} could not be read.") from exc
    if len(data) > MAX_BYTES:
        raise AccessError("The file is not a PCSO Desk hub access file.")
    return data


def open_access(data: bytes, me: StationIdentity) -> str:
    """The hub address in an access file made for this station."""
    if len(data) > MAX_BYTES or not data.startswith(MAGIC):
        raise AccessError("The file is not a PCSO Desk hub access file.")
    raw, sealed = data[len(MAGIC) : len(MAGIC) + 32], data[len(MAGIC) + 32 :]
    try:
        key = wrap_key(me.agree(raw), raw, me.public().encryption_key, INFO)
        body = json.loads(
            AESGCM(key).decrypt(NONCE, sealed, MAGIC + me.station_id.encode()).decode()
        )
    except (InvalidTag, ValueError) as exc:
        raise AccessError(
            "This hub access file was made for another station (or is damaged)."
        ) from exc
    if not isinstance(body, dict) or body.get("station") != me.station_id:
        raise AccessError("This hub access file was made for another station (or is damaged).")
    return str(body["url"])


def keep_access(folder: Path, url: str, store_key: bytes | None) -> None:
    """Keep the address in the keys folder, encrypted with the store's key when it has one."""
    plain = url.encode()
    if store_key is None:
        data = b"plain:" + plain
    else:
        nonce = os.urandom(12)
        data = b"sealed:" + nonce + AESGCM(store_key).encrypt(nonce, plain, STORED.encode())
    write_atomic(folder / STORED, data, private=True)


def kept_access(folder: Path, store_key: bytes | None) -> str | None:
    """The address kept by `keep_access`, or None when this station has joined no hub."""
    try:
        data = (folder / STORED).read_bytes()
    except FileNotFoundError:
        return None
    damaged = "The hub access kept on this PC is damaged; join the hub again."
    if data.startswith(b"plain:"):
        return data[len(b"plain:") :].decode()
    if not data.startswith(b"sealed:") or store_key is None:
        raise AccessError(damaged)
    body = data[len(b"sealed:") :]
    try:
        return AESGCM(store_key).decrypt(body[:12], body[12:], STORED.encode()).decode()
    except (InvalidTag, ValueError) as exc:
        raise AccessError(damaged) from exc
