"""End to end on the hub: what a station sends is encrypted for its team and signed by it.

The hub's database sees only ciphertext, with the routing a pull needs in the clear: team,
table, record id, sequence number, sender, protocol version and the newest clock. So a
person's details never sit readable on the hub, in its write-ahead log or in its dumps, and
a row written with `psql` by whoever holds the database owner's password is refused by
every station, because it can neither encrypt for the team nor sign as a station.

* **The team key.** One random AES-256 key per team, made by the team's first station on
  the hub, never stored there as it is: the hub keeps it *wrapped* for each station (X25519
  with the station's encryption key, as a bundle wraps its file key) and each wrap is signed
  by the station that made it. A station accepts a wrap only from itself or from a station
  it trusts (its keys/trusted folder), so a wrap planted by the owner is refused.
* **Items.** Each item is AES-256-GCM under the team key with a fresh nonce; the associated
  data binds the team, table, id, sender and protocol version, so a row moved to another
  record, team or sender fails.
* **Pages.** A push signs its items in pages: a page's manifest is the SHA-256 of each of its
  items' sealed bytes, signed (Ed25519) by the sender with the team and page id. One
  signature per page keeps a 3-million-item first sync affordable (verifying a signature
  per item would cost minutes), and an item whose digest is not in a page its sender signed
  is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from pcso_desk.domain.errors import PcsoDeskError
from pcso_desk.sync.changes import ChangeError, Item, parse_item
from pcso_desk.sync.envelope import wrap_key
from pcso_desk.sync.identity import PublicIdentity, StationIdentity

PROTOCOL = 1  # the hub item format this release writes; it reads every version up to it
KEY_BYTES = 32
NONCE_BYTES = 12
DIGEST_BYTES = 32
SIGNATURE_BYTES = 64
WRAP_INFO = b"pcso-desk hub team key wrap v1"
ZERO_NONCE = bytes(NONCE_BYTES)  # a wrap key encrypts exactly one message


class SealError(PcsoDeskError):
    """A hub item or key cannot be trusted or read; the message is one sentence."""


def new_team_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


# -- the team key, wrapped for each station ------------------------------------------------


def _wrap_label(team: str, station: str, by: str) -> bytes:
    return f"pcso-desk hub key|{team}|{station}|{by}".encode()


def wrap_team_key(key: bytes, team: str, recipient: PublicIdentity, me: StationIdentity) -> str:
    """The team key wrapped for `recipient` and signed by this station, as text for the hub."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient.encryption_key))
    kek = wrap_key(shared, ephemeral_raw, recipient.encryption_key, WRAP_INFO)
    label = _wrap_label(team, recipient.station_id, me.station_id)
    wrapped = AESGCM(kek).encrypt(ZERO_NONCE, key, label)
    signed = label + ephemeral_raw + wrapped
    return (ephemeral_raw + wrapped + me.sign(signed)).hex()


def unwrap_team_key(
    text: str, team: str, me: StationIdentity, by: PublicIdentity | None, by_id: str
) -> bytes:
    """The team key from a wrap made for this station by `by` (this station or one it trusts)."""
    if by is None:
        raise SealError(
            f"The team's hub key was handed to this station by a station it does not trust "
            f"({by_id}); register that station's identity or ask the hub's keeper."
        )
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = b""
    if len(raw) != KEY_BYTES + KEY_BYTES + 16 + SIGNATURE_BYTES:
        raise SealError("The team's hub key on the hub is damaged.")
    ephemeral_raw, wrapped, signature = raw[:32], raw[32:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
    label = _wrap_label(team, me.station_id, by.station_id)
    try:
        Ed25519PublicKey.from_public_bytes(by.signing_key).verify(
            signature, label + ephemeral_raw + wrapped
        )
        kek = wrap_key(
            me.agree(ephemeral_raw), ephemeral_raw, me.public().encryption_key, WRAP_INFO
        )
        return AESGCM(kek).decrypt(ZERO_NONCE, wrapped, label)
    except (InvalidSignature, InvalidTag, ValueError) as exc:
        raise SealError(
            f"The team's hub key handed over by {by.name} does not verify; it was not used."
        ) from exc


# -- items and pages -----------------------------------------------------------------------


def _item_label(team: str, table: str, row_id: str, sender: str, version: int) -> bytes:
    return json.dumps([version, team, table, row_id, sender], separators=(",", ":")).encode()


def seal_item(key: bytes, team: str, sender: str, item: Item) -> bytes:
    """The item encrypted under the team key: nonce + ciphertext (with its tag)."""
    plain = json.dumps({"v": item.values, "c": item.clocks}, ensure_ascii=False).encode()
    nonce = os.urandom(NONCE_BYTES)
    label = _item_label(team, item.table, item.id, sender, PROTOCOL)
    return nonce + AESGCM(key).encrypt(nonce, plain, label)


def digest(sealed: bytes) -> bytes:
    return hashlib.sha256(sealed).digest()


def _page_label(team: str, sender: str, page: str, manifest: bytes) -> bytes:
    return f"pcso-desk hub page|{team}|{sender}|{page}|".encode() + manifest


def sign_page(me: StationIdentity, team: str, page: str, sealed: Sequence[bytes]) -> bytes:
    """The page's manifest (each item's digest) followed by this station's signature of it."""
    manifest = b"".join(digest(body) for body in sealed)
    return manifest + me.sign(_page_label(team, me.station_id, page, manifest))


@dataclass(frozen=True)
class Page:
    """A page whose signature verified: the digests of the items its sender sealed in it."""

    digests: frozenset[bytes]


def open_page(signed: bytes, team: str, sender: PublicIdentity, page: str) -> Page:
    manifest, signature = signed[:-SIGNATURE_BYTES], signed[-SIGNATURE_BYTES:]
    if len(signed) <= SIGNATURE_BYTES or len(manifest) % DIGEST_BYTES:
        raise SealError(f"A page of changes from {sender.name} on the hub is damaged.")
    try:
        Ed25519PublicKey.from_public_bytes(sender.signing_key).verify(
            signature, _page_label(team, sender.station_id, page, manifest)
        )
    except InvalidSignature as exc:
        raise SealError(
            f"A page of changes under the name of {sender.name} on the hub is not signed by "
            "it (written on the hub by someone else)."
        ) from exc
    found = (manifest[n : n + DIGEST_BYTES] for n in range(0, len(manifest), DIGEST_BYTES))
    return Page(frozenset(found))


def open_item(
    key: bytes,
    team: str,
    table: str,
    row_id: str,
    sender: PublicIdentity,
    version: int,
    sealed: bytes,
    page: Page,
) -> Item:
    """The item, checked: in a page its sender signed, decrypting under the team key with
    its routing intact, and a well-formed change (raises SealError or ChangeError)."""
    if version > PROTOCOL:
        raise SealError(
            f"A change from {sender.name} was made by a newer PCSO Desk; it is kept aside "
            "until this PC is updated."
        )
    if digest(sealed) not in page.digests:
        raise SealError(
            f"A change under the name of {sender.name} on the hub is not one it signed "
            "(written on the hub by someone else)."
        )
    label = _item_label(team, table, row_id, sender.station_id, version)
    try:
        plain = AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], label)
        loaded: Any = json.loads(plain)
    except (InvalidTag, ValueError) as exc:
        raise SealError(
            f"A change under the name of {sender.name} was altered on the hub (it does not "
            "open as the record it is filed under)."
        ) from exc
    unknown = SealError(
        f"A change from {sender.name} holds what this PCSO Desk does not know (it may come "
        "from a newer release); it is kept aside and tried again once this PC is updated."
    )
    if not isinstance(loaded, dict) or set(loaded) != {"v", "c"}:
        raise unknown
    try:
        return parse_item({"t": table, "id": row_id, "v": loaded["v"], "c": loaded["c"]})
    except ChangeError as exc:
        raise unknown from exc
