"""Create, update, delete, get and list through the services, for every record type."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pcso_desk.domain.errors import NotFoundError, ValidationError
from pcso_desk.services.records.service import ListQuery
from tests.factories import d, utc


def _all_types(services, world):  # type: ignore[no-untyped-def]
    """One valid record of every type, in dependency order: kind -> values."""
    contact = services.contacts.create(
        {
            "name": "Sam Sample",
            "postcode": "al1 3ab",
            "phone": "01632 960123",
            "email": "Sam@Example.COM",
            "ward_id": world.ward,
        }
    ).created[0]
    meeting = services.meetings.create(
        {
            "meeting_type": "pact",
            "title": "Riverside PACT",
            "venue": "Library",
            "starts_at": utc(2026, 3, 1, 19),
            "ends_at": utc(2026, 3, 1, 20, 30),
            "neighbourhood_id": world.neighbourhood,
        }
    ).created[0]
    kin = (
        services["kins"]
        .create({"name": "Riverside KIN", "neighbourhood_id": world.neighbourhood})
        .created[0]
    )
    member = (
        services["kin_members"]
        .create(
            {
                "kin_id": kin,
                "contact_id": contact,
                "represents": "High Street",
                "joined_on": d("2026-01-05"),
            }
        )
        .created[0]
    )
    priority = (
        services["priorities"]
        .create(
            {
                "title": "Speeding on Mill Lane",
                "category": "speeding",
                "neighbourhood_id": world.neighbourhood,
                "agreed_on": d("2026-03-01"),
            }
        )
        .created[0]
    )
    case = (
        services["victim_cases"]
        .create(
            {
                "victim_id": contact,
                "crime_reference": "41 12345 26",
                "offence_type": "Burglary",
                "opened_at": utc(2026, 3, 2, 10),
                "contact_frequency": "fortnightly",
            }
        )
        .created[0]
    )
    engagement = services.engagements.create(
        {
            "occurred_at": utc(2026, 3, 3, 11),
            "channel": "patrol",
            "summary": "Chat outside shop",
            "issues": ["asb", "parking"],
            "ward_id": world.ward,
            "officer_id": world.officer,
        }
    ).created[0]
    return {
        "contacts": contact,
        "meetings": meeting,
        "kins": kin,
        "kin_members": member,
        "priorities": priority,
        "victim_cases": case,
        "engagements": engagement,
        "engagement_contacts": services["engagement_contacts"]
        .create({"engagement_id": engagement, "contact_id": contact})
        .created[0],
        "kin_checkins": services["kin_checkins"]
        .create(
            {
                "member_id": member,
                "checked_on": d("2026-02-01"),
                "method": "phone",
                "safety_score": 4,
            }
        )
        .created[0],
        "meeting_wards": services["meeting_wards"]
        .create({"meeting_id": meeting, "ward_id": world.ward})
        .created[0],
        "meeting_officers": services["meeting_officers"]
        .create({"meeting_id": meeting, "officer_id": world.officer})
        .created[0],
        "priority_actions": services["priority_actions"]
        .create(
            {
                "priority_id": priority,
                "action_on": d("2026-03-10"),
                "public_text": "You said speeding; we ran speed checks.",
            }
        )
        .created[0],
        "victim_contacts": services["victim_contacts"]
        .create(
            {
                "case_id": case,
                "contacted_at": utc(2026, 3, 3, 9),
                "visit_type": "initial_reassurance",
                "method": "visit",
                "successful": True,
            }
        )
        .created[0],
        "patrol_sessions": services["patrol_sessions"]
        .create(
            {
                "officer_id": world.officer,
                "ward_id": world.ward,
                "starts_at": utc(2026, 3, 4, 9),
                "ends_at": utc(2026, 3, 4, 12),
                "mode": "foot",
            }
        )
        .created[0],
        "abstractions": services["abstractions"]
        .create(
            {
                "officer_id": world.officer,
                "starts_at": utc(2026, 3, 5, 9),
                "ends_at": utc(2026, 3, 5, 17),
                "reason": "court",
            }
        )
        .created[0],
        "messages": services["messages"]
        .create(
            {
                "received_at": utc(2026, 3, 6, 8),
                "channel": "email",
                "subject": "Parking",
                "kind": "request",
                "neighbourhood_id": world.neighbourhood,
            }
        )
        .created[0],
        "intelligence_reports": services["intelligence_reports"]
        .create(
            {
                "force_reference": "INT/26/000123",
                "submitted_on": date(2026, 3, 6),
                "category": "drugs",
                "source_type": "kin_member",
                "ward_id": world.ward,
            }
        )
        .created[0],
        "lsoa_wards": services["lsoa_wards"]
        .create({"lsoa_code": "E01099999", "ward_id": world.ward})
        .created[0],
        "crime_counts": services["crime_counts"]
        .create({"ward_id": world.ward, "month": "2026-02", "crime_type": "Burglary", "count": 3})
        .created[0],
        "councils": services["councils"]
        .create({"name": "Riverside Town Council", "kind": "town"})
        .created[0],
        "police_stations": services["police_stations"]
        .create({"name": "Riverside Police Station", "postcode": "al1 3ab"})
        .created[0],
        "officer_wards": services["officer_wards"]
        .create({"officer_id": world.officer, "ward_id": world.ward})
        .created[0],
    }


def test_every_record_type_round_trips(services, world) -> None:  # type: ignore[no-untyped-def]
    made = _all_types(services, world)
    made.update(
        districts=world.district,
        neighbourhoods=world.neighbourhood,
        wards=world.ward,
        officers=world.officer,
    )
    assert set(made) == set(services.records)
    for kind, record_id in made.items():
        record = services[kind].get(record_id)
        assert record["id"] == record_id
        assert record["hlc"] and record["station_id"] == services.ctx.station_id
        assert services[kind].count() >= 1, kind


def test_values_are_normalised(services, world) -> None:  # type: ignore[no-untyped-def]
    made = _all_types(services, world)
    contact = services.contacts.get(made["contacts"])
    assert contact["postcode"] == "AL1 3AB"
    assert contact["phone"] == "+441632960123"
    assert contact["email"] == "Sam@example.com"
    case = services["victim_cases"].get(made["victim_cases"])
    assert case["crime_reference"] == "41/12345/26"
    priority = services["priorities"].get(made["priorities"])
    assert priority["review_on"] == d("2026-06-01")  # three months after agreement


def test_update_reports_only_real_changes(services, world) -> None:  # type: ignore[no-untyped-def]
    contact = services.contacts.create({"name": "Pat Placeholder"}).created[0]
    before = services.contacts.get(contact)
    assert services.contacts.update(contact, {"name": "Pat  Placeholder "}).updated == ()
    changes = services.contacts.update(contact, {"organisation": "Mill Lane Stores"})
    assert changes.updated == (contact,) and changes.kind == "contacts"
    after = services.contacts.get(contact)
    assert after["organisation"] == "Mill Lane Stores"
    assert after["hlc"] > before["hlc"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "Bad Postcode", "postcode": "ZZ99 ZZZ9"}, "postcode"),
        ({"name": "Bad Phone", "phone": "12345"}, "phone"),
        ({"name": "Bad Email", "email": "nobody-at-example"}, "email"),
        ({"name": "   "}, "name"),
        ({"name": "Bad Kind", "kind": "pirate"}, "choose one of"),
        ({"name": "Bad Field", "shoe_size": 9}, "not a field"),
        ({"name": "Bad Ward", "ward_id": "no-such-ward"}, "ward does not exist"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(services, values, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match=message):
        services.contacts.create(values)
    assert services.contacts.count() == 0


def test_required_fields_and_dates_in_order(services, world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="needs a"):
        services.meetings.create({"meeting_type": "surgery", "title": "No date"})
    with pytest.raises(ValidationError, match="before"):
        services.meetings.create(
            {
                "meeting_type": "surgery",
                "title": "Backwards",
                "starts_at": utc(2026, 3, 1, 20),
                "ends_at": utc(2026, 3, 1, 19),
            }
        )
    with pytest.raises(ValidationError, match="1 to 5"):
        kin = (
            services["kins"]
            .create({"name": "K", "neighbourhood_id": world.neighbourhood})
            .created[0]
        )
        contact = services.contacts.create({"name": "Kim Key"}).created[0]
        member = (
            services["kin_members"]
            .create({"kin_id": kin, "contact_id": contact, "joined_on": d("2026-01-01")})
            .created[0]
        )
        services["kin_checkins"].create(
            {
                "member_id": member,
                "checked_on": d("2026-02-01"),
                "method": "phone",
                "safety_score": 9,
            }
        )
    assert services.meetings.count() == 0


def test_unique_fields_get_a_sentence(services, world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="Another officer already has that collar number"):
        services["officers"].create({"name": "Dup", "collar_number": "PCSO 9001", "role": "pcso"})


def test_delete_leaves_a_tombstone_that_lists_and_get_skip(services) -> None:  # type: ignore[no-untyped-def]
    keep = services.contacts.create({"name": "Kept Person"}).created[0]
    gone = services.contacts.create({"name": "Gone Person"}).created[0]
    assert services.contacts.delete(gone).deleted == (gone,)
    with pytest.raises(NotFoundError):
        services.contacts.get(gone)
    with pytest.raises(NotFoundError):
        services.contacts.update(gone, {"name": "Back Again"})
    assert [r["id"] for r in services.contacts.page().rows] == [keep]
    with services.ctx.store.read() as session:  # still there as a tombstone for sync
        from pcso_desk.store.models import Contact

        assert session.get(Contact, gone).deleted_at is not None
    assert [h.title for h in services.search("Person")] == ["Kept Person"]


def test_keyset_paging_visits_every_row_once_in_order(services) -> None:  # type: ignore[no-untyped-def]
    names = [f"Resident {i:03d}" for i in range(57)] + ["Resident 010"]  # a tie on the sort key
    for name in names:
        services.contacts.create({"name": name, "postcode": "AL1 3AB"})
    for descending in (False, True):
        seen: list[str] = []
        query = ListQuery(limit=10, descending=descending)
        while True:
            page = services.contacts.page(query)
            seen.extend(r["name"] for r in page.rows)
            if page.next_after is None:
                break
            query = ListQuery(limit=10, descending=descending, after=page.next_after)
        assert seen == sorted(names, reverse=descending)


def test_list_filters_text_and_sort_in_sql(services, world) -> None:  # type: ignore[no-untyped-def]
    services.contacts.create({"name": "Olive Oakley", "postcode": "AL1 3AB", "ward_id": world.ward})
    services.contacts.create(
        {"name": "Bert Birch", "postcode": "SG1 1AA", "ward_id": world.other_ward}
    )
    services.contacts.create({"name": "Al Ash", "postcode": "WD17 1AA", "ward_id": world.ward})
    names = lambda q: [r["name"] for r in services.contacts.page(q).rows]  # noqa: E731
    assert names(ListQuery(text="oak")) == ["Olive Oakley"]
    assert names(ListQuery(text="sg1")) == ["Bert Birch"]
    assert names(ListQuery(text="Al")) == ["Al Ash", "Olive Oakley"]  # short term: LIKE fallback
    assert names(ListQuery(filters={"ward": world.ward})) == ["Al Ash", "Olive Oakley"]
    assert names(ListQuery(sort="postcode")) == ["Olive Oakley", "Bert Birch", "Al Ash"]
    with pytest.raises(ValidationError, match="cannot be sorted"):
        services.contacts.page(ListQuery(sort="shoe_size"))


def test_search_finds_contacts_meetings_priorities_kins_by_word_or_postcode(
    services, world
) -> None:  # type: ignore[no-untyped-def]
    _all_types(services, world)
    kinds = lambda text: {(h.kind, h.title) for h in services.search(text)}  # noqa: E731
    assert kinds("Sample") == {("contacts", "Sam Sample")}
    assert kinds("al1 3ab") == {("contacts", "Sam Sample")}
    assert kinds("riverside") == {("meetings", "Riverside PACT"), ("kins", "Riverside KIN")}
    assert kinds("mill lane") == {("priorities", "Speeding on Mill Lane")}
    assert kinds("Sa") == {("contacts", "Sam Sample")}
    assert kinds("sA") == {("contacts", "Sam Sample")}  # in any case, answered by an index
    assert kinds("S") == {("contacts", "Sam Sample"), ("priorities", "Speeding on Mill Lane")}
    assert kinds("al") == {("contacts", "Sam Sample")}  # a postcode's start, typed small
    assert kinds("am") == set()  # a prefix of the name, not any part of it
    assert kinds("ri") == {("meetings", "Riverside PACT")}
    assert kinds('"; DROP TABLE contacts; --') == set()
    assert services.search("") == []


def test_victim_next_due_follows_successful_contacts_only(services, world) -> None:  # type: ignore[no-untyped-def]
    contact = services.contacts.create({"name": "Vic Tim"}).created[0]
    case = (
        services["victim_cases"]
        .create(
            {
                "victim_id": contact,
                "crime_reference": "41/22222/26",
                "offence_type": "Burglary",
                "opened_at": utc(2026, 1, 10, 9),
                "contact_frequency": "weekly",
            }
        )
        .created[0]
    )
    first_due = services["victim_cases"].get(case)["next_contact_due"]
    assert first_due == utc(2026, 1, 15, 9)  # standard service: within five days
    services.victims.record_contact(
        case,
        {
            "contacted_at": utc(2026, 1, 12, 10),
            "visit_type": "initial_reassurance",
            "method": "visit",
        },
    )
    assert services["victim_cases"].get(case)["next_contact_due"] == utc(2026, 1, 19, 10)
    services.victims.record_contact(
        case,
        {
            "contacted_at": utc(2026, 1, 18, 10),
            "visit_type": "follow_up",
            "method": "phone",
            "successful": False,
        },
    )
    assert services["victim_cases"].get(case)["next_contact_due"] == utc(2026, 1, 19, 10)
    due = services.victims.due(utc(2026, 1, 20, 9))
    assert [(c.case_id, c.state.value) for c in due] == [(case, "overdue")]
    services.victims.close(case, "Victim content; no further contact wanted.", 5)
    assert services["victim_cases"].get(case)["next_contact_due"] is None
    assert services.victims.due(utc(2026, 1, 20, 9)) == []


def test_kin_check_in_moves_due_and_coverage_shows_gaps(services, world) -> None:  # type: ignore[no-untyped-def]
    made = _all_types(services, world)
    member = services["kin_members"].get(made["kin_members"])
    assert member["last_checkin_on"] == d("2026-02-01")
    assert member["next_checkin_due"] == d("2026-02-01") + timedelta(weeks=6)
    services.kins.check_in(
        made["kin_members"],
        {"checked_on": d("2026-03-01"), "method": "in_person", "safety_score": 3},
    )
    assert services["kin_members"].get(made["kin_members"])["next_checkin_due"] == d("2026-04-12")
    overdue = services.kins.due(d("2026-05-01"))
    assert [(m.contact_name, m.overdue) for m in overdue] == [("Sam Sample", True)]
    coverage = services.kins.coverage(world.ward)
    assert coverage.gaps == ("Mill Lane", "Station Road", "Canal Close")


def test_meeting_agrees_priority_and_actions_tell_you_said_we_did(services, world) -> None:  # type: ignore[no-untyped-def]
    from pcso_desk.domain.enums import ReviewDecision

    meeting = services.meetings.create(
        {
            "meeting_type": "pact",
            "title": "March PACT",
            "starts_at": utc(2026, 3, 12, 19),
            "neighbourhood_id": world.neighbourhood,
        }
    ).created[0]
    priority = services.priorities.agree_at_meeting(
        meeting,
        {
            "title": "Drug dealing near the park",
            "category": "drugs",
            "public_wording": "Tackle drug dealing around the park.",
        },
    ).created[0]
    record = services["priorities"].get(priority)
    assert (record["meeting_id"], record["agreed_on"], record["review_on"]) == (
        meeting,
        d("2026-03-12"),
        d("2026-06-12"),
    )
    services.priorities.add_action(
        priority,
        {"action_on": d("2026-03-20"), "public_text": "You said dealing; we did two warrants."},
    )
    assert services["priorities"].get(priority)["status"].value == "in_progress"
    services.priorities.review(
        priority, ReviewDecision.KEEP, "Still raised at PACT", d("2026-06-12")
    )
    assert services["priorities"].get(priority)["review_on"] == d("2026-09-12")
    services.priorities.review(priority, ReviewDecision.DROP, "Resolved", d("2026-09-12"))
    assert services["priorities"].get(priority)["status"].value == "dropped"


def test_messages_show_the_24_hour_clock(services, world) -> None:  # type: ignore[no-untyped-def]
    message = (
        services["messages"]
        .create(
            {
                "received_at": utc(2026, 3, 6, 8),
                "channel": "email",
                "subject": "Noise",
                "kind": "request",
            }
        )
        .created[0]
    )
    assert services.messages.clock(message, utc(2026, 3, 7, 5)).state.value == "near_deadline"
    assert services.messages.clock(message, utc(2026, 3, 7, 9)).state.value == "breached"
    services.messages.respond(
        message, at=utc(2026, 3, 6, 20), officer_id=world.officer, note="Rang back"
    )
    assert services.messages.clock(message, utc(2026, 3, 9)).state.value == "answered_in_time"
    with pytest.raises(ValidationError, match="before"):
        services.messages.respond(message, at=utc(2026, 3, 5), officer_id=None, note="Rang back")


def test_time_in_locality_against_80_percent(services, world) -> None:  # type: ignore[no-untyped-def]
    patrols = services["patrol_sessions"]
    for day in range(2, 6):  # four 8-hour patrol days
        patrols.create(
            {
                "officer_id": world.officer,
                "starts_at": utc(2026, 3, day, 8),
                "ends_at": utc(2026, 3, day, 16),
                "mode": "foot",
            }
        )
    services["abstractions"].create(
        {
            "officer_id": world.officer,
            "starts_at": utc(2026, 3, 9, 8),
            "ends_at": utc(2026, 3, 9, 16),
            "reason": "training",
        }
    )
    share = services.time_in_locality("2026-03", officer_id=world.officer)
    assert (share.locality_minutes, share.abstracted_minutes) == (1920, 480)
    assert share.share == pytest.approx(0.8) and share.meets_target
    assert services.time_in_locality("2026-04", neighbourhood_id=world.neighbourhood).share is None


def test_notes_keep_their_line_breaks_and_short_fields_fold_spaces(services) -> None:  # type: ignore[no-untyped-def]
    contact = services.contacts.create(
        {"name": "  Lee   Lines ", "notes": "First line.\nSecond line.\n\n  Indented."}
    ).created[0]
    record = services.contacts.get(contact)
    assert record["name"] == "Lee Lines"
    assert record["notes"] == "First line.\nSecond line.\n\n  Indented."


def test_review_date_may_be_left_blank_on_the_form(services) -> None:  # type: ignore[no-untyped-def]
    priorities = services["priorities"]
    assert priorities.check_field("review_on", "") is None
    assert priorities.check_field("title", "") == "A priority needs a title."


def test_records_without_a_date_sort_last_and_paging_still_visits_all(services, world) -> None:  # type: ignore[no-untyped-def]
    kin = services["kins"].create({"name": "K", "neighbourhood_id": world.neighbourhood}).created[0]
    names = ["Ada Early", "Bo Later", "Cy Left"]
    for name, joined, left in zip(
        names, ("2026-01-01", "2026-02-01", "2026-01-15"), (None, None, "2026-03-01"), strict=True
    ):
        contact = services.contacts.create({"name": name}).created[0]
        services["kin_members"].create(
            {
                "kin_id": kin,
                "contact_id": contact,
                "joined_on": d(joined),
                "left_on": left and d(left),
            }
        )
    order = []
    query = ListQuery(sort="next_due", limit=1)
    while True:
        page = services["kin_members"].page(query)
        order += [r["contact_id_label"] for r in page.rows]
        if page.next_after is None:
            break
        query = ListQuery(sort="next_due", limit=1, after=page.next_after)
    assert order == ["Ada Early", "Bo Later", "Cy Left"]  # the member who left has no due date


def test_marking_a_message_responded_needs_a_note(services, world) -> None:  # type: ignore[no-untyped-def]
    message = (
        services["messages"]
        .create(
            {
                "received_at": utc(2026, 3, 6, 9),
                "channel": "email",
                "subject": "Parking",
                "kind": "request",
            }
        )
        .created[0]
    )
    with pytest.raises(ValidationError, match="how the message was answered"):
        services.messages.respond(message, at=utc(2026, 3, 6, 10), officer_id=None, note="  ")
    assert services["messages"].get(message)["responded_at"] is None
