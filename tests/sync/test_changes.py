"""The change payload parser: round trips what stations write, refuses anything else cleanly."""

from __future__ import annotations

import contextlib
import json
import zlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcso_desk.store.clocks import STAR, synced_columns, synced_table
from pcso_desk.sync.changes import ChangeError, Item, Payload, encode_payload, parse_payload

STATION = "8b7d0a52-3f7e-4c55-9d43-4a1f3c2b9e10"
CLOCK = f"{1_795_000_000_000:015d}-000001-{STATION}"


def contact_values(**changes: Any) -> dict[str, Any]:
    table = synced_table("contacts")
    assert table is not None
    values: dict[str, Any] = {
        name: None if table.c[name].nullable else "" for name in synced_columns(table)
    }
    values.update(
        name="Ann Example",
        kind="resident",
        lawful_basis="public_task",
        tags='["dog walker"]',
        created_at="2026-11-01 09:00:00",
        updated_at="2026-11-01 09:00:00",
    )
    values.update(changes)
    return {k: v for k, v in values.items() if k in synced_columns(table)}


def document(**changes: Any) -> dict[str, Any]:
    item = {"t": "contacts", "id": "c-1", "v": contact_values(), "c": {STAR: CLOCK}}
    base = {
        "format": "pcso-desk-changes",
        "version": 1,
        "station": STATION,
        "through": CLOCK,
        "full": False,
        "received": {},
        "items": [item],
    }
    base.update(changes)
    return base


def packed(doc: Any) -> bytes:
    return zlib.compress(json.dumps(doc).encode("utf-8"))


def test_a_payload_round_trips() -> None:
    item = Item("contacts", "c-1", contact_values(), {STAR: CLOCK, "phone": [CLOCK, ""]})
    payload = Payload(STATION, CLOCK, True, {STATION: CLOCK}, [item])
    parsed = parse_payload(encode_payload(payload))
    assert parsed == payload


@pytest.mark.parametrize(
    "broken",
    [
        document(format="something-else"),
        document(version="1"),
        document(station="no spaces allowed"),
        document(through="yesterday"),
        document(full="yes"),
        document(received=[]),
        document(items={}),
        document(items=[{"t": "contacts"}]),
        document(items=[{"t": "users", "id": "u", "v": {}, "c": {STAR: CLOCK}}]),
        document(
            items=[
                {"t": "contacts", "id": "c", "v": contact_values(kind="alien"), "c": {STAR: CLOCK}}
            ]
        ),
        document(
            items=[{"t": "contacts", "id": "c", "v": contact_values(name=None), "c": {STAR: CLOCK}}]
        ),
        document(
            items=[
                {
                    "t": "contacts",
                    "id": "c",
                    "v": contact_values(created_at="2026-13-45 99:00:00"),
                    "c": {STAR: CLOCK},
                }
            ]
        ),
        document(
            items=[
                {"t": "contacts", "id": "c", "v": contact_values(tags="[1]"), "c": {STAR: CLOCK}}
            ]
        ),
        document(
            items=[
                {
                    "t": "contacts",
                    "id": "c",
                    "v": contact_values(),
                    "c": {STAR: CLOCK, "nope": [CLOCK, ""]},
                }
            ]
        ),
        document(items=[{"t": "contacts", "id": "c", "v": contact_values(), "c": {}}]),
    ],
)
def test_malformed_payloads_are_refused(broken: dict[str, Any]) -> None:
    with pytest.raises(ChangeError):
        parse_payload(packed(broken))


def test_a_newer_format_asks_for_an_update() -> None:
    with pytest.raises(ChangeError, match="newer version"):
        parse_payload(packed(document(version=2)))


def test_bytes_that_are_not_compressed_json_are_refused() -> None:
    for data in (b"", b"not zlib", zlib.compress(b"[1, 2"), zlib.compress(b"NaN")):
        with pytest.raises(ChangeError):
            parse_payload(data)


def test_a_decompression_bomb_is_refused_without_inflating_it_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pcso_desk.sync.changes as changes

    monkeypatch.setattr(changes, "MAX_PAYLOAD_BYTES", 1024)
    with pytest.raises(ChangeError, match="larger"):
        parse_payload(zlib.compress(b" " * 10_000))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_fuzzed_bytes_raise_only_change_errors(data: bytes) -> None:
    with contextlib.suppress(ChangeError):
        parse_payload(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["format", "version", "station", "through", "full", "received", "items"]), JSON
)
def test_fuzzed_fields_raise_only_change_errors(key: str, value: Any) -> None:
    with contextlib.suppress(ChangeError):
        parse_payload(packed(document(**{key: value})))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(contact_values())),
    JSON,
    st.dictionaries(st.text(max_size=12), JSON, max_size=3),
)
def test_fuzzed_item_values_raise_only_change_errors(
    name: str, value: Any, clocks: dict[str, Any]
) -> None:
    values = contact_values(**{name: value})
    for entry in (
        {"t": "contacts", "id": "c", "v": values, "c": {STAR: CLOCK}},
        {"t": "contacts", "id": "c", "v": contact_values(), "c": clocks},
    ):
        with contextlib.suppress(ChangeError):
            parse_payload(packed(document(items=[entry])))


def test_the_document_the_refusals_start_from_is_itself_accepted() -> None:
    parsed = parse_payload(packed(document()))
    assert [item.id for item in parsed.items] == ["c-1"]


def test_a_payload_of_many_slices_is_the_json_of_the_whole_document() -> None:
    from pcso_desk.sync import changes

    items = [
        Item("contacts", f"c-{n}", contact_values(name=f"Person {n} ü"), {STAR: CLOCK})
        for n in range(2 * changes._SLICE + 3)
    ]
    for payload in (Payload(STATION, CLOCK, True, {STATION: CLOCK}, items),
                    Payload(STATION, "", False, {}, [])):  # fmt: skip
        whole = {
            "format": "pcso-desk-changes",
            "version": 1,
            "station": payload.station,
            "through": payload.through,
            "full": payload.full,
            "received": payload.received,
            "items": [item.to_json() for item in payload.items],
        }
        text = zlib.decompress(encode_payload(payload)).decode("utf-8")
        assert text == json.dumps(whole, ensure_ascii=False, separators=(",", ":"))
        assert parse_payload(encode_payload(payload)) == payload


@pytest.mark.parametrize(
    "changes",
    [
        {"name": 5},
        {"name": ["Ann"]},
        {"kind": 5},
        {"kind": "alien"},
        {"kind": None},
        {"created_at": 20261101},
        {"created_at": "2026-11-01T09:00:00+00:00"},
        {"created_at": None},
        {"review_date": "2026-02-30"},
        {"tags": ["dog walker"]},
        {"tags": '["dog walker", 2]'},
        {"tags": None},
    ],
)
def test_values_seen_before_do_not_let_a_bad_value_through(changes: dict[str, Any]) -> None:
    good = contact_values(review_date="2026-02-28")
    parse_payload(packed(document(items=[{"t": "contacts", "id": "c", "v": good,
                                          "c": {STAR: CLOCK}}])))  # fmt: skip
    bad = {**good, **changes}
    with pytest.raises(ChangeError):
        parse_payload(packed(document(items=[{"t": "contacts", "id": "c", "v": bad,
                                              "c": {STAR: CLOCK}}])))  # fmt: skip


def test_the_remembered_values_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from pcso_desk.sync import changes

    monkeypatch.setattr(changes, "_REMEMBERED", 3)
    items = [
        {"t": "contacts", "id": f"c-{day}", "c": {STAR: CLOCK},
         "v": contact_values(created_at=f"2026-11-{day:02d} 09:00:00")}
        for day in range(1, 29)
    ]  # fmt: skip
    parsed = parse_payload(packed(document(items=items)))
    assert [item.values["created_at"] for item in parsed.items] == [
        f"2026-11-{day:02d} 09:00:00" for day in range(1, 29)
    ]
    with pytest.raises(ChangeError):
        bad = contact_values(created_at="2026-11-31 09:00:00")
        parse_payload(packed(document(items=[{"t": "contacts", "id": "c", "v": bad,
                                              "c": {STAR: CLOCK}}])))  # fmt: skip


def test_a_single_clock_is_stored_as_json_dumps_would() -> None:
    from pcso_desk.sync.local import _clocks_text

    for clocks in ({STAR: CLOCK}, {STAR: CLOCK, "name": [CLOCK, ""]}):
        assert _clocks_text(clocks) == json.dumps(clocks)
