"""Reading a CSV file as a stream of rows, without trusting the file.

What a contacts import (and any other CSV import) gets from here, and why:

* **Regular files only.** The path is checked with `os.stat` before it is opened, and the
  descriptor again with `fstat` (opened with O_NONBLOCK, so that a FIFO swapped in between
  cannot block): a device (`/dev/zero`), a FIFO or a folder is refused at once with one
  sentence, never read.
* **Streamed.** The file is read in chunks and physical lines; nothing holds the whole file.
  A line longer than `MAX_LINE` characters is one rejected row, skipped in chunks.
* **The encoding comes from the whole byte stream** (`detect_encoding`, one streamed pass
  with an incremental UTF-8 decoder): a UTF-16 BOM means UTF-16 (Excel's "Unicode Text");
  a file that is valid UTF-8 throughout (a BOM or not) is UTF-8; a file holding no valid
  multi-byte UTF-8 sequence at all is Windows-1252 (what Excel on Windows saves). A MIXED
  file - some valid UTF-8 multi-byte sequences and some bytes that are not UTF-8 - is refused,
  naming the row of the first bad byte: reading it either way would garble some names.
* **The delimiter**: an Excel `sep=X` first line is honoured (the line is skipped, X is the
  delimiter, and the line is not counted as a row); otherwise it is sniffed from the header
  line only: the most frequent of comma, semicolon, tab and pipe (a comma on a tie).
* **Quoting errors reject the row, naming it, and never merge rows silently.** Each record
  is parsed by the csv module in strict mode from a feed of physical lines that this module
  controls, so a bad record can be taken apart again: when a record fails (a quote never
  closed by the end of the file or within `MAX_RECORD_LINES` lines; text after a closing
  quote), or when a record spanning several lines holds a line that is itself shaped like a
  row (as many fields as the header, the header having three or more; the closing line
  counts when the quote ends it), the record's FIRST line is rejected as "a quote that is
  never closed" and the lines after it are read again as rows of their own. A record of
  several lines with the wrong number of fields is rejected whole. The row-shape test can
  reject a genuine multi-line note one of whose lines holds exactly as many fields as a row
  does (header minus one delimiters); that row is rejected with its reason, never misread.
* **Field counts are checked against the header**: more fields than the header is a rejected
  row (unless the extra fields are all blank, as spreadsheets pad rows); fewer is a rejected
  row too, saying so - and, when the row holds another delimiter, that it may be separated
  by that one.

Row numbers are those a spreadsheet shows: the header is row 1, blank lines count, a cell
of several lines is still one row, and a `sep=` line is not a row.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pcso_desk.domain.errors import ValidationError

CHUNK = 1 << 20
MAX_LINE = 100_000  # characters in one physical line
MAX_RECORD_LINES = 100  # physical lines one quoted value may run over
DELIMITERS = (",", ";", "\t", "|")
NAMES = {",": "','", ";": "';'", "\t": "a tab", "|": "'|'"}
BINARY = "it holds binary data, not text"
MAGIC = (
    (b"%PDF", "it is a PDF document"),
    (b"PK\x03\x04", "it is an Excel workbook or a zip file; save it from Excel as CSV first"),
    (b"\xd0\xcf\x11\xe0", "it is an Excel 97 or Word file; save it from Excel as CSV first"),
    (b"{\\rtf", "it is a Word (RTF) document"),
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]")
SNIFF_CHARS = 65536
_ESCAPED = re.compile("[\udc80-\udcff]")  # bytes that are not UTF-8, as surrogateescape keeps them
_MULTIBYTE = re.compile("[\x80-\udc7f\udd00-\U0010ffff]")  # a character from a valid sequence
_UNDEFINED_1252 = re.compile(b"[\x81\x8d\x8f\x90\x9d]")  # bytes Windows-1252 leaves undefined
_SEP = re.compile(r'^"?sep=([^\w"\r\n])"?\s*$', re.IGNORECASE)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def refuse(path: Path, why: str) -> ValidationError:
    return ValidationError(f"'{path.name}' is not a contacts CSV file: {why}.", field="file")


def open_regular(path: Path) -> BinaryIO:
    """The file opened for reading in binary; refuses a missing file, a device, FIFO or folder."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        raise ValidationError(f"There is no file '{path}'.", field="file") from None
    except OSError as exc:
        raise ValidationError(f"'{path}' cannot be read: {exc.strerror}.", field="file") from None
    _check_regular(path, found.st_mode)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ValidationError(f"'{path}' cannot be read: {exc.strerror}.", field="file") from None
    try:
        _check_regular(path, os.fstat(descriptor).st_mode)
    except ValidationError:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "rb")


def _check_regular(path: Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise ValidationError(
            f"'{path}' is not a regular file; give import a .csv file.", field="file"
        )


def detect_encoding(path: Path) -> str:
    """The codec to read the file with (see the module docstring), or a ValidationError."""
    multibyte = escaped = undefined = False
    with open_regular(path) as handle:
        head = handle.read(CHUNK)
        if not head:
            raise refuse(path, "it is empty")
        for magic, why in MAGIC:
            if head.startswith(magic):
                raise refuse(path, why)
        if head.startswith(_UTF16_BOMS):
            return "utf-16"
        decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        chunk, first = head, True
        while True:
            if b"\x00" in chunk:
                raise refuse(path, BINARY)
            text = decoder.decode(chunk, final=not chunk)
            if first:
                sample = text[:SNIFF_CHARS]
                if len(CONTROL.findall(sample)) * 100 > len(sample):
                    raise refuse(path, BINARY)
                first = False
            escaped = escaped or bool(_ESCAPED.search(text))
            multibyte = multibyte or bool(_MULTIBYTE.search(text))
            undefined = undefined or bool(_UNDEFINED_1252.search(chunk))
            if (escaped and multibyte) or not chunk:
                break
            chunk = handle.read(CHUNK)
    if not escaped:
        return "utf-8-sig"
    if multibyte:
        raise _mixed(path)
    if undefined:  # no UTF-8, and not Windows-1252 either
        raise refuse(path, BINARY)
    return "cp1252"


def _mixed(path: Path) -> ValidationError:
    """The refusal of a file that is partly UTF-8, naming the row of its first bad byte."""
    number, byte = 1, 0x80
    for record in read_records(path, "utf-8", errors="surrogateescape"):
        found = next((m for cell in record.cells if (m := _ESCAPED.search(cell))), None)
        if found is not None:
            number, byte = record.number, ord(found.group()) - 0xDC00
            break
    return ValidationError(
        f"Row {number:,} is not valid UTF-8 (byte 0x{byte:02X}) while the rest of the file "
        "is; save the file as UTF-8 and import it again.",
        field="file",
    )


@dataclass(frozen=True)
class Record:
    """One row of the file: its number, its cells, and why it cannot be used (None if it can)."""

    number: int
    cells: list[str]
    problem: str | None = None

    @property
    def blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)


class _Lines:
    """The physical lines of a text stream, with push-back and a per-record line budget."""

    def __init__(self, stream: io.TextIOBase) -> None:
        self._stream = stream
        self._pending: deque[str] = deque()
        self.taken: list[str] = []
        self.too_long = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if len(self.taken) >= MAX_RECORD_LINES:
            raise StopIteration
        line = self._pending.popleft() if self._pending else self._read()
        if not line:
            raise StopIteration
        self.taken.append(line)
        return line

    def _read(self) -> str:
        line = self._stream.readline(MAX_LINE)
        if len(line) >= MAX_LINE and not line.endswith(("\n", "\r")):
            self.too_long = True
            while (rest := self._stream.readline(MAX_LINE)) and not rest.endswith(("\n", "\r")):
                pass
            return "\n"  # stands for the skipped line, which becomes a rejected row
        return line

    def peek(self) -> str:
        """The next line read ahead without taking it ("" at the end of the file)."""
        line = self._read()
        if line:
            self._pending.append(line)
        return line

    def drop_first_pending(self) -> None:
        self._pending.popleft()

    def push_back(self, lines: list[str]) -> None:
        self._pending.extendleft(reversed(lines))


def sniff_delimiter(header: str) -> str:
    """The most frequent candidate delimiter in the header line; a comma on a tie or none."""
    return max(DELIMITERS, key=lambda d: (header.count(d), -DELIMITERS.index(d)))


class RowReader:
    """The rows of a file, read as a stream: `with RowReader(path, codec) as rows: for ...`.

    `position` and `size` (bytes) say how far the reading has got, for a progress bar.
    """

    def __init__(self, path: Path, encoding: str, *, errors: str = "strict") -> None:
        self.path = path
        self._handle = open_regular(path)
        self.size = os.fstat(self._handle.fileno()).st_size
        stream = io.TextIOWrapper(
            self._handle, encoding=encoding, newline="",
            errors="replace" if encoding == "utf-16" else errors,
        )  # fmt: skip
        self._stream = stream
        try:
            self._reader = _RecordReader(stream)
        except UnicodeDecodeError:
            self.close()
            raise self._changed() from None

    @property
    def position(self) -> int:
        return self._handle.tell() if not self._handle.closed else self.size

    def __enter__(self) -> RowReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stream.close()

    def __iter__(self) -> Iterator[Record]:
        try:
            yield from self._reader.records()
        except UnicodeDecodeError:
            raise self._changed() from None

    def _changed(self) -> ValidationError:
        return ValidationError(
            f"'{self.path.name}' changed while it was being read; import it again.", field="file"
        )


def read_records(path: Path, encoding: str, *, errors: str = "strict") -> Iterator[Record]:
    """Every row of the file in order, blank ones included; see the module docstring."""
    with RowReader(path, encoding, errors=errors) as rows:
        yield from rows


def is_marking(cells: Sequence[str]) -> bool:
    """A protective marking alone on its line (PCSO Desk's internal exports start with
    OFFICIAL-SENSITIVE), read as a line before the header, not as the header."""
    filled = [cell.strip() for cell in cells if cell.strip()]
    return len(filled) == 1 and filled[0].upper().startswith("OFFICIAL")


def is_marking_line(line: str) -> bool:
    return is_marking([line.strip().strip('"')])


class _RecordReader:
    def __init__(self, stream: io.TextIOBase) -> None:
        self.lines = _Lines(stream)
        self.delimiter = self._dialect()
        self.reader = csv.reader(self.lines, delimiter=self.delimiter, strict=True)
        self.width = 0  # the header's field count, once it is read

    def _dialect(self) -> str:
        """Honours a `sep=X` first line (dropping it), else sniffs the header line."""
        first = self.lines.peek()
        found = _SEP.match(first)
        if found:
            self.lines.drop_first_pending()
            return found.group(1)
        header, looked = first, 1
        while (
            header and (not header.strip() or is_marking_line(header)) and looked < MAX_RECORD_LINES
        ):
            header, looked = self.lines.peek(), looked + 1
        return sniff_delimiter(header)

    def records(self) -> Iterator[Record]:
        number = 0
        while True:
            number += 1
            record = self._next(number)
            if record is None:
                return
            if (
                not record.blank
                and not self.width
                and record.problem is None
                and not is_marking(record.cells)
            ):
                self.width = len(record.cells)
            yield record

    def _next(self, number: int) -> Record | None:
        lines = self.lines
        lines.taken, lines.too_long = [], False
        try:
            cells = next(self.reader)
        except StopIteration:
            if not lines.taken:
                return None
            cells, error = [], "unexpected end of data"
        except csv.Error as exc:
            cells, error = [], str(exc)
        else:
            error = ""
        taken = lines.taken
        if lines.too_long and len(taken) == 1:
            return Record(number, [], f"Row {number:,} is longer than {MAX_LINE:,} characters.")
        if error or (len(taken) > 1 and self._runs_over_rows(taken)):
            lines.push_back(taken[1:])
            problem = self._quote_problem(number, error if len(taken) == 1 else "")
            return Record(number, self._loose(taken[0]), problem)
        return self._counted(number, cells)

    def _quote_problem(self, number: int, error: str) -> str:
        if "expected after" in error:
            return (
                f"Row {number:,} has text after a closing quote; a value may be missing its "
                "opening or closing quote."
            )
        if "field larger" in error:
            return f"Row {number:,} has a value over {csv.field_size_limit():,} characters long."
        return f"Row {number:,} has a quote that is never closed."

    def _loose(self, line: str) -> list[str]:
        """A line's cells read leniently, for the rejects file."""
        return next(csv.reader([line], delimiter=self.delimiter), [])

    def _runs_over_rows(self, taken: list[str]) -> bool:
        """A record of several lines whose later lines look like rows of their own."""
        if self.width < 3:
            return False
        for line in taken[1:-1]:
            if len(self._loose(line)) == self.width:
                return True
        last = taken[-1].rstrip("\r\n").rstrip()
        return last.endswith('"') and len(self._loose(last[:-1])) == self.width

    def _counted(self, number: int, cells: list[str]) -> Record:
        """The record, or a rejected one when its field count differs from the header's."""
        width = self.width
        count = len(cells)
        if not width or count == width or not any(cell.strip() for cell in cells):
            return Record(number, cells)
        if count > width:
            if not any(cell.strip() for cell in cells[width:]):
                return Record(number, cells[:width])  # padding, as spreadsheets save it
            why = "; a value with a comma in it may be missing its quotes."
            if self.delimiter != ",":
                why = "; a value with a delimiter in it may be missing its quotes."
        else:
            other = next((d for d in DELIMITERS if d != self.delimiter and _holds(cells, d)), "")
            why = "."
            if other:
                why = f" (is it separated by {NAMES[other]} rather than {NAMES[self.delimiter]}?)."
        fields = "field" if count == 1 else "fields"
        reason = f"Row {number:,} has {count} {fields} where the header has {width}{why}"
        return Record(number, cells, reason)


def _holds(cells: list[str], delimiter: str) -> bool:
    return any(delimiter in cell for cell in cells)
