"""What front ends may import from the services besides the surface itself (services/api.py):
values that cross the surface (requests, pages, results, errors) and pure helpers that read
no store (parsing a month, a ward list). Nothing here reads or writes data; every use case is
a declared method of `Services` (services/gateway.py). An import-linter contract in
pyproject.toml keeps gui/ and the command line to these two modules."""

from __future__ import annotations

from pcso_desk.services.casework.meeting_list import MeetingLine
from pcso_desk.services.casework.operations import Coverage
from pcso_desk.services.casework.story import StoryItem
from pcso_desk.services.casework.today import (
    REVIEW_AHEAD,
    LoggedEngagement,
    Scope,
    TodayItem,
    TodaySummary,
    starting_scope,
)
from pcso_desk.services.context import Actor, Changes
from pcso_desk.services.documents.monthly import (
    last_complete_month,
    month_title,
    parse_month,
    shift_month,
)
from pcso_desk.services.maintenance import SetupState, check_init, damaged_report, team_name
from pcso_desk.services.protection.accounts import (
    DEMO_PASSWORD,
    MAX_PASSWORD,
    MIN_PASSWORD,
    Account,
    check_new_account,
)
from pcso_desk.services.protection.audit import AuditRow, ChainCheck
from pcso_desk.services.protection.audit_api import AUDIT_COLUMNS, audit_cells
from pcso_desk.services.protection.backups import DamagedStoreError
from pcso_desk.services.protection.erasure import Erasure
from pcso_desk.services.protection.retention import (
    Disposal,
    NotesSettings,
    ReviewItem,
    ReviewQueue,
)
from pcso_desk.services.records.csv_headers import SYNONYMS
from pcso_desk.services.records.search import SearchHit
from pcso_desk.services.records.service import ListQuery, Page
from pcso_desk.services.signed_in import Whereabouts
from pcso_desk.services.sync.set_aside import set_aside_line
from pcso_desk.services.team_setup import TeamSetup, parse_wards

__all__ = [
    "AUDIT_COLUMNS",
    "DEMO_PASSWORD",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "REVIEW_AHEAD",
    "SYNONYMS",
    "Account",
    "Actor",
    "AuditRow",
    "ChainCheck",
    "Changes",
    "Coverage",
    "DamagedStoreError",
    "Disposal",
    "Erasure",
    "ListQuery",
    "LoggedEngagement",
    "MeetingLine",
    "NotesSettings",
    "Page",
    "ReviewItem",
    "ReviewQueue",
    "Scope",
    "SearchHit",
    "SetupState",
    "StoryItem",
    "TeamSetup",
    "TodayItem",
    "TodaySummary",
    "Whereabouts",
    "audit_cells",
    "check_init",
    "check_new_account",
    "damaged_report",
    "last_complete_month",
    "month_title",
    "parse_month",
    "parse_wards",
    "set_aside_line",
    "shift_month",
    "starting_scope",
    "team_name",
]
