"""Sync bundle envelope: a signed header bound to an AES-256-GCM payload for many recipients.

The byte layout, the algorithms and the order of the checks are in ``FORMAT.md`` next to
this module. ``open_bundle`` verifies the sender's Ed25519 signature before it parses the
header or decrypts anything, and raises only :class:`BundleError` for any input bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from pcso_desk.domain.errors import PcsoDeskError, StoreError
from pcso_desk.sync.identity import (
    STATION_ID_PATTERN,
    PublicIdentity,
    StationIdentity,
    TrustStore,
)

MAGIC = b"PCSOSYNC"
VERSION = 2  # 2 added the sender's audit head to the header; version 1 bundles still open
READABLE = (1, 2)
MAX_BUNDLE_BYTES = 256 * 1024 * 1024
MAX_HEADER_BYTES = 1024 * 1024
MAX_RECIPIENTS = 1000
MAX_TEAM_BYTES = 400
SIGNATURE_BYTES = 64
TAG_BYTES = 16
KEY_BYTES = 32
WRAPPED_KEY_BYTES = KEY_BYTES + TAG_BYTES
HEADER_FORMAT = "pcso-desk-bundle"
WRAP_INFO = b"pcso-desk bundle v1 file key wrap"
ZERO_NONCE = bytes(12)  # every AES-GCM key here encrypts exactly one message
_PREFIX_FIXED = len(MAGIC) + 1  # magic + version byte
BUNDLE_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")

ALTERED = "The bundle has been altered or damaged and was not imported."
INCOMPLETE = "The bundle is incomplete (it may have been cut short when copied)."
UNKNOWN_SENDER = "The bundle was signed by a station this team has not registered."
NOT_FOR_ME = "This bundle was not made for this station."
OWN_BUNDLE = "This bundle was made on this station; import it on the team's other stations."
NOT_A_BUNDLE = "The file is not a PCSO Desk sync bundle."
TOO_LARGE = "The file is too large to be a PCSO Desk sync bundle."
NEWER = "The bundle was made by a newer version of PCSO Desk; update this station first."
_HEADER_KEYS = frozenset(
    {"format", "version", "team", "sender", "bundle_id", "created", "payload_length", "recipients"}
)
_HEAD_KEYS = frozenset({"seq", "hash"})
NO_HEAD = (0, "0" * 64)  # the head of an empty audit log
_RECIPIENT_KEYS = frozenset({"station_id", "ephemeral_key", "wrapped_key"})


class BundleError(PcsoDeskError):
    """A sync bundle cannot be made or is refused; the message is one sentence for the user."""


@dataclass(frozen=True)
class Opened:
    """A bundle that passed every check: who sent it, its id, and the decrypted payload."""

    sender: PublicIdentity
    bundle_id: str
    payload: bytes
    created: str
    payload_sha256: str
    audit_head: tuple[int, str] | None = None  # the sender's (seq, hash); None from version 1


def _canonical(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode(
        "ascii"
    )


def wrap_key(shared: bytes, ephemeral: bytes, recipient: bytes, info: bytes = WRAP_INFO) -> bytes:
    """The AES key an X25519 exchange (`shared`, between an ephemeral key and `recipient`'s)
    gives for wrapping one secret: HKDF-SHA256, salt = ephemeral + recipient, `info` naming
    the use (a bundle's file key here; the hub's team key and access files elsewhere)."""
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=ephemeral + recipient, info=info
    ).derive(shared)


def _raw_public(key: X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _prefix(sender: str, team: str, header_length: int, payload_length: int) -> bytes:
    sender_raw = sender.encode("ascii")
    team_raw = team.encode("utf-8")
    return b"".join(
        (
            MAGIC,
            bytes([VERSION]),
            struct.pack(">B", len(sender_raw)),
            sender_raw,
            struct.pack(">H", len(team_raw)),
            team_raw,
            struct.pack(">IQ", header_length, payload_length),
        )
    )


def seal(
    payload: bytes,
    sender: StationIdentity,
    recipients: Sequence[PublicIdentity],
    *,
    bundle_id: str,
    audit_head: tuple[int, str] = NO_HEAD,
) -> bytes:
    """Encrypt ``payload`` for every recipient and sign the whole bundle as ``sender``, whose
    audit log's head (seq, hash) goes into the signed header for the recipients to keep."""
    if not _valid_bundle_id(bundle_id):
        raise BundleError(
            "A bundle id must be 1 to 128 letters, digits, dots, dashes or underscores."
        )
    if not recipients:
        raise BundleError("A bundle needs at least one registered station to send to.")
    unique: dict[str, PublicIdentity] = {}
    for recipient in recipients:
        if recipient.team != sender.team:
            raise BundleError(
                f"Station {recipient.station_id} belongs to team {recipient.team}, "
                f"not this team ({sender.team})."
            )
        unique[recipient.station_id] = recipient
    if len(unique) > MAX_RECIPIENTS:
        raise BundleError(f"A bundle can be sent to at most {MAX_RECIPIENTS} stations.")

    file_key = AESGCM.generate_key(bit_length=256)
    entries = []
    for station_id in sorted(unique):
        recipient = unique[station_id]
        ephemeral = X25519PrivateKey.generate()
        ephemeral_raw = _raw_public(ephemeral)
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient.encryption_key))
        wrap = wrap_key(shared, ephemeral_raw, recipient.encryption_key)
        entries.append(
            {
                "station_id": station_id,
                "ephemeral_key": _b64(ephemeral_raw),
                "wrapped_key": _b64(AESGCM(wrap).encrypt(ZERO_NONCE, file_key, None)),
            }
        )
    header = _canonical(
        {
            "format": HEADER_FORMAT,
            "version": VERSION,
            "team": sender.team,
            "sender": sender.station_id,
            "bundle_id": bundle_id,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "payload_length": len(payload),
            "recipients": entries,
            "audit_head": {"seq": audit_head[0], "hash": audit_head[1]},
        }
    )
    if len(header) > MAX_HEADER_BYTES:
        raise BundleError("The bundle has too many recipients for its header.")
    prefix = _prefix(sender.station_id, sender.team, len(header), len(payload))
    total = len(prefix) + len(header) + len(payload) + TAG_BYTES + SIGNATURE_BYTES
    if total > MAX_BUNDLE_BYTES:
        raise BundleError("The changes are too large for one bundle; send them in parts.")
    bound = prefix + header
    ciphertext = AESGCM(file_key).encrypt(ZERO_NONCE, payload, hashlib.sha256(bound).digest())
    signed = bound + ciphertext
    return signed + sender.sign(signed)


class _Reader:
    """Reads the unsigned length fields; running out of bytes means the file was cut short."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def take(self, count: int) -> bytes:
        end = self.offset + count
        if end > len(self.data):
            raise BundleError(INCOMPLETE)
        chunk = self.data[self.offset : end]
        self.offset = end
        return chunk


def open_bundle(data: bytes, me: StationIdentity, trusted: TrustStore) -> Opened:
    """Check, then decrypt a bundle for ``me``; any failure is a BundleError with one sentence."""
    try:
        return _open(bytes(data), me, trusted)
    except BundleError:
        raise
    except StoreError as exc:  # a damaged file under keys/trusted/: say so as it is
        raise BundleError(exc.message) from exc
    except (
        ValueError,  # also JSONDecodeError, UnicodeDecodeError, binascii.Error
        TypeError,
        KeyError,
        IndexError,
        OverflowError,
        RecursionError,
        struct.error,
        InvalidTag,
        InvalidSignature,
    ) as exc:
        raise BundleError(ALTERED) from exc


def _open(data: bytes, me: StationIdentity, trusted: TrustStore) -> Opened:
    # 1. Size bounds, before anything else.
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleError(TOO_LARGE)
    # 2. Magic and version.
    reader = _Reader(data)
    if len(data) < len(MAGIC):
        if MAGIC.startswith(data) and data:
            raise BundleError(INCOMPLETE)
        raise BundleError(NOT_A_BUNDLE)
    if reader.take(len(MAGIC)) != MAGIC:
        raise BundleError(NOT_A_BUNDLE)
    version = reader.take(1)[0]
    if version not in READABLE:
        raise BundleError(NEWER if version > VERSION else ALTERED)
    # 3. The unsigned routing fields: who signed it, for which team, and how long it is.
    (sender_length,) = struct.unpack(">B", reader.take(1))
    sender_id = reader.take(sender_length).decode("ascii")
    (team_length,) = struct.unpack(">H", reader.take(2))
    if team_length > MAX_TEAM_BYTES:
        raise BundleError(ALTERED)
    team = reader.take(team_length).decode("utf-8")
    header_length, payload_length = struct.unpack(">IQ", reader.take(12))
    if header_length > MAX_HEADER_BYTES or payload_length > MAX_BUNDLE_BYTES:
        raise BundleError(ALTERED)
    expected = reader.offset + header_length + payload_length + TAG_BYTES + SIGNATURE_BYTES
    if len(data) < expected:
        raise BundleError(INCOMPLETE)
    if len(data) > expected:
        raise BundleError(ALTERED)
    # 4. The sender must be a registered station of this team.
    if team != me.team:
        shown = f" ({team})" if team.isprintable() and 0 < len(team) <= 100 else ""
        raise BundleError(
            f"The bundle was made for another team{shown}, not this team ({me.team})."
        )
    if sender_id == me.station_id:
        raise BundleError(OWN_BUNDLE)
    sender = trusted.get(sender_id) if STATION_ID_PATTERN.fullmatch(sender_id) else None
    if sender is None or sender.team != me.team:
        raise BundleError(UNKNOWN_SENDER)
    # 5. The signature over everything before it, before any parsing or decryption.
    signed, signature = data[:-SIGNATURE_BYTES], data[-SIGNATURE_BYTES:]
    try:
        Ed25519PublicKey.from_public_bytes(sender.signing_key).verify(signature, signed)
    except InvalidSignature as exc:
        raise BundleError(ALTERED) from exc
    # 6. Only now: parse the (authentic) header and check it agrees with the routing fields.
    header_start = reader.offset
    header_raw = reader.take(header_length)
    header = _parse_header(header_raw, version)
    if (
        header["team"] != team
        or header["sender"] != sender_id
        or header["payload_length"] != payload_length
    ):
        raise BundleError(ALTERED)
    # 7. Find this station's entry, unwrap the file key, decrypt the payload in memory.
    entry = next((e for e in header["recipients"] if e["station_id"] == me.station_id), None)
    if entry is None:
        raise BundleError(NOT_FOR_ME)
    ephemeral = _decode_key(entry["ephemeral_key"], KEY_BYTES)
    wrapped = _decode_key(entry["wrapped_key"], WRAPPED_KEY_BYTES)
    my_public = me.public().encryption_key
    try:
        shared = me.agree(ephemeral)
        file_key = AESGCM(wrap_key(shared, ephemeral, my_public)).decrypt(ZERO_NONCE, wrapped, None)
        bound = data[: header_start + header_length]
        ciphertext = data[header_start + header_length : -SIGNATURE_BYTES]
        payload = AESGCM(file_key).decrypt(ZERO_NONCE, ciphertext, hashlib.sha256(bound).digest())
    except (InvalidTag, ValueError) as exc:
        raise BundleError(ALTERED) from exc
    return Opened(
        sender=sender,
        bundle_id=header["bundle_id"],
        payload=payload,
        created=header["created"],
        payload_sha256=hashlib.sha256(payload).hexdigest(),
        audit_head=_audit_head(header.get("audit_head")) if version >= 2 else None,
    )


def _valid_bundle_id(value: object) -> bool:
    return isinstance(value, str) and BUNDLE_ID_PATTERN.fullmatch(value) is not None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise BundleError(ALTERED)
    return result


def _decode_key(value: object, length: int) -> bytes:
    if not isinstance(value, str):
        raise BundleError(ALTERED)
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (ValueError, binascii.Error) as exc:
        raise BundleError(ALTERED) from exc
    if len(raw) != length:
        raise BundleError(ALTERED)
    return raw


def _parse_header(raw: bytes, version: int) -> dict[str, Any]:
    """The signed header, held to its exact shape (that of the prefix's version) and
    canonical encoding."""
    header = json.loads(raw.decode("ascii"), object_pairs_hook=_no_duplicates)
    keys = _HEADER_KEYS if version == 1 else _HEADER_KEYS | {"audit_head"}
    if not isinstance(header, dict) or set(header) != keys:
        raise BundleError(ALTERED)
    if header["format"] != HEADER_FORMAT or type(header["version"]) is not int:
        raise BundleError(ALTERED)
    if header["version"] != version:
        raise BundleError(ALTERED)
    if version >= 2:
        _audit_head(header["audit_head"])
    if _canonical(header) != raw:
        raise BundleError(ALTERED)
    bundle_id = header["bundle_id"]
    if not _valid_bundle_id(bundle_id):
        raise BundleError(ALTERED)
    created = header["created"]
    if not isinstance(created, str):
        raise BundleError(ALTERED)
    datetime.fromisoformat(created)
    length = header["payload_length"]
    if type(length) is not int or length < 0:
        raise BundleError(ALTERED)
    recipients = header["recipients"]
    if not isinstance(recipients, list) or not 0 < len(recipients) <= MAX_RECIPIENTS:
        raise BundleError(ALTERED)
    for entry in recipients:
        if not isinstance(entry, dict) or set(entry) != _RECIPIENT_KEYS:
            raise BundleError(ALTERED)
        if not isinstance(entry["station_id"], str):
            raise BundleError(ALTERED)
    return header


def _audit_head(value: object) -> tuple[int, str]:
    """The sender's audit head: a seq of 0 or more and a SHA-256 in lower-case hex."""
    if not isinstance(value, dict) or set(value) != _HEAD_KEYS:
        raise BundleError(ALTERED)
    seq, digest = value["seq"], value["hash"]
    if type(seq) is not int or seq < 0 or not isinstance(digest, str) or len(digest) != 64:
        raise BundleError(ALTERED)
    if not set(digest) <= set("0123456789abcdef"):
        raise BundleError(ALTERED)
    return seq, digest


def new_bundle_id() -> str:
    """A fresh random bundle id (32 hex digits)."""
    return os.urandom(16).hex()
