"""One synthetic person with a record of every kind, each holding a unique canary string,
beside another person linked to the same records and a stranger (subject access, erasure)."""

from __future__ import annotations

from typing import Any

from tests.factories import d, make_world, utc

OTHER_NAMES = ("Quentin Otherperson", "Otherperson")
CANARIES = (
    "canary-contact-notes-7731",
    "canary-engagement-one-7732",
    "canary-engagement-two-7733",
    "canary-why-key-7734",
    "canary-concerns-7735",
    "canary-safe-contact-7736",
    "canary-visit-notes-7737",
    "canary-merged-notes-7738",
    "canary-message-body-7739",
)


def seed_person(services: Any) -> dict[str, Any]:
    world = make_world(services)
    contacts = services.contacts
    mine: dict[str, str] = {}
    mine["contact"] = contacts.create(
        {"name": "Wilma Subjectson", "notes": CANARIES[0], "phone": "01632 960111"}
    ).created[0]
    duplicate = contacts.create({"name": "Wilma Subjectson", "notes": CANARIES[7]}).created[0]
    quentin = contacts.create({"name": "Quentin Otherperson", "notes": "quentin-own"}).created[0]
    stranger = contacts.create({"name": "Stella Stranger", "notes": "stella-own"}).created[0]
    engagements = services.engagements
    links = services["engagement_contacts"]
    mine["engagement1"] = engagements.create(
        {
            "occurred_at": utc(2026, 7, 3, 11, 30),
            "channel": "patrol",
            "summary": f"{CANARIES[1]} talked with Quentin Otherperson and Mr OTHERPERSON",
            "ward_id": world.ward,
            "officer_id": world.officer,
        }
    ).created[0]
    for who in (mine["contact"], quentin):
        links.create({"engagement_id": mine["engagement1"], "contact_id": who})
    mine["engagement2"] = engagements.create(
        {"occurred_at": utc(2026, 7, 5, 9), "channel": "phone", "summary": CANARIES[2]}
    ).created[0]
    links.create({"engagement_id": mine["engagement2"], "contact_id": duplicate})
    kin = services["kins"].create(
        {"name": "Riverside KIN", "neighbourhood_id": world.neighbourhood}
    )
    mine["member"] = (
        services["kin_members"]
        .create(
            {
                "kin_id": kin.created[0],
                "contact_id": mine["contact"],
                "represents": "High Street",
                "why_key": CANARIES[3],
                "joined_on": d("2026-01-05"),
            }
        )
        .created[0]
    )
    mine["checkin"] = (
        services["kin_checkins"]
        .create(
            {
                "member_id": mine["member"],
                "checked_on": d("2026-02-01"),
                "method": "phone",
                "safety_score": 4,
                "concerns": CANARIES[4],
                "officer_id": world.officer,
            }
        )
        .created[0]
    )
    mine["case"] = (
        services["victim_cases"]
        .create(
            {
                "victim_id": mine["contact"],
                "crime_reference": "41 12345 26",
                "offence_type": "Burglary",
                "opened_at": utc(2026, 7, 2, 10),
                "safe_contact_notes": CANARIES[5],
            }
        )
        .created[0]
    )
    mine["visit"] = (
        services["victim_contacts"]
        .create(
            {
                "case_id": mine["case"],
                "contacted_at": utc(2026, 7, 4, 10),
                "visit_type": "initial_reassurance",
                "method": "visit",
                "notes": CANARIES[6],
            }
        )
        .created[0]
    )
    mine["message"] = (
        services["messages"]
        .create(
            {
                "received_at": utc(2026, 7, 6, 8),
                "channel": "email",
                "from_name": "wilma  SUBJECTSON",
                "subject": "Bins",
                "body": CANARIES[8],
                "kind": "request",
            }
        )
        .created[0]
    )
    services.merge_contacts(mine["contact"], duplicate)
    mine["duplicate"] = duplicate
    # The other person's own records: an engagement, a KIN membership, a case, a message.
    theirs = {"quentin": quentin, "stranger": stranger}
    theirs["engagement"] = engagements.create(
        {"occurred_at": utc(2026, 7, 7, 9), "channel": "phone", "summary": "quentin-engagement"}
    ).created[0]
    links.create({"engagement_id": theirs["engagement"], "contact_id": quentin})
    theirs["member"] = (
        services["kin_members"]
        .create({"kin_id": kin.created[0], "contact_id": quentin, "joined_on": d("2026-01-06")})
        .created[0]
    )
    theirs["case"] = (
        services["victim_cases"]
        .create(
            {
                "victim_id": stranger,
                "crime_reference": "41 99999 26",
                "offence_type": "Theft",
                "opened_at": utc(2026, 7, 2, 10),
            }
        )
        .created[0]
    )
    theirs["message"] = (
        services["messages"]
        .create(
            {
                "received_at": utc(2026, 7, 6, 9),
                "channel": "email",
                "from_name": "Stella Stranger",
                "subject": "Noise",
                "kind": "request",
            }
        )
        .created[0]
    )
    # A deleted record still holds data: it is included and marked.
    mine["deleted_engagement"] = engagements.create(
        {"occurred_at": utc(2026, 7, 8, 9), "channel": "phone", "summary": "gone-but-held"}
    ).created[0]
    links.create({"engagement_id": mine["deleted_engagement"], "contact_id": mine["contact"]})
    engagements.delete(mine["deleted_engagement"])
    return {"mine": mine, "theirs": theirs, "world": world}
