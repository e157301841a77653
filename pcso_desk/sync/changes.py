"""The change format: one item per changed record, as it travels in bundles and through the hub.

An item is a record's whole synced state: its table, id, the stored value of every synced
column, and the clocks of those values (see `pcso_desk.store.clocks`). Values travel exactly
as SQLite stores them (text dates, 0/1 booleans, JSON text lists), so a change is written
back without conversion; `parse_payload` checks every value against its column before any
of it reaches the store. `FORMAT.md` beside this module documents the layout.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Enum, Float, Integer, String, Table, Text

from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.hlc import HLC_PATTERN
from pcso_desk.store.clocks import STAR, clock_of, synced_columns, synced_table
from pcso_desk.store.types import JSONList, UTCDateTime

PAYLOAD_FORMAT = "pcso-desk-changes"
PAYLOAD_VERSION = 1
MAX_PAYLOAD_BYTES = 1536 * 1024 * 1024  # decompressed; a full county store is about 400 MB
MAX_ITEMS = 5_000_000
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_PAYLOAD_KEYS = frozenset({"format", "version", "station", "through", "full", "received", "items"})
_ITEM_KEYS = frozenset({"t", "id", "v", "c"})
DAMAGED = "The changes in the bundle are not in a form this station can read."
# The role a change was made in (a synced column of every record). A station older than the
# column sends items without it, and the hub may still hold such items: they carry no role.
ROLE = "updated_role"


class ChangeError(ValidationError):
    """A change (or a payload of them) is malformed; the message is one sentence."""


@dataclass
class Item:
    """One record's synced state: stored values of its synced columns and their clocks."""

    table: str
    id: str
    values: dict[str, Any]
    clocks: dict[str, Any]

    def clock(self, name: str) -> tuple[str, str]:
        return clock_of(self.clocks, name)

    @property
    def newest(self) -> str:
        """The latest clock among the item's fields."""
        star = str(self.clocks.get(STAR, ""))
        if len(self.clocks) == 1 and STAR in self.clocks:
            return star  # most records: one clock for every field
        return max([star] + [e[0] for e in self._entries()])

    def _entries(self) -> list[list[str]]:
        return [e for k, e in self.clocks.items() if k != STAR and isinstance(e, list)]

    def to_json(self) -> dict[str, Any]:
        return {"t": self.table, "id": self.id, "v": self.values, "c": self.clocks}


@dataclass
class Payload:
    """What a bundle carries: the sender, how far its clock had got, what it has received."""

    station: str
    through: str
    full: bool
    received: dict[str, str] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)


def encode_payload(payload: Payload) -> bytes:
    """The payload as compressed JSON. The items are encoded and compressed a slice at a time
    (the text is the same as one `json.dumps` of the whole document), so a county-sized
    payload never exists as one uncompressed string."""
    document = {
        "format": PAYLOAD_FORMAT,
        "version": PAYLOAD_VERSION,
        "station": payload.station,
        "through": payload.through,
        "full": payload.full,
        "received": payload.received,
        "items": [],
    }
    head = _dumps(document)
    assert head.endswith('"items":[]}')
    squeezer = zlib.compressobj(COMPRESSION)
    out = [squeezer.compress(head[:-2].encode("utf-8"))]
    items = payload.items
    for start in range(0, len(items), _SLICE):
        text = _dumps([item.to_json() for item in items[start : start + _SLICE]])
        if start:
            out.append(squeezer.compress(b","))
        out.append(squeezer.compress(text[1:-1].encode("utf-8")))
    out.append(squeezer.compress(b"]}"))
    out.append(squeezer.flush())
    return b"".join(out)


COMPRESSION = 3  # zlib level: a fifth larger than 6, and twice as quick
_SLICE = 5_000  # items encoded at a time


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def parse_payload(data: bytes) -> Payload:
    """Decompress (bounded) and check a payload; raises only ChangeError."""
    try:
        document = json.loads(
            _inflate(data).decode("utf-8"),
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
        )
    except ChangeError:
        raise
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
        raise ChangeError(DAMAGED) from exc
    if not isinstance(document, dict) or set(document) != _PAYLOAD_KEYS:
        raise ChangeError(DAMAGED)
    if document["format"] != PAYLOAD_FORMAT or type(document["version"]) is not int:
        raise ChangeError(DAMAGED)
    if document["version"] > PAYLOAD_VERSION:
        raise ChangeError(
            "The bundle was made by a newer version of PCSO Desk; update this station first."
        )
    station, through, full = document["station"], document["through"], document["full"]
    if not _is_id(station) or not _is_clock(through, blank=True) or type(full) is not bool:
        raise ChangeError(DAMAGED)
    items = document["items"]
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise ChangeError(DAMAGED)
    return Payload(station, through, full, _received(document["received"]), parse_items(items))


def parse_items(raw: Iterable[Any]) -> list[Item]:
    return [parse_item(entry) for entry in raw]


def parse_item(entry: Any) -> Item:
    """Check one item against the schema of its table; raises ChangeError."""
    if not isinstance(entry, dict) or set(entry) != _ITEM_KEYS:
        raise ChangeError(DAMAGED)
    table = synced_table(entry["t"]) if isinstance(entry["t"], str) else None
    if table is None:
        raise ChangeError("The bundle holds a kind of record this station does not know.")
    if not _is_id(entry["id"]):
        raise ChangeError(DAMAGED)
    values, clocks = entry["v"], entry["c"]
    names, name_set, checks = _plan(table)
    if isinstance(values, dict) and ROLE not in values and values.keys() | {ROLE} == name_set:
        values = {**values, ROLE: None}
    if not isinstance(values, dict) or values.keys() != name_set:
        raise ChangeError(DAMAGED)
    checked = {name: check(values[name]) for name, check in checks}
    return Item(table.name, entry["id"], checked, _clocks(clocks, names))


_PLANS: dict[str, tuple[tuple[str, ...], frozenset[str], tuple[tuple[str, Checker], ...]]] = {}


def _plan(table: Table) -> tuple[tuple[str, ...], frozenset[str], tuple[tuple[str, Checker], ...]]:
    """A table's synced columns, as a set, and each with its value check (made once)."""
    found = _PLANS.get(table.name)
    if found is None:
        names = synced_columns(table)
        checks = tuple((name, _checker(table, name)) for name in names)
        found = _PLANS[table.name] = (names, frozenset(names), checks)
    return found


def _clocks(clocks: Any, names: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(clocks, dict) or not _is_clock(clocks.get(STAR)):
        raise ChangeError(DAMAGED)
    if len(clocks) == 1:
        return {STAR: clocks[STAR]}  # most records: one clock for every field
    checked: dict[str, Any] = {STAR: clocks[STAR]}
    for name, entry in clocks.items():
        if name == STAR:
            continue
        valid = isinstance(entry, list) and len(entry) == 2
        if name not in names or not valid or not _is_clock(entry[0]):
            raise ChangeError(DAMAGED)
        if not _is_clock(entry[1], blank=True):
            raise ChangeError(DAMAGED)
        checked[name] = [entry[0], entry[1]]
    return checked


def _received(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict) or len(raw) > 10_000:
        raise ChangeError(DAMAGED)
    for station, through in raw.items():
        if not _is_id(station) or not _is_clock(through):
            raise ChangeError(DAMAGED)
    return dict(raw)


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_PAYLOAD_BYTES + 1)
    except zlib.error as exc:
        raise ChangeError(DAMAGED) from exc
    if len(out) > MAX_PAYLOAD_BYTES or inflater.unconsumed_tail:
        raise ChangeError("The changes in the bundle are larger than this station accepts.")
    if not inflater.eof or inflater.unused_data:
        raise ChangeError(DAMAGED)
    return out


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ChangeError(DAMAGED)
    return result


def _no_constant(_name: str) -> Any:
    raise ChangeError(DAMAGED)


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def _is_clock(value: Any, *, blank: bool = False) -> bool:
    if blank and value == "":
        return True
    # What Hlc.parse accepts, without building the Hlc.
    return isinstance(value, str) and HLC_PATTERN.fullmatch(value) is not None


# -- column values ---------------------------------------------------------------------------

Checker = Callable[[Any], Any]
_CHECKERS: dict[tuple[str, str], Checker] = {}


def _checker(table: Table, name: str) -> Checker:
    key = (table.name, name)
    if key not in _CHECKERS:
        _CHECKERS[key] = _make_checker(table, name)
    return _CHECKERS[key]


def _make_checker(table: Table, name: str) -> Checker:
    column = table.c[name]
    check = _type_check(column.type)
    nullable = bool(column.nullable)

    def checked(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise ChangeError(f"A change to {table.name} leaves its {name} empty.")
        try:
            return check(value)
        except (ValueError, TypeError, RecursionError) as exc:
            raise ChangeError(f"A change to {table.name} has an unreadable {name}.") from exc

    if check is _text:

        def text_checked(value: Any) -> Any:
            if type(value) is str or (value is None and nullable):
                return value  # plain text (or an allowed blank): as it came
            return checked(value)

        return text_checked
    if isinstance(column.type, Enum):
        allowed = frozenset(column.type.enums)

        def member_checked(value: Any) -> Any:
            if (type(value) is str and value in allowed) or (value is None and nullable):
                return value
            return checked(value)

        return member_checked
    if check in _PURE_TEXT_CHECKS:
        passed: set[str] = set()  # values seen to pass: dates and lists repeat a great deal

        def remembered(value: Any) -> Any:
            if type(value) is str and value in passed:
                return value
            if value is None and nullable:
                return None
            result = checked(value)
            if type(value) is str:
                if len(passed) >= _REMEMBERED:
                    passed.clear()
                passed.add(value)
            return result

        return remembered
    return checked


def _type_check(kind: Any) -> Checker:
    if isinstance(kind, UTCDateTime):
        return _utc_text
    if isinstance(kind, JSONList):
        return _json_list
    if isinstance(kind, Enum):
        allowed = frozenset(kind.enums)
        return lambda value: _member(value, allowed)
    if isinstance(kind, Boolean):
        return _flag
    if isinstance(kind, Integer):
        return _integer
    if isinstance(kind, Float):
        return _number
    if isinstance(kind, Date):
        return _date_text
    if isinstance(kind, String | Text):
        return _text
    raise AssertionError(f"no sync check for column type {kind!r}")  # pragma: no cover


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("text expected")
    return value


def _member(value: Any, allowed: frozenset[str]) -> str:
    if _text(value) not in allowed:
        raise ValueError("not one of the allowed values")
    return str(value)


def _flag(value: Any) -> int:
    if value not in (0, 1) or isinstance(value, float):
        raise ValueError("0 or 1 expected")
    return int(value)


def _integer(value: Any) -> int:
    if type(value) is not int or abs(value) > 2**63 - 1:
        raise TypeError("integer expected")
    return value


def _number(value: Any) -> float:
    if type(value) not in (int, float) or not math.isfinite(value):
        raise TypeError("number expected")
    return float(value)


def _date_text(value: Any) -> str:
    if len(_text(value)) != 10:
        raise ValueError("YYYY-MM-DD expected")
    date.fromisoformat(value)
    return str(value)


def _utc_text(value: Any) -> str:
    moment = datetime.fromisoformat(_text(value))
    if moment.tzinfo is not None or len(value) > 32:
        raise ValueError("naive UTC text expected")
    return str(value)


def _json_list(value: Any) -> str:
    loaded = json.loads(_text(value))
    if not isinstance(loaded, list) or not all(isinstance(entry, str) for entry in loaded):
        raise ValueError("a JSON list of text expected")
    return str(value)


# Checks of text alone that give back the text unchanged: a value that passed once passes
# again, so each checker remembers (up to a bound) the values it has passed.
_PURE_TEXT_CHECKS: frozenset[Checker] = frozenset({_utc_text, _date_text, _json_list})
_REMEMBERED = 50_000
