"""Station identity: a name, a team, an Ed25519 signing key and an X25519 encryption key.

Every store has one identity, created with the store and kept in its ``keys/`` folder:

- ``station.json``   the public identity (the same JSON ``sync identity --out`` writes);
- ``signing.key``    the raw 32-byte Ed25519 private key (mode 0600 where the OS allows);
- ``encryption.key`` the raw 32-byte X25519 private key (mode 0600 where the OS allows).

Peers the team has registered live as public identities under ``keys/trusted/``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from pcso_desk.atomic import write_atomic
from pcso_desk.domain.errors import StoreError, ValidationError

IDENTITY_FORMAT = "pcso-desk-station"
IDENTITY_VERSION = 1
PUBLIC_FILE = "station.json"
SIGNING_FILE = "signing.key"
ENCRYPTION_FILE = "encryption.key"
TRUSTED_FOLDER = "trusted"
MAX_IDENTITY_JSON = 64 * 1024
KEY_BYTES = 32

# A station id doubles as a file name under keys/trusted/: letters, digits, ".", "_" and "-".
STATION_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_TEXT_MAX = 100
_FINGERPRINT_DOMAIN = b"pcso-desk station fingerprint v1\x00"
_JSON_KEYS = frozenset(
    {
        "format",
        "version",
        "station_id",
        "name",
        "team",
        "signing_key",
        "encryption_key",
        "fingerprint",
    }
)


def valid_station_id(value: object) -> bool:
    """Whether ``value`` is a usable station id (also safe as a file name)."""
    return isinstance(value, str) and STATION_ID_PATTERN.fullmatch(value) is not None


def _valid_text(value: object) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= _TEXT_MAX
        and value == value.strip()
        and value.isprintable()
    )


def _check_fields(station_id: object, name: object, team: object) -> None:
    if not valid_station_id(station_id):
        raise ValidationError(
            "A station id must be 1 to 64 letters, digits, dots, dashes or underscores.",
            field="station_id",
        )
    if not _valid_text(name):
        raise ValidationError("A station name must be 1 to 100 printable characters.", field="name")
    if not _valid_text(team):
        raise ValidationError("A team name must be 1 to 100 printable characters.", field="team")


@dataclass(frozen=True)
class PublicIdentity:
    """What a station shows the world: who it is and the public halves of its two keys."""

    station_id: str
    name: str
    team: str
    signing_key: bytes
    encryption_key: bytes

    def __post_init__(self) -> None:
        _check_fields(self.station_id, self.name, self.team)
        if not isinstance(self.signing_key, bytes) or len(self.signing_key) != KEY_BYTES:
            raise ValidationError("A station signing key must be 32 bytes.", field="signing_key")
        if not isinstance(self.encryption_key, bytes) or len(self.encryption_key) != KEY_BYTES:
            raise ValidationError(
                "A station encryption key must be 32 bytes.", field="encryption_key"
            )
        try:
            Ed25519PublicKey.from_public_bytes(self.signing_key)
            X25519PublicKey.from_public_bytes(self.encryption_key)
        except ValueError as exc:
            raise ValidationError("The station's public keys are not valid.") from exc

    @property
    def fingerprint(self) -> str:
        """Six groups of four base32 characters (120 bits) from SHA-256 of both keys."""
        digest = hashlib.sha256(
            _FINGERPRINT_DOMAIN + self.signing_key + self.encryption_key
        ).digest()
        text = base64.b32encode(digest).decode("ascii")[:24]
        return "-".join(text[i : i + 4] for i in range(0, 24, 4))

    def same_keys(self, other: PublicIdentity) -> bool:
        return (self.signing_key, self.encryption_key) == (
            other.signing_key,
            other.encryption_key,
        )

    def to_json(self) -> str:
        document = {
            "format": IDENTITY_FORMAT,
            "version": IDENTITY_VERSION,
            "station_id": self.station_id,
            "name": self.name,
            "team": self.team,
            "signing_key": base64.b64encode(self.signing_key).decode("ascii"),
            "encryption_key": base64.b64encode(self.encryption_key).decode("ascii"),
            "fingerprint": self.fingerprint,
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> PublicIdentity:
        """Parse a station identity file; anything not exactly right is a ValidationError."""
        invalid = "The file is not a PCSO Desk station identity."
        if len(text) > MAX_IDENTITY_JSON:
            raise ValidationError(invalid)
        try:
            document = json.loads(text, object_pairs_hook=_no_duplicates)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8, duplicates
            raise ValidationError(invalid) from exc
        if not isinstance(document, dict) or document.get("format") != IDENTITY_FORMAT:
            raise ValidationError(invalid)
        version = document.get("version")
        if type(version) is not int or version != IDENTITY_VERSION:
            raise ValidationError(
                "The station identity was written by a newer version of PCSO Desk."
            )
        if set(document) != _JSON_KEYS:
            raise ValidationError(invalid)
        public = cls(
            station_id=_require_str(document["station_id"], invalid),
            name=_require_str(document["name"], invalid),
            team=_require_str(document["team"], invalid),
            signing_key=_b64_key(document["signing_key"], invalid),
            encryption_key=_b64_key(document["encryption_key"], invalid),
        )
        if document["fingerprint"] != public.fingerprint:
            raise ValidationError(
                "The station identity's fingerprint does not match its keys; "
                "the file has been altered."
            )
        return public


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _require_str(value: object, message: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(message)
    return value


def _b64_key(value: object, message: str) -> bytes:
    if not isinstance(value, str) or len(value) != 44:
        raise ValidationError(message)
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (ValueError, binascii.Error) as exc:
        raise ValidationError(message) from exc
    if len(raw) != KEY_BYTES or base64.b64encode(raw).decode("ascii") != value:
        raise ValidationError(message)
    return raw


def _write_file(path: Path, data: bytes, *, private: bool) -> None:
    """Write ``data`` under a temporary name, fsync, and rename into place."""
    write_atomic(path, data, private=private)


class StationIdentity:
    """This station's identity, holding its two private keys (never written anywhere else)."""

    def __init__(
        self,
        station_id: str,
        name: str,
        team: str,
        signing_key: Ed25519PrivateKey,
        encryption_key: X25519PrivateKey,
    ) -> None:
        _check_fields(station_id, name, team)
        self.station_id = station_id
        self.name = name
        self.team = team
        self._signing_key = signing_key
        self._encryption_key = encryption_key

    def __repr__(self) -> str:
        return f"StationIdentity({self.station_id!r}, {self.name!r}, team={self.team!r})"

    @classmethod
    def create(cls, folder: Path, station_id: str, name: str, team: str) -> StationIdentity:
        """Make fresh keys and keep them in ``folder`` (the data folder's ``keys/``)."""
        _check_fields(station_id, name, team)
        folder = Path(folder)
        if (folder / PUBLIC_FILE).exists():
            raise StoreError("This data folder already has a station identity.")
        identity = cls(
            station_id, name, team, Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
        )
        folder.mkdir(parents=True, exist_ok=True)
        raw = (PrivateFormat.Raw, NoEncryption())
        _write_file(
            folder / SIGNING_FILE,
            identity._signing_key.private_bytes(Encoding.Raw, *raw),
            private=True,
        )
        _write_file(
            folder / ENCRYPTION_FILE,
            identity._encryption_key.private_bytes(Encoding.Raw, *raw),
            private=True,
        )
        # The public file goes last: its presence means the identity is complete.
        _write_file(
            folder / PUBLIC_FILE, identity.public().to_json().encode("utf-8"), private=False
        )
        return identity

    @classmethod
    def load(cls, folder: Path) -> StationIdentity | None:
        """This station's identity from ``folder``, or None if it has none yet."""
        folder = Path(folder)
        public_path = folder / PUBLIC_FILE
        if not public_path.exists():
            return None
        damaged = f"The station keys in {folder} are damaged or incomplete."
        try:
            public = PublicIdentity.from_json(public_path.read_bytes())
            signing_raw = (folder / SIGNING_FILE).read_bytes()
            encryption_raw = (folder / ENCRYPTION_FILE).read_bytes()
        except (OSError, ValidationError) as exc:
            raise StoreError(damaged) from exc
        if len(signing_raw) != KEY_BYTES or len(encryption_raw) != KEY_BYTES:
            raise StoreError(damaged)
        identity = cls(
            public.station_id,
            public.name,
            public.team,
            Ed25519PrivateKey.from_private_bytes(signing_raw),
            X25519PrivateKey.from_private_bytes(encryption_raw),
        )
        if not identity.public().same_keys(public):
            raise StoreError(damaged)
        return identity

    def public(self) -> PublicIdentity:
        return PublicIdentity(
            station_id=self.station_id,
            name=self.name,
            team=self.team,
            signing_key=self._signing_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
            encryption_key=self._encryption_key.public_key().public_bytes(
                Encoding.Raw, PublicFormat.Raw
            ),
        )

    def sign(self, message: bytes) -> bytes:
        """An Ed25519 signature (64 bytes) over ``message``."""
        return self._signing_key.sign(message)

    def agree(self, peer_public: bytes) -> bytes:
        """X25519 shared secret with ``peer_public``; ValueError for a low-order peer key."""
        return self._encryption_key.exchange(X25519PublicKey.from_public_bytes(peer_public))


class TrustStore:
    """Peer stations this team has registered, as JSON files under ``keys/trusted/``."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.trusted_folder = self.folder / TRUSTED_FOLDER

    def _own(self) -> PublicIdentity:
        try:
            return PublicIdentity.from_json((self.folder / PUBLIC_FILE).read_bytes())
        except (OSError, ValidationError) as exc:
            raise StoreError(
                "This station has no identity yet, so it cannot register other stations."
            ) from exc

    def trust(self, public: PublicIdentity) -> None:
        """Register ``public`` as a station of this team (idempotent for the same keys)."""
        own = self._own()
        if public.team != own.team:
            raise ValidationError(
                f"That station belongs to team {public.team}, not this team ({own.team})."
            )
        if public.station_id == own.station_id:
            raise ValidationError("That is this station's own identity.")
        existing = self.get(public.station_id)
        if existing is not None and not existing.same_keys(public):
            raise ValidationError(
                f"Station {public.station_id} is already registered with different keys."
            )
        self.trusted_folder.mkdir(parents=True, exist_ok=True)
        _write_file(
            self.trusted_folder / f"{public.station_id}.json",
            public.to_json().encode("utf-8"),
            private=False,
        )

    def get(self, station_id: str) -> PublicIdentity | None:
        if not valid_station_id(station_id):
            return None
        path = self.trusted_folder / f"{station_id}.json"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"The registered station file {path} cannot be read.") from exc
        try:
            public = PublicIdentity.from_json(data)
        except ValidationError as exc:
            raise StoreError(f"The registered station file {path} is damaged.") from exc
        if public.station_id != station_id:
            raise StoreError(f"The registered station file {path} is damaged.")
        return public

    def all(self) -> list[PublicIdentity]:
        if not self.trusted_folder.is_dir():
            return []
        found = []
        for path in sorted(self.trusted_folder.glob("*.json")):
            public = self.get(path.stem)
            if public is not None:
                found.append(public)
        return found
