"""How long personal data is kept before someone reviews it (the README has the table).

Each kind of record that holds personal data is due for review a set time after the event
that ends its use. A reviewer keeps it (with a reason and a new review date) or disposes of
it; disposing erases its personal fields and keeps what published figures count. Notes in
the contact log and KIN check-ins are not reviewed one by one: they expire on their own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetentionRule:
    kind: str  # the table
    label: str
    months: int
    after: str  # the event the period runs from
    disposal: str  # what disposing of one does


RULES: tuple[RetentionRule, ...] = (
    RetentionRule(
        "contacts",
        "Contact",
        24,
        "the last engagement with them (or, with none, when they were added)",
        "erases the person everywhere, as an erasure request does",
    ),
    RetentionRule(
        "victim_cases",
        "Victim care case",
        12,
        "the case closed (or was deleted)",
        "removes the case's details and its visit notes; the case stays counted",
    ),
    RetentionRule(
        "kin_members",
        "KIN membership",
        12,
        "the member left the network (or was deleted)",
        "removes why they are key, what they represent and their check-in notes",
    ),
    RetentionRule(
        "messages",
        "Message to the team",
        12,
        "it was received",
        "removes the sender, subject and text; the response time stays counted",
    ),
)
RULE_OF = {rule.kind: rule for rule in RULES}

# Notes that expire without a review: engagement summaries and KIN check-in concerns after
# NOTES_MONTHS (a setting), and, if a team sets it, doorstep notes (patrol and face-to-face
# engagements) after a number of days.
NOTES_MONTHS = 24
DOORSTEP_DAYS = 0  # 0: doorstep notes follow the other notes
DOORSTEP_CHANNELS = ("patrol", "face_to_face")
