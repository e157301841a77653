"""Bounded input for `pcso-desk import contacts`: the hostile and broken files testers found.

A device or a FIFO is refused at once, a partly-UTF-8 file is refused naming its row, and a
quoting or delimiter mistake rejects the row it is in (naming it) instead of merging rows or
storing a whole line as a name. Every refusal is one sentence and leaves the store as it was.
"""

from __future__ import annotations

import os
import random
import string
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from pcso_desk.domain.errors import ValidationError
from pcso_desk.services.records import contact_import, csv_reading
from pcso_desk.services.records.contact_import import import_contacts
from pcso_desk.services.records.duplicates import Candidate, DuplicateIndex
from pcso_desk.store.models import Contact


def _names(ctx: Any) -> set[str]:
    with ctx.store.read() as session:
        return set(session.scalars(select(Contact.name).where(Contact.deleted_at.is_(None))))


def _count(ctx: Any) -> int:
    with ctx.store.read() as session:
        return int(session.execute(select(func.count()).select_from(Contact)).scalar_one())


def _one_sentence(message: str) -> None:
    assert message.endswith(".") and ". " not in message.rstrip(".") and "\n" not in message


def _refused_at_once(ctx: Any, path: Path) -> str:
    """The import's refusal, which must come back within seconds (never block on the file)."""
    outcome: dict[str, BaseException] = {}

    def run() -> None:
        try:
            import_contacts(ctx, path)
        except BaseException as exc:  # handed to the test thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), f"the import of {path} blocked"
    error = outcome.get("error")
    assert isinstance(error, ValidationError), error
    return error.message


# -- what is not a file --------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_is_refused_at_once_not_read_until_memory_runs_out(ctx) -> None:  # type: ignore[no-untyped-def]
    message = _refused_at_once(ctx, Path("/dev/zero"))
    assert message == "'/dev/zero' is not a regular file; give import a .csv file."


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_at_once_instead_of_waiting_for_a_writer(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fifo = tmp_path / "contacts.csv"
    os.mkfifo(fifo)
    message = _refused_at_once(ctx, fifo)
    assert message == f"'{fifo}' is not a regular file; give import a .csv file."
    assert _count(ctx) == 0


def test_a_folder_is_refused(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "contacts.csv"
    folder.mkdir()
    with pytest.raises(ValidationError, match=r"is not a regular file; give import a \.csv"):
        import_contacts(ctx, folder)


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX rename race")
def test_a_fifo_swapped_in_after_the_check_still_cannot_block(tmp_path) -> None:
    fifo = tmp_path / "late.csv"
    os.mkfifo(fifo)
    with pytest.raises(ValidationError, match="is not a regular file"):
        csv_reading._check_regular(fifo, os.stat(fifo).st_mode)
    with pytest.raises(ValidationError, match="is not a regular file"):
        csv_reading.open_regular(fifo)  # O_NONBLOCK: opening it returns, fstat refuses


# -- encodings -----------------------------------------------------------------------------


def test_one_stray_windows_byte_in_a_utf8_file_is_refused_naming_its_row(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A file saved as UTF-8 with one pasted Windows-1252 dash: read either way, some names
    would be garbled ("ZoÃ«"), so it is refused and nothing is stored."""
    lines = ["Name,Postcode,Notes", "Zoë Example,AL1 3AB,"]
    lines += [f"Person {n} Fakename,SG1 1AA," for n in range(1500)]
    source = tmp_path / "mixed.csv"
    body = "\r\n".join(lines).encode("utf-8") + b"\r\n"
    source.write_bytes(body + "Late Comer,WD17 1AA,open 9 – 5\r\n".encode("cp1252"))

    with pytest.raises(ValidationError) as refused:
        import_contacts(ctx, source)

    assert refused.value.message == (
        "Row 1,503 is not valid UTF-8 (byte 0x96) while the rest of the file is; save the "
        "file as UTF-8 and import it again."
    )
    _one_sentence(refused.value.message)
    assert _count(ctx) == 0


def test_the_row_named_counts_a_cell_of_several_lines_once(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "mixed.csv"
    source.write_bytes('Name,Notes\nZoë Example,"two\nlines"\n'.encode() + b"Bad Byte,caf\xe9\n")
    with pytest.raises(ValidationError, match=r"^Row 3 is not valid UTF-8 \(byte 0xE9\)"):
        import_contacts(ctx, source)


def test_a_windows_1252_file_throughout_is_still_read_as_windows_1252(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "excel.csv"
    source.write_bytes("Name,Notes\r\nZoë Café,Owes £5 – smart\r\n".encode("cp1252"))
    assert import_contacts(ctx, source).added == 1
    assert _names(ctx) == {"Zoë Café"}


def test_a_utf8_file_whose_first_multibyte_character_is_far_in_is_utf8(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The whole stream decides, not a sample of its start."""
    lines = ["Name,Postcode"] + [f"Person {n} Fakename,SG1 1AA" for n in range(50_000)]
    lines.append("Łukasz Zoë,AL1 3AB")
    source = tmp_path / "late.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert source.stat().st_size > csv_reading.CHUNK
    assert csv_reading.detect_encoding(source) == "utf-8-sig"


# -- delimiters ----------------------------------------------------------------------------


def test_excel_sep_line_is_honoured(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "excel-sep.csv"
    source.write_text(
        "sep=;\r\nName;Postcode;Notes\r\nAsh Example;AL1 3AB;keys, with neighbour\r\n"
        "Bo Demo;SG1 1AA;\r\nBroken;NOT A CODE;\r\n",
        encoding="utf-8",
    )
    report = import_contacts(ctx, source)
    assert (report.added, report.rejected) == (2, 1)
    assert report.rejects[0].row == 4  # the sep= line is not a row: the header is row 1
    assert _names(ctx) == {"Ash Example", "Bo Demo"}


def test_a_comma_header_with_semicolon_rows_rejects_those_rows(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "mixed-delimiters.csv"
    source.write_text(
        "Name,Postcode,Phone\nAsh Example,AL1 3AB,\nEve Mixedperson;SG1 1AA;\n", encoding="utf-8"
    )
    report = import_contacts(ctx, source)
    assert (report.added, report.rejected) == (1, 1)
    assert report.rejects[0].reason == (
        "Row 3 has 1 field where the header has 3 (is it separated by ';' rather than ','?)."
    )
    assert _names(ctx) == {"Ash Example"}
    assert "Eve Mixedperson;SG1 1AA" not in _names(ctx)


def test_a_row_with_too_few_fields_is_rejected_naming_it(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "short.csv"
    source.write_text("Name,Address,Postcode\nAsh Example,1 High St\n", encoding="utf-8")
    report = import_contacts(ctx, source)
    assert (report.added, report.rejected) == (0, 1)
    assert report.rejects[0].reason == "Row 2 has 2 fields where the header has 3."


# -- quoting -------------------------------------------------------------------------------


def test_an_unclosed_quote_rejects_its_row_and_the_later_rows_import(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "unclosed.csv"
    source.write_text(
        "Name,Postcode,Notes\n"
        'Ash Example,AL1 3AB,"Keys with neighbour\n'
        "Bo Demo,SG1 1AA,\n"
        "Cy Trial,WD17 1AA,\n"
        'Di Sample,AL2 1AA,"Likes ""dogs"""\n',
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"

    report = import_contacts(ctx, source, rejects=rejects)

    assert (report.added, report.rejected) == (3, 1)
    assert report.rejects[0].row == 2
    assert report.rejects[0].reason == "Row 2 has a quote that is never closed."
    assert report.rejects[0].values == ("Ash Example", "AL1 3AB", "Keys with neighbour\n")
    assert _names(ctx) == {"Bo Demo", "Cy Trial", "Di Sample"}
    assert "(see rejects.csv)" in report.summary() and "1 rejected" in report.summary()


def test_an_unclosed_quote_closed_by_a_later_row_does_not_merge_the_rows(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "unclosed.csv"
    source.write_text(
        'Name,Postcode,Notes\nAsh Example,AL1 3AB,"Keys\nBo Demo,SG1 1AA,"\nCy Trial,WD17 1AA,\n',
        encoding="utf-8",
    )
    report = import_contacts(ctx, source)
    assert [(r.row, r.reason) for r in report.rejects] == [
        (2, "Row 2 has a quote that is never closed."),
        (3, "Row 3 has a quote that is never closed."),
    ]
    assert _names(ctx) == {"Cy Trial"}
    assert not any("\n" in name for name in _names(ctx))


def test_an_unclosed_quote_at_the_end_of_the_file_is_rejected(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "end.csv"
    source.write_text('Name,Notes\nAsh Example,ok\nBo Demo,"never closed\n', encoding="utf-8")
    report = import_contacts(ctx, source)
    assert (report.added, report.rejected) == (1, 1)
    assert report.rejects[0].reason == "Row 3 has a quote that is never closed."


def test_a_quote_running_on_for_too_many_lines_is_cut_off(ctx, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(csv_reading, "MAX_RECORD_LINES", 5)
    lines = ["Name,Notes", 'Ash Example,"opened'] + [f"Person {n} Fakename," for n in range(20)]
    source = tmp_path / "long.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_contacts(ctx, source)
    assert (report.added, report.rejected) == (20, 1)
    assert report.rejects[0].reason == "Row 2 has a quote that is never closed."


def test_text_after_a_closing_quote_rejects_the_row(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "quote.csv"
    source.write_text('Name,Notes\n"Ash" Example,x\nBo Demo,y\n', encoding="utf-8")
    report = import_contacts(ctx, source)
    assert (report.added, report.rejected) == (1, 1)
    assert report.rejects[0].reason == (
        "Row 2 has text after a closing quote; a value may be missing its opening or closing quote."
    )
    _one_sentence(report.rejects[0].reason)


def test_a_genuine_note_of_several_lines_is_still_one_value(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "notes.csv"
    source.write_text(
        'Name,Postcode,Notes\nAsh Example,AL1 3AB,"Met at a ward panel meeting,\n'
        'asked about speeding.\nRing twice."\nBo Demo,SG1 1AA,\n',
        encoding="utf-8",
    )
    report = import_contacts(ctx, source)
    assert (report.added, report.rejected) == (2, 0)
    with ctx.store.read() as session:
        notes = session.scalar(select(Contact.notes).where(Contact.name == "Ash Example"))
    assert notes == "Met at a ward panel meeting,\nasked about speeding.\nRing twice."


def test_an_over_long_line_is_one_rejected_row(ctx, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(csv_reading, "MAX_LINE", 1000)
    source = tmp_path / "long-line.csv"
    source.write_text(f"Name,Notes\nAsh Example,{'x' * 5000}\nBo Demo,\n", encoding="utf-8")
    report = import_contacts(ctx, source)
    assert (report.added, report.rejected) == (1, 1)
    assert report.rejects[0].reason == "Row 2 is longer than 1,000 characters."


# -- duplicates in a large block -----------------------------------------------------------


def _people(count: int) -> list[str]:
    """Distinct names no two of which look alike (random letters, seeded)."""
    rng = random.Random(7)
    return [
        " ".join("".join(rng.choices(string.ascii_lowercase, k=8)).title() for _ in range(2))
        for _ in range(count)
    ]


def test_duplicates_within_a_postcode_shared_by_thousands_of_rows_are_still_found() -> None:
    """Nine postcodes for 9,000 rows: each row is compared with a bounded set of earlier
    rows of its postcode, which still holds every earlier row with the same name and the
    rows sharing a word of the name."""
    index = DuplicateIndex()
    people = _people(9000)
    for n, name in enumerate(people):
        index.add(n + 2, Candidate(name, postcode=f"SG{n % 9 + 1} 1AA"))
    # an exact repeat of an early row, a typo of one, a title added, a late row
    assert index.match(Candidate(people[3], postcode="SG4 1AA")) == 5
    assert index.match(Candidate(people[12][:-1], postcode="SG4 1AA")) == 14
    assert index.match(Candidate(f"Mrs {people[4000]}", postcode="SG5 1AA")) == 4002
    assert index.match(Candidate(people[8990].upper(), postcode="SG9 1AA")) == 8992
    # a different person at the same postcode, and the same name at another postcode
    assert index.match(Candidate("Quentin Elsewhere", postcode="SG4 1AA")) is None
    assert index.match(Candidate(people[3], postcode="SG5 1AA")) is None


def test_an_import_with_nine_postcodes_finds_its_repeated_rows(ctx, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(contact_import, "BATCH", 500)
    people = _people(3000)
    lines = ["Name,Postcode"]
    lines += [f"{name},SG{n % 9 + 1} 1AA" for n, name in enumerate(people)]
    lines += [f"{people[7].upper()},SG8 1AA", f"{people[2100][:-1]},SG4 1AA"]
    source = tmp_path / "nine.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_contacts(ctx, source)
    assert (report.added, report.rejected) == (3000, 2)
    assert [r.reason for r in report.rejects] == [
        "Duplicate of row 9 in this file.",
        "Duplicate of row 2,102 in this file.",
    ]


def test_rows_the_import_added_are_not_store_duplicates(ctx, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A later batch sees the earlier batches' rows through the within-file check only."""
    monkeypatch.setattr(contact_import, "BATCH", 2)
    source = tmp_path / "c.csv"
    source.write_text(
        "Name,Postcode\nAsh Example,AL1 3AB\nBo Demo,SG1 1AA\nCy Trial,WD17 1AA\n"
        "Ash Example,AL1 3AB\n",
        encoding="utf-8",
    )
    report = import_contacts(ctx, source)
    assert (report.added, report.updated, report.skipped, report.rejected) == (3, 0, 0, 1)
    assert report.rejects[0].reason == "Duplicate of row 2 in this file."


def test_the_report_keeps_the_first_rejects_the_file_all(ctx, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(contact_import, "KEPT_REJECTS", 3)
    monkeypatch.setattr(contact_import, "BATCH", 4)
    source = tmp_path / "bad.csv"
    source.write_text("Name,Postcode\n" + "Bad Code,XX\n" * 10, encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    report = import_contacts(ctx, source, rejects=rejects)
    assert report.rejected == 10 and [r.row for r in report.rejects] == [2, 3, 4]
    lines = rejects.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "OFFICIAL-SENSITIVE"
    assert len(lines) == 12 and lines[-1].startswith("11,")
