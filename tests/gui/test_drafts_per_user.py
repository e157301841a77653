"""Unsaved drafts belong to the user who typed them: the next user is not offered them."""

from __future__ import annotations

from pathlib import Path

from pcso_desk.domain.enums import UserRole
from pcso_desk.gui.drafts import DraftStore, drafts_folder
from pcso_desk.services.context import Actor

ALEX = Actor("user-alex", "alex", UserRole.PCSO, None)
SAM = Actor("user-sam", "sam", UserRole.PC, None)


def test_a_draft_is_offered_only_to_the_user_who_typed_it(tmp_path: Path) -> None:
    DraftStore(drafts_folder(tmp_path, ALEX)).save(
        "contacts-new", "New contact", {"name": "Zebedee Canary"}
    )
    assert DraftStore(drafts_folder(tmp_path, SAM)).pending() == []
    assert DraftStore(drafts_folder(tmp_path, ALEX)).pending() == [("contacts-new", "New contact")]


def test_before_accounts_exist_drafts_stay_in_the_shared_folder(tmp_path: Path) -> None:
    assert drafts_folder(tmp_path, None) == tmp_path
