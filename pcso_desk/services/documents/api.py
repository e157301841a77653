"""Printed documents as use cases for front ends (`services.documents`): the street briefing
handout, the meeting pack, the KIN call list and the victim visit card.

Each document is made three ways, and the audit log tells them apart:
- `preview_*` builds the PDF to show on screen: audited as "preview";
- `save_*` writes the PDF to a file: audited as "print", with the file's size and SHA-256,
  in the entry that commits before the file takes its name;
- `print_*` builds the PDF to send to a printer: audited as "print".
All need the print right; the victim card is restricted and also needs VIEW_RESTRICTED
(its declared kind, victim_cases, makes the gateway check both). The PDF libraries load when
a document is first made, not when the app starts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pcso_desk.domain.permissions import Action
from pcso_desk.services.context import Context
from pcso_desk.services.gateway import Effect, note, use_case

if TYPE_CHECKING:
    from pcso_desk.reports.briefing import Area
    from pcso_desk.services.documents.briefings import Choice

# What `choices` offers: public lists. Open victim cases are restricted: `open_cases`.
PUBLIC_CHOICES = ("ward", "neighbourhood", "meeting", "kin")
TO_PRINTER = "for a printer"


class Documents:
    """The documents of one store, each previewed, saved or printed as its own use case."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- what a document is made for --------------------------------------------------------

    @use_case(Action.VIEW, effect=Effect.READ)
    def find_area(self, kind: str, text: str) -> Area:
        """The ward or neighbourhood named or coded `text`; else one sentence offering the
        close ones."""
        from pcso_desk.services.documents import briefings

        return briefings.find_area(self.ctx, kind, text)

    @use_case(Action.VIEW, effect=Effect.READ)
    def choices(self, what: str) -> tuple[Choice, ...]:
        """The wards, neighbourhoods, meetings or KINs a document can be made for."""
        if what not in PUBLIC_CHOICES:
            raise ValueError(f"choices are for {', '.join(PUBLIC_CHOICES)}; not {what!r}")
        from pcso_desk.services.documents import briefings

        return briefings.choices(self.ctx, what, date.today())

    @use_case(Action.VIEW, "list", effect=Effect.READ, kind="victim_cases")
    def open_cases(self) -> tuple[Choice, ...]:
        """The open victim care cases a visit card can be made for (restricted: audited with
        how many were listed)."""
        from pcso_desk.services.documents import briefings

        return briefings.choices(self.ctx, "case", date.today())

    # -- the street briefing handout ---------------------------------------------------------

    def _handout(self, area: Area, today: date, large_print: bool) -> bytes:
        from pcso_desk.services.documents import briefings

        note((area.id,), "large print" if large_print else "")
        data = briefings.handout(self.ctx, area, today)
        return briefings.handout_pdf(data, large_print=large_print)

    @use_case(Action.PRINT, "preview", effect=Effect.READ, kind="briefing")
    def preview_handout(self, area: Area, today: date, *, large_print: bool = False) -> bytes:
        return self._handout(area, today, large_print)

    @use_case(Action.PRINT, "print", effect=Effect.FILE, kind="briefing", output="out")
    def save_handout(
        self, area: Area, today: date, out: Path, *, large_print: bool = False
    ) -> Path:
        return _write(out, self._handout(area, today, large_print))

    @use_case(Action.PRINT, "print", effect=Effect.READ, kind="briefing")
    def print_handout(self, area: Area, today: date, *, large_print: bool = False) -> bytes:
        pdf = self._handout(area, today, large_print)
        note((), f"{'large print, ' if large_print else ''}{TO_PRINTER}")
        return pdf

    # -- the meeting pack --------------------------------------------------------------------

    def _meeting_pack(self, meeting_id: str) -> bytes:
        from pcso_desk.services.documents import briefings

        note((meeting_id,))
        return briefings.meeting_pack_pdf(self.ctx, meeting_id)

    @use_case(Action.PRINT, "preview", effect=Effect.READ, kind="meetings")
    def preview_meeting_pack(self, meeting_id: str) -> bytes:
        return self._meeting_pack(meeting_id)

    @use_case(Action.PRINT, "print", effect=Effect.FILE, kind="meetings", output="out")
    def save_meeting_pack(self, meeting_id: str, out: Path) -> Path:
        return _write(out, self._meeting_pack(meeting_id))

    @use_case(Action.PRINT, "print", effect=Effect.READ, kind="meetings")
    def print_meeting_pack(self, meeting_id: str) -> bytes:
        return _for_printer(lambda: self._meeting_pack(meeting_id))

    # -- the KIN call list (internal) --------------------------------------------------------

    def _kin_call_list(self, kin_id: str, today: date) -> bytes:
        from pcso_desk.reports.internal import build_kin_call_list
        from pcso_desk.services.documents import briefings

        note((kin_id,))
        return build_kin_call_list(briefings.kin_call_list(self.ctx, kin_id, today))

    @use_case(Action.PRINT, "preview", effect=Effect.READ, kind="kins")
    def preview_kin_call_list(self, kin_id: str, today: date) -> bytes:
        return self._kin_call_list(kin_id, today)

    @use_case(Action.PRINT, "print", effect=Effect.FILE, kind="kins", output="out")
    def save_kin_call_list(self, kin_id: str, today: date, out: Path) -> Path:
        return _write(out, self._kin_call_list(kin_id, today))

    @use_case(Action.PRINT, "print", effect=Effect.READ, kind="kins")
    def print_kin_call_list(self, kin_id: str, today: date) -> bytes:
        return _for_printer(lambda: self._kin_call_list(kin_id, today))

    # -- the victim visit card (restricted) --------------------------------------------------

    def _victim_card(self, case_id: str, today: date) -> bytes:
        from pcso_desk.reports.internal import build_victim_card
        from pcso_desk.services.documents import briefings

        note((case_id,))
        return build_victim_card(briefings.victim_card(self.ctx, case_id, today))

    @use_case(Action.PRINT, "preview", effect=Effect.READ, kind="victim_cases")
    def preview_victim_card(self, case_id: str, today: date) -> bytes:
        return self._victim_card(case_id, today)

    @use_case(Action.PRINT, "print", effect=Effect.FILE, kind="victim_cases", output="out")
    def save_victim_card(self, case_id: str, today: date, out: Path) -> Path:
        return _write(out, self._victim_card(case_id, today))

    @use_case(Action.PRINT, "print", effect=Effect.READ, kind="victim_cases")
    def print_victim_card(self, case_id: str, today: date) -> bytes:
        return _for_printer(lambda: self._victim_card(case_id, today))


def _write(out: Path, pdf: bytes) -> Path:
    """Write the PDF where the gateway says (a hidden name it renames once the entry is in)."""
    from pcso_desk.reports.common import write_atomic

    return write_atomic(out, pdf)


def _for_printer(build: Callable[[], bytes]) -> bytes:
    pdf = build()
    note((), TO_PRINTER)
    return pdf
