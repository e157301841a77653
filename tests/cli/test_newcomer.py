"""The command line a newcomer meets: meetings, output paths, --user anywhere, help, hints."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from pcso_desk import cli
from pcso_desk.services.protection import accounts
from pcso_desk.services.records.csv_headers import SYNONYMS
from tests.cli.station import PASSWORDS, Station, as_user, build_station, one_sentence, run


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Station:
    """One station for the tests that only read (sign-ins and audit entries aside)."""
    return build_station(tmp_path_factory.mktemp("shared") / "station")


@pytest.fixture
def station(tmp_path: Path) -> Station:
    return build_station(tmp_path / "station")


def _titles(out: str) -> list[str]:
    """The meetings listed, by title, in the order printed."""
    titles = ("Spring PACT", "East surgery", "Team-wide panel", "Old PACT")
    return [t for line in out.splitlines()[1:] for t in titles if f": {t}" in line]


# -- meetings ----------------------------------------------------------------------------------


def test_meetings_lists_what_is_coming_soonest_first_with_the_ids(
    shared: Station, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = as_user(capsys, monkeypatch, shared, "pcso", "meetings")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["DATE", "TIME", "WHAT", "WHERE", "ID"]
    assert _titles(out) == ["East surgery", "Spring PACT", "Team-wide panel"]
    spring = next(line for line in lines if "Spring PACT" in line)
    assert "Tue 04 Mar 2098" in spring and "18:30" in spring and "PACT meeting" in spring
    assert "Riverside Central" in spring and spring.endswith(shared.meetings["Spring PACT"])
    panel = next(line for line in lines if "Team-wide panel" in line)
    assert "Riverside SNT" in panel  # no ward of its own: its neighbourhood


def test_a_listed_id_makes_a_meeting_pack(
    shared: Station,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = as_user(capsys, monkeypatch, shared, "pcso", "meetings", "--ward", "riv-e")
    meeting_id = out.splitlines()[1].split()[-1]
    target = tmp_path / "pack.pdf"
    code, said, err = as_user(
        capsys, monkeypatch, shared, "pcso", "meeting-pack", "--meeting", meeting_id,
        "--out", str(target),
    )  # fmt: skip
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF") and "meeting pack" in said


@pytest.mark.parametrize(
    ("options", "titles"),
    [
        (["--ward", "Riverside Central"], ["Spring PACT", "Team-wide panel"]),
        (["--ward", "RIV-E"], ["East surgery", "Team-wide panel"]),
        (["--neighbourhood", "riverside snt"], ["East surgery", "Spring PACT", "Team-wide panel"]),
        (
            ["--from", "2020-01-01", "--to", "2098-03-04"],
            ["Old PACT", "East surgery", "Spring PACT"],
        ),
        (["--from", "2098-03-05"], ["Team-wide panel"]),
    ],
)
def test_meetings_by_ward_neighbourhood_and_dates(
    shared: Station,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    titles: list[str],
) -> None:
    code, out, err = as_user(capsys, monkeypatch, shared, "pc", "meetings", *options)
    assert code == 0, err
    assert _titles(out) == titles


def test_no_meetings_is_said_plainly(
    shared: Station, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = as_user(capsys, monkeypatch, shared, "pc", "meetings", "--from", "2099-01-01")
    assert (code, out) == (0, "No meetings from 2099-01-01.\n")


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (
            ["--ward", "Riverside Centrl"],
            "There is no ward called 'Riverside Centrl'; did you mean",
        ),
        (["--from", "4 March"], "'4 March' is not a date for --from; give it as YYYY-MM-DD."),
        (["--from", "2098-03-05", "--to", "2098-03-01"], "before the start date"),
    ],
)
def test_meetings_refusals_are_one_sentence(
    shared: Station,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    said: str,
) -> None:
    code, out, err = as_user(capsys, monkeypatch, shared, "pc", "meetings", *options)
    assert code == 1 and out == "" and said in one_sentence(err)


def test_meetings_needs_signing_in(shared: Station, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--data-dir", str(shared.root), "meetings")
    assert code == 1 and "--user" in one_sentence(err)


# -- where output goes -------------------------------------------------------------------------

WRITERS = [
    ["briefing", "--ward", "Riverside Central", "--out"],
    ["meeting-pack", "--meeting", "whatever", "--out"],
    ["export", "contacts", "--format", "csv", "--out"],
    ["monthly-pack", "--ward", "Riverside Central", "--month", "2024-01", "--out"],
    ["sync", "identity", "--out"],
    ["sync", "export", "--out"],
    ["backup", "--out"],
]


@pytest.mark.parametrize("argv", WRITERS, ids=lambda argv: argv[0] + " " + argv[1])
def test_an_output_that_is_a_folder_is_one_sentence(
    shared: Station,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    code, out, err = as_user(capsys, monkeypatch, shared, "sergeant", *argv, str(tmp_path))
    assert code == 1 and out == ""
    assert one_sentence(err).startswith(f"'{tmp_path}' is a folder; give --out a file name")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", WRITERS, ids=lambda argv: argv[0] + " " + argv[1])
def test_an_output_in_a_missing_folder_is_one_sentence(
    shared: Station,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    missing = tmp_path / "no such folder"
    target = missing / ("out." + {"export": "csv", "monthly-pack": "zip"}.get(argv[0], "pdf"))
    code, _, err = as_user(capsys, monkeypatch, shared, "sergeant", *argv, str(target))
    assert code == 1
    assert one_sentence(err).startswith(f"The folder '{missing}' does not exist")
    assert not missing.exists()


def test_import_rejects_that_is_a_folder_is_one_sentence(
    shared: Station,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "contacts.csv"
    source.write_text("Name,Postcode\nSam Sample,AL1 3AB\n", encoding="utf-8")
    folder = tmp_path / "rejects"
    folder.mkdir()
    code, _, err = as_user(
        capsys, monkeypatch, shared, "sergeant", "import", "contacts", str(source),
        "--rejects", str(folder),
    )  # fmt: skip
    assert code == 1 and one_sentence(err).startswith(f"'{folder}' is a folder; give --rejects")


def test_a_district_pack_makes_its_folder(
    station: Station,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "packs"
    code, out, err = as_user(
        capsys, monkeypatch, station, "sergeant", "monthly-pack", "--district", "testshire north",
        "--month", "2024-01", "--out", str(folder),
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[-1] == f"Wrote 1 pack for 2024-01 to {folder}."
    assert [p.name for p in folder.iterdir()] == ["riverside-snt-2024-01.zip"]


def test_a_pcso_builds_public_packs_and_only_a_sergeant_internal_ones(
    shared: Station,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def pack(user: str, *extra: str) -> tuple[int, str, str]:
        return as_user(
            capsys, monkeypatch, shared, user, "monthly-pack", "--ward", "Riverside Central",
            "--month", "2024-01", "--out", str(tmp_path / f"{user}.zip"), *extra,
        )  # fmt: skip

    code, out, err = pack("pcso")
    assert code == 0, err
    assert out.splitlines()[-1].startswith("Wrote the 2024-01 pack for Riverside Central")
    code, _, err = pack("pcso", "--internal")
    assert code == 1 and one_sentence(err) == (
        "A PCSO account cannot build internal monthly packs; ask a sergeant."
    )
    code, _, err = pack("sergeant", "--internal")
    assert code == 0, err
    assert (tmp_path / "sergeant.zip").exists()


def test_an_unknown_district_makes_no_folder(
    station: Station,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "packs"
    code, _, err = as_user(
        capsys, monkeypatch, station, "sergeant", "monthly-pack", "--district", "Testshire Nort",
        "--out", str(folder),
    )  # fmt: skip
    assert code == 1
    assert one_sentence(err) == (
        "There is no district called 'Testshire Nort'; did you mean Testshire North?"
    )
    assert not folder.exists()


# -- what is refused before anything is done ---------------------------------------------------


def test_a_month_in_the_future_is_refused(
    shared: Station,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "pack.zip"
    code, _, err = as_user(
        capsys, monkeypatch, shared, "sergeant", "monthly-pack", "--ward", "Riverside Central",
        "--month", "2099-01", "--out", str(target),
    )  # fmt: skip
    assert code == 1 and "2099-01 has not begun yet" in one_sentence(err)
    assert not target.exists()


@pytest.mark.parametrize(("fmt", "name"), [("xlsx", "x.csv"), ("csv", "x.xlsx"), ("csv", "x")])
def test_an_export_file_name_must_suit_its_format(
    shared: Station,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fmt: str,
    name: str,
) -> None:
    code, _, err = as_user(
        capsys, monkeypatch, shared, "sergeant", "export", "contacts", "--format", fmt,
        "--out", str(tmp_path / name),
    )  # fmt: skip
    assert code == 1
    assert one_sentence(err) == (
        f"'{name}' does not suit --format {fmt}; give a file name ending in .{fmt}."
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("option", "typed", "said"),
    [
        ("--ward", "Riverside Centrl", "did you mean Riverside Central"),
        ("--neighbourhood", "Riverside SN", "did you mean Riverside SNT?"),
        ("--district", "Testshire Nort", "did you mean Testshire North?"),
        ("--council", "Riverside Parish", "and the store has none yet"),
    ],
)
def test_unknown_area_names_get_suggestions(
    shared: Station,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    option: str,
    typed: str,
    said: str,
) -> None:
    out = tmp_path if option == "--district" else tmp_path / "pack.zip"
    code, _, err = as_user(
        capsys, monkeypatch, shared, "sergeant", "monthly-pack", option, typed,
        "--month", "2024-01", "--out", str(out),
    )  # fmt: skip
    message = one_sentence(err)
    assert code == 1 and message.startswith(f"There is no {option[2:]} called '{typed}'")
    assert said in message


# -- --user and --data-dir ---------------------------------------------------------------------


def test_user_and_data_dir_may_follow_the_command(
    shared: Station,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PCSO_DESK_PASSWORD", PASSWORDS["pc"])
    target = tmp_path / "x.csv"
    code, out, err = run(
        capsys, "export", "contacts", "--user", "pc", "--data-dir", str(shared.root),
        "--format", "csv", "--out", str(target),
    )  # fmt: skip
    assert code == 0, err
    assert out == f"Exported 1 contacts to {target}.\n"


def test_a_user_given_before_the_command_is_kept(
    shared: Station, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PCSO_DESK_PASSWORD", PASSWORDS["pc"])
    code, _, err = run(
        capsys, "--user", "pc", "import", "contacts", "--data-dir", str(shared.root),
        "--dry-run", str(Path(__file__)),
    )  # fmt: skip
    assert "--user" not in err  # signed in as pc: the file itself is what is refused
    assert code == 1 and "Traceback" not in err


OPEN_COMMANDS = [
    ["check"],
    ["init"],
    ["demo"],
    ["sync", "status"],
    ["sync", "identity", "--out", "IDENTITY"],
]


@pytest.mark.parametrize("argv", OPEN_COMMANDS, ids=" ".join)
def test_a_wrong_password_is_refused_by_every_command(
    station: Station,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    written = tmp_path / "written"
    written.mkdir()
    argv = [str(written / "identity.json") if a == "IDENTITY" else a for a in argv]
    monkeypatch.setenv("PCSO_DESK_PASSWORD", "not the password at all")
    code, out, err = run(capsys, "--data-dir", str(station.root), "--user", "pc", *argv)
    assert (code, out, one_sentence(err)) == (1, "", accounts.WRONG)
    assert list(written.iterdir()) == []


@pytest.mark.parametrize("argv", OPEN_COMMANDS[:4], ids=" ".join)
def test_the_right_password_is_let_through(
    shared: Station, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:  # fmt: skip
    code, _, err = as_user(capsys, monkeypatch, shared, "pc", *argv)
    if argv[0] in ("check", "sync"):
        assert code == 0, err
    else:  # the store is set up already: refused for that, not for the password
        assert accounts.WRONG not in err


def test_user_on_a_store_without_accounts_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "station"
    monkeypatch.setenv("PCSO_DESK_PASSWORD", "whatever it may be")
    code, _, err = run(capsys, "--data-dir", str(root), "--user", "ada", "init")
    assert code == 1 and "cannot be checked" in one_sentence(err)
    assert not root.exists()
    assert run(capsys, "--data-dir", str(root), "init")[0] == 0
    code, _, err = run(capsys, "--data-dir", str(root), "--user", "ada", "check")
    assert code == 1 and "no user accounts yet" in one_sentence(err)


# -- help ------------------------------------------------------------------------------------


def _parsers(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield parser.prog, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def _without_help() -> list[str]:
    """'prog: --option' for each option, argument or subcommand that has no help text."""
    missing = []
    for prog, parser in _parsers(cli.build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            if not action.help:
                missing.append(f"{prog}: {'/'.join(action.option_strings) or action.dest}")
            if isinstance(action, argparse._SubParsersAction):
                missing += [f"{prog} {c.dest}" for c in action._choices_actions if not c.help]
    return missing


def test_every_option_and_argument_has_help() -> None:
    assert _without_help() == []


def test_import_contacts_help_lists_the_columns_it_understands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "import", "contacts", "--help")
    assert code == 0
    said = " ".join(out.split())
    for field, spellings in SYNONYMS.items():
        assert re.search(rf"\b{field.replace('_', ' ')}: ", said), field
        for spelling in spellings:
            assert re.search(rf"\b{spelling}\b", said), spelling
