"""The store's key, and who may unwrap it: the keyring beside the store.

A store is encrypted with a random 256-bit data key (store/engine.py). The key is never
written down as it is. The keyring, a small JSON file beside the store
(``pcso-desk.sqlite.keys``, private to the user), holds it *wrapped*, that is encrypted with
AES-256-GCM, several times over, the scheme password managers use:

* once for each account, under a key derived from that account's password with Argon2id and
  a salt of the wrap's own: signing in unwraps it, and a password change or an admin's reset
  wraps it again for that account (services/unlock.py, services/protection/accounts.py);
* once under the recovery code shown when the store was made (to print and lock away):
  `pcso-desk recover` unwraps it when every password is lost;
* on a store still being set up (no account yet, nothing personal in it) once "open": the
  key as it is, removed when the first account is wrapped.

A wrong password fails the wrap's authentication tag: the same answer as an unknown user
name, which costs the same Argon2 work against a decoy salt. Failures are counted here (the
store cannot be read without a key), under a keyed hash of the typed name, and lock a name
out after MAX_FAILURES; the refusals wait here until the next sign-in writes them into the
store's audit log. So does a sign-in made while another command held the store's write lock
(it is not refused for that: services/unlock.py).

The keyring is written atomically, and a copy is kept in the backups folder (written with
it): without a keyring an encrypted store cannot be opened even with the recovery code, so
`restore` and sign-in fall back on that copy.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pcso_desk.atomic import write_atomic
from pcso_desk.domain.errors import StoreError

FORMAT = 1
SUFFIX = ".keys"
RECOVERY = "recovery"
OPEN = "open"
ACCOUNT = "account:"
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MAX_REFUSALS = 500  # waiting for the audit log; the oldest go first beyond this
# Recovery codes: 30 letters and digits without look-alikes (no 0/O, 1/I/L), in groups of 5.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 30
KEY_BYTES = 32  # a 256-bit data key (store/engine.py checks it)


@dataclass(frozen=True)
class KdfCost:
    """Argon2id's cost for wrapping keys: the RFC 9106 low-memory profile, as the account
    passwords' hashes use (tests lower it, as they do for password hashes)."""

    time_cost: int = 3
    memory_cost: int = 65536  # KiB
    parallelism: int = 4


COST = KdfCost()


def keyring_path(store: Path) -> Path:
    return store.with_name(store.name + SUFFIX)


def spare_path(store: Path, backups: Path) -> Path:
    """The copy of the keyring kept with the backups."""
    return backups / (store.name + SUFFIX)


def new_data_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def new_recovery_code() -> str:
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(letters[i : i + 5] for i in range(0, CODE_LENGTH, 5))


def clean_code(typed: str) -> str:
    """A recovery code as typed (any case, spaces or dashes) in its written form."""
    letters = "".join(c for c in typed.upper() if c.isalnum())
    return "-".join(letters[i : i + 5] for i in range(0, len(letters), 5))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _derive(secret: str, salt: bytes, cost: dict[str, int]) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    raw = hash_secret_raw(
        secret.encode("utf-8", "surrogatepass"),
        salt,
        time_cost=cost["t"],
        memory_cost=cost["m"],
        parallelism=cost["p"],
        hash_len=cost.get("len", 32),
        type=Type.ID,
    )
    # The wrapping key is one step further from Argon2's output: a legacy wrap (below) is
    # made from an account's old password hash, whose digest is Argon2's output itself.
    return hashlib.sha256(b"pcso-desk keyring v1\x00" + raw).digest()


def _seal(kek: bytes, key: bytes, label: str) -> dict[str, str]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    box = AESGCM(kek).encrypt(nonce, key, label.encode("utf-8"))
    return {"nonce": _b64(nonce), "box": _b64(box)}


def _open_box(kek: bytes, wrap: dict[str, Any], label: str) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(kek).decrypt(_unb64(wrap["nonce"]), _unb64(wrap["box"]), label.encode())
    except (InvalidTag, KeyError, ValueError):
        return None


def wrap_with_secret(
    key: bytes, label: str, secret: str, cost: KdfCost | None = None
) -> dict[str, Any]:
    """`key` wrapped under `secret` (a password or recovery code) with a new salt."""
    chosen = cost or COST
    params = {"t": chosen.time_cost, "m": chosen.memory_cost, "p": chosen.parallelism}
    salt = os.urandom(16)
    sealed = _seal(_derive(secret, salt, params), key, label)
    return {"kdf": "argon2id", "salt": _b64(salt), **params, **sealed}


def legacy_wrap(key: bytes, label: str, password_hash: str) -> dict[str, Any] | None:
    """`key` wrapped for an account whose password is not known, from its Argon2id password
    hash: its digest is the Argon2 output of the right password with that hash's salt, so the
    right password unwraps it. Used once, when a plain store is encrypted, for the accounts
    other than the one signing in; re-wrapped with a new salt at that account's next sign-in
    (until then, someone holding a copy of the old plain store could unwrap it)."""
    parts = password_hash.split("$")
    if len(parts) != 6 or parts[1] != "argon2id":
        return None
    try:
        found = dict(item.split("=", 1) for item in parts[3].split(","))
        salt = base64.b64decode(parts[4] + "=" * (-len(parts[4]) % 4))
        digest = base64.b64decode(parts[5] + "=" * (-len(parts[5]) % 4))
        params = {"t": int(found["t"]), "m": int(found["m"]), "p": int(found["p"])}
    except (ValueError, KeyError):
        return None
    params["len"] = len(digest)
    kek = hashlib.sha256(b"pcso-desk keyring v1\x00" + digest).digest()
    sealed = _seal(kek, key, label)
    return {"kdf": "argon2id", "salt": _b64(salt), **params, "rewrap": True, **sealed}


def unwrap_with_secret(wrap: dict[str, Any], label: str, secret: str) -> bytes | None:
    try:
        salt = _unb64(wrap["salt"])
        params = {k: int(wrap[k]) for k in ("t", "m", "p")}
        params["len"] = int(wrap.get("len", 32))
    except (KeyError, ValueError):
        return None
    return _open_box(_derive(secret, salt, params), wrap, label)


def decoy_work(secret: str) -> None:
    """The Argon2 work of one unwrap, for a name that has no wrap: it takes as long."""
    params = {"t": COST.time_cost, "m": COST.memory_cost, "p": COST.parallelism}
    _derive(secret, os.urandom(16), params)


@dataclass
class Keyring:
    """The keyring file's content (see the module's docstring)."""

    path: Path
    wraps: dict[str, dict[str, Any]] = field(default_factory=dict)
    tallies: dict[str, dict[str, Any]] = field(default_factory=dict)
    refusals: list[dict[str, str]] = field(default_factory=list)
    secret: str = field(default_factory=lambda: secrets.token_hex(32))
    spare: Path | None = None  # where the copy with the backups is kept
    demo: bool = False  # a demo store's (the sign-in form names the demo accounts)

    @classmethod
    def load(cls, path: Path, spare: Path | None = None) -> Keyring:
        """The keyring at `path` (or, if it has gone, its copy at `spare`)."""
        source = path if path.exists() or spare is None or not spare.exists() else spare
        try:
            data = json.loads(source.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError("unknown format")
            return cls(
                path,
                dict(data["wraps"]),
                dict(data.get("tallies", {})),
                list(data.get("refusals", [])),
                str(data["secret"]),
                spare,
                bool(data.get("demo", False)),
            )
        except FileNotFoundError:
            raise StoreError(
                f"The store's keyring ({path.name}) is missing, so the store cannot be opened; "
                "put it back from the backups folder or a copy of this PC's data folder."
            ) from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StoreError(
                f"The store's keyring ({path}) cannot be read ({exc}); put it back from the "
                "backups folder or a copy of this PC's data folder."
            ) from None

    def save(self) -> None:
        data = {
            "format": FORMAT,
            "wraps": self.wraps,
            "tallies": self.tallies,
            "refusals": self.refusals[-MAX_REFUSALS:],
            "secret": self.secret,
            "demo": self.demo,
        }
        text = json.dumps(data, indent=1, sort_keys=True).encode("utf-8")
        write_atomic(self.path, text, private=True)
        if self.spare is not None:
            with suppress(OSError):
                self.spare.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(self.spare, text, private=True)

    # Wraps -----------------------------------------------------------------------------

    def accounts(self) -> list[str]:
        return sorted(k.removeprefix(ACCOUNT) for k in self.wraps if k.startswith(ACCOUNT))

    def open_key(self) -> bytes | None:
        """The key of a store being set up (no account wrap yet), or None."""
        found = self.wraps.get(OPEN)
        return None if found is None else _unb64(found["key"])

    def set_open(self, key: bytes) -> None:
        self.wraps[OPEN] = {"key": _b64(key)}

    def wrap_account(self, username: str, key: bytes, password: str) -> None:
        label = ACCOUNT + username
        self.wraps[label] = wrap_with_secret(key, label, password)
        self.wraps.pop(OPEN, None)  # an account can open it now: no key lies open

    def wrap_legacy(self, username: str, key: bytes, password_hash: str) -> bool:
        label = ACCOUNT + username
        made = legacy_wrap(key, label, password_hash)
        if made is not None:
            self.wraps[label] = made
            self.wraps.pop(OPEN, None)
        return made is not None

    def drop_account(self, username: str) -> None:
        self.wraps.pop(ACCOUNT + username, None)

    def wrap_recovery(self, key: bytes, code: str) -> None:
        self.wraps[RECOVERY] = wrap_with_secret(key, RECOVERY, clean_code(code))

    def unwrap_account(self, username: str, password: str) -> tuple[bytes | None, bool]:
        """(the key, whether its wrap wants renewing) for a name and password; (None, _)
        for a wrong password or a name without a wrap (after the same Argon2 work)."""
        label = ACCOUNT + username
        wrap = self.wraps.get(label)
        if wrap is None:
            decoy_work(password)
            return None, False
        key = unwrap_with_secret(wrap, label, password)
        stale = bool(wrap.get("rewrap")) or int(wrap.get("m", 0)) < COST.memory_cost
        return key, stale

    def unwrap_recovery(self, code: str) -> bytes | None:
        wrap = self.wraps.get(RECOVERY)
        if wrap is None:
            decoy_work(code)
            return None
        return unwrap_with_secret(wrap, RECOVERY, clean_code(code))

    # Failed sign-ins -------------------------------------------------------------------

    def _tally_key(self, name: str) -> str:
        typed = name.encode("utf-8", "surrogatepass")
        return hmac.new(bytes.fromhex(self.secret), typed, "sha256").hexdigest()[:32]

    def locked_until(self, name: str, now: datetime) -> datetime | None:
        until = self.tallies.get(self._tally_key(name), {}).get("until")
        moment = datetime.fromisoformat(until) if until else None
        return moment if moment is not None and moment > now else None

    def failed(self, name: str, now: datetime) -> None:
        key = self._tally_key(name)
        tally = self.tallies.setdefault(key, {"failures": 0, "until": ""})
        tally["failures"] = int(tally.get("failures", 0)) + 1
        if tally["failures"] >= MAX_FAILURES:
            tally["failures"], tally["until"] = 0, (now + LOCKOUT).isoformat()

    def succeeded(self, name: str) -> None:
        self.tallies.pop(self._tally_key(name), None)

    def refused(self, now: datetime, detail: str, username: str = "") -> None:
        """A refusal for the audit log; `username` only when it is an account's name."""
        self.refusals.append({"at": now.isoformat(), "detail": detail, "user": username})

    def entered(self, now: datetime, username: str) -> None:
        """A sign-in the store was too busy to record at once, for the audit log."""
        self.refusals.append(
            {"at": now.isoformat(), "detail": "", "user": username, "outcome": "ok"}
        )

    def take_refusals(self) -> list[dict[str, str]]:
        taken, self.refusals = self.refusals, []
        return taken


@contextmanager
def editing(path: Path, spare: Path | None = None) -> Iterator[Keyring]:
    """The keyring, saved when the block ends without an error."""
    ring = Keyring.load(path, spare)
    yield ring
    ring.save()
