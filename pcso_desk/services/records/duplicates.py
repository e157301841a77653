"""Likely-duplicate contacts: in the store (import, contact editor) and within one import file.

The rule (the product's duplicate check: "fuzzy name + postcode + phone + email"):

* names are compared with rapidfuzz's `token_sort_ratio` after `default_process` (lower case,
  punctuation to spaces), so "Smith, John" and "john smith" score 100. It is chosen over
  `WRatio`, whose partial matching scores "Ann Lee" against "Annabel Leeson" highly and would
  flag too many different people at county scale (100,000 contacts);
* a likely duplicate has a similar name (score >= 85) and shares at least one of postcode,
  phone or email; or shares an email or phone with a name scoring >= 60 ("Jon Smyth" and
  "John Smith" on the same mobile);
* a candidate with no postcode, phone or email can only be judged on its name: a score >= 95.

Candidates are found in SQL first, by the indexed postcode, phone and email columns, or by an
FTS5 trigram lookup on the surname (and the start of the first name) when the candidate has
none of those; the table is never loaded whole. Tombstones and merged-away contacts are never
matched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process
from sqlalchemy import bindparam, literal_column, or_, select, text
from sqlalchemy.orm import Session

from pcso_desk.services.records.service import fts_query
from pcso_desk.store.models import Contact

NAME_THRESHOLD = 85.0
NAME_WITH_PHONE_OR_EMAIL_THRESHOLD = 60.0
NAME_ONLY_THRESHOLD = 95.0
# Most rows one lookup may bring back: a UK postcode covers about 15 addresses (a few hundred
# for a large block of flats), so the cap only guards against pathological data.
KEY_ROWS_CAP = 5000
NAME_ROWS_CAP = 300
KEYS = ("postcode", "phone", "email")
IN_CHUNK = 500  # values per IN list: well under SQLite's oldest limit of 999 parameters
ANY_ROWID = 2**63 - 1  # SQLite's largest rowid: "every contact"
# Within one file: the latest rows of a key block each row is compared with, and the rows kept
# per name word of a large block (its first and its latest), so that a postcode shared by
# thousands of rows costs a bounded number of comparisons per row, not one per earlier row.
BLOCK_CAP = 64
WORD_CAP = 16

# Words that say nothing about who someone is: "Mrs Priya Placeholder" is "Priya Placeholder".
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "rev", "revd", "prof", "sir", "dame"})
_Row = tuple[str, str, str, str, str]  # id, name, postcode, phone, email


@dataclass(frozen=True)
class Candidate:
    """A contact about to be saved or imported, with already-normalised values."""

    name: str
    postcode: str = ""
    phone: str = ""
    email: str = ""

    def keys(self) -> dict[str, str]:
        """The non-blank ways this candidate can be recognised, by field name."""
        return {key: value for key in KEYS if (value := getattr(self, key))}


@dataclass(frozen=True)
class DuplicateMatch:
    """An existing contact that is probably the same person as the candidate.

    `score` (0-1) orders matches, best first: the name similarity with a bonus per shared key.
    """

    contact_id: str
    name: str
    postcode: str
    score: float
    reasons: tuple[str, ...]

    @property
    def shared(self) -> tuple[str, ...]:
        """The keys (postcode, phone, email) this contact has in common with the candidate."""
        return tuple(key for key in KEYS if f"same {key}" in self.reasons)


def name_key(name: str) -> str:
    """The form names are compared in: lower case, no punctuation or titles, single spaces."""
    words = str(default_process(name)).split()
    return " ".join([word for word in words if word not in TITLES] or words)


def name_similarity(left_key: str, right_key: str) -> float:
    """0-100 similarity of two names already passed through `name_key`."""
    return float(fuzz.token_sort_ratio(left_key, right_key))


def shared_keys(candidate: Candidate, other: Candidate) -> tuple[str, ...]:
    """The keys (postcode, phone, email) that both have, with the same value."""
    return tuple(k for k, v in candidate.keys().items() if getattr(other, k) == v)


def is_likely_duplicate(similarity: float, shared: Sequence[str], candidate_has_keys: bool) -> bool:
    """The rule in the module docstring, given the name score and the shared keys."""
    if not candidate_has_keys:
        return similarity >= NAME_ONLY_THRESHOLD
    if shared and similarity >= NAME_THRESHOLD:
        return True
    return similarity >= NAME_WITH_PHONE_OR_EMAIL_THRESHOLD and bool({"phone", "email"} & {*shared})


def _reasons(similarity: float, shared: Sequence[str]) -> tuple[str, ...]:
    name = "same name" if similarity >= 100 else f"similar name ({similarity:.0f}%)"
    return (*(f"same {key}" for key in shared), name)


def _score(similarity: float, shared: Sequence[str]) -> float:
    return round(min(1.0, 0.7 * similarity / 100 + 0.15 * len(shared)), 3)


# Built once: a prepared statement skips SQLAlchemy's per-call construction and cache-key work,
# which dominates when an import checks 100,000 rows. A blank key is bound as NULL, which never
# equals anything, so one statement serves every mix of keys and SQLite still uses the index of
# each column (a multi-index OR).
_COLUMNS = (Contact.id, Contact.name, Contact.postcode, Contact.phone, Contact.email)
# `r` is the highest rowid looked at (an import leaves out the rows it added itself); the
# unary + keeps SQLite from choosing a rowid range over the key and name indexes.
_LIVE = (
    Contact.deleted_at.is_(None),
    Contact.merged_into_id.is_(None),
    Contact.id != bindparam("x"),
    literal_column("+contacts.rowid") <= bindparam("r"),
)
_BY_KEYS = (
    select(*_COLUMNS)
    .where(or_(*(getattr(Contact, key) == bindparam(key) for key in KEYS)), *_LIVE)
    .limit(KEY_ROWS_CAP)
)
_BY_VALUES = {
    key: select(*_COLUMNS).where(getattr(Contact, key).in_(bindparam("v", expanding=True)), *_LIVE)
    for key in KEYS
}
_NAME_ROWIDS = text("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :q LIMIT :n")
_BY_NAME = (
    select(*_COLUMNS)
    .where(literal_column("contacts.rowid").in_(_NAME_ROWIDS), *_LIVE)
    .limit(NAME_ROWS_CAP)
)


def _key_rows(
    session: Session, candidate: Candidate, exclude_id: str | None, upto_rowid: int = ANY_ROWID
) -> Sequence[_Row]:
    """Live contacts sharing a key with the candidate, or its surname when it has no key."""
    params: dict[str, Any] = {"x": exclude_id or "", "r": upto_rowid}
    keys = candidate.keys()
    if keys:
        params |= {key: keys.get(key) for key in KEYS}
        stmt = _BY_KEYS
    else:
        query = name_match_query(candidate.name)
        if query is None:
            return []
        params |= {"q": query, "n": NAME_ROWS_CAP}
        stmt = _BY_NAME
    return session.connection().execute(stmt, params).tuples().all()


def name_match_query(name: str) -> str | None:
    """An FTS5 trigram query for names like this one: the surname, and the first name's start.

    A name scoring 95 or more shares its surname; requiring the first three letters of the
    first name too keeps "Smith" from bringing back thousands of rows. None when the name has
    no word of three letters or more to look up.
    """
    words = name_key(name).split()
    long_words = [word for word in words if len(word) >= 3]
    if not long_words:
        return None
    query = "name : " + fts_query([long_words[-1]])
    if len(words[0]) >= 3 and words[0] != long_words[-1]:
        query += " AND name : " + fts_query([words[0][:3]])
    return query


def _assess(candidate: Candidate, key: str, row: _Row) -> DuplicateMatch | None:
    """A DuplicateMatch if the contact in `row` is a likely duplicate, else None."""
    contact_id, name, postcode, phone, email = row
    similarity = float(
        fuzz.token_sort_ratio(key, name_key(name), score_cutoff=NAME_WITH_PHONE_OR_EMAIL_THRESHOLD)
    )
    if not similarity:
        return None
    shared = shared_keys(candidate, Candidate(name, postcode, phone, email))
    if not is_likely_duplicate(similarity, shared, bool(candidate.keys())):
        return None
    return DuplicateMatch(
        contact_id, name, postcode, _score(similarity, shared), _reasons(similarity, shared)
    )


def find_duplicates(
    session: Session,
    candidate: Candidate,
    *,
    exclude_id: str | None = None,
    limit: int = 5,
    upto_rowid: int = ANY_ROWID,
) -> list[DuplicateMatch]:
    """Live contacts that are likely the same person as `candidate`, best first.

    `exclude_id` leaves out the contact being edited; `upto_rowid` the contacts added after
    that rowid (an import's own). At most `limit` matches are returned.
    """
    return _best(candidate, _key_rows(session, candidate, exclude_id, upto_rowid), limit)


def _best(candidate: Candidate, rows: Iterable[_Row], limit: int) -> list[DuplicateMatch]:
    key = name_key(candidate.name)
    matches = [match for row in rows if (match := _assess(candidate, key, row))]
    matches.sort(key=lambda match: (-match.score, match.name, match.contact_id))
    return matches[:limit]


def find_duplicates_many(
    session: Session,
    candidates: Sequence[Candidate],
    *,
    limit: int = 5,
    upto_rowid: int = ANY_ROWID,
) -> list[list[DuplicateMatch]]:
    """`find_duplicates` for each of many candidates (an import), in the same order.

    The contacts sharing a postcode, phone or email with any candidate are fetched in a few
    large IN queries rather than one query per candidate: at 100,000 rows the per-query cost
    would dominate the import. Candidates with no key are looked up by name one by one.
    """
    by_key = _rows_by_key(session, candidates, upto_rowid)
    found: list[list[DuplicateMatch]] = []
    for candidate in candidates:
        keys = candidate.keys()
        if not keys:
            found.append(find_duplicates(session, candidate, limit=limit, upto_rowid=upto_rowid))
            continue
        rows = {row[0]: row for item in keys.items() for row in by_key.get(item, ())}
        found.append(_best(candidate, rows.values(), limit))
    return found


def _rows_by_key(
    session: Session, candidates: Sequence[Candidate], upto_rowid: int
) -> dict[tuple[str, str], list[_Row]]:
    """Live contacts by (key, value), for every key value any candidate has."""
    by_key: dict[tuple[str, str], list[_Row]] = defaultdict(list)
    connection = session.connection()
    for index, key in enumerate(KEYS, start=2):
        values = sorted({value for c in candidates if (value := getattr(c, key))})
        for start in range(0, len(values), IN_CHUNK):
            chunk = values[start : start + IN_CHUNK]
            params = {"v": chunk, "x": "", "r": upto_rowid}
            for row in connection.execute(_BY_VALUES[key], params).tuples():
                by_key[key, row[index]].append(row)
    return by_key


_Entry = tuple[int, str, str, str, str]  # row number, name key, postcode, phone, email
_FIELD = {"postcode": 2, "phone": 3, "email": 4}


class _Block:
    """The earlier rows of a file sharing one key value, once there are two or more.

    While the block is small every row is kept and compared. Past `BLOCK_CAP` rows it keeps
    the latest `BLOCK_CAP`, the first row of each name, and per word of the names the first
    row with it and the latest `WORD_CAP - 1`: a bounded set that still holds every earlier
    row with the same name and the rows most like a new one.
    """

    __slots__ = ("names", "recent", "words")

    def __init__(self, entries: list[_Entry]) -> None:
        self.recent = entries
        self.words: dict[str, list[_Entry]] | None = None
        self.names: dict[str, _Entry] = {}

    def add(self, entry: _Entry) -> None:
        self.recent.append(entry)
        if self.words is not None:
            self._index(entry)
        elif len(self.recent) > BLOCK_CAP:
            self.words = {}
            for earlier in self.recent:
                self._index(earlier)
        if len(self.recent) > BLOCK_CAP:
            del self.recent[0]

    def _index(self, entry: _Entry) -> None:
        assert self.words is not None
        self.names.setdefault(entry[1], entry)
        for word in set(entry[1].split()):
            kept = self.words.setdefault(word, [])
            kept.append(entry)
            if len(kept) > WORD_CAP:
                del kept[1]  # keep the first row with the word, and the latest ones

    def candidates(self, key: str, into: dict[int, _Entry]) -> None:
        for entry in self.recent:
            into.setdefault(entry[0], entry)
        if self.words is None:
            return
        if (same := self.names.get(key)) is not None:
            into.setdefault(same[0], same)
        for word in set(key.split()):
            for entry in self.words.get(word, ()):
                into.setdefault(entry[0], entry)


class DuplicateIndex:
    """Within-file duplicate detection over the rows of one import, in memory.

    Rows are blocked by postcode, phone and email and compared with the same rule as the
    store, against a bounded set of earlier rows of each block (`_Block`), the names scored
    by rapidfuzz in one call; a row with none of those keys duplicates an earlier row only
    when the names are the same (after `name_key`): comparing it fuzzily with every earlier
    row would be quadratic. One row costs one tuple and its strings, shared by its blocks.
    """

    def __init__(self) -> None:
        self._blocks: dict[str, dict[str, _Entry | _Block]] = {key: {} for key in KEYS}
        self._by_name: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._by_name)

    def add(self, key_row_number: int, candidate: Candidate) -> None:
        """Remember a row (by its row number in the file) for later rows to be checked against."""
        self._add(key_row_number, name_key(candidate.name), candidate)

    def match(self, candidate: Candidate) -> int | None:
        """The earliest remembered row that `candidate` duplicates, or None."""
        return self._match(name_key(candidate.name), candidate)

    def match_and_add(self, row_number: int, candidate: Candidate) -> int | None:
        """`match`, then `add`: the earlier row this one duplicates, if any."""
        key = name_key(candidate.name)
        found = self._match(key, candidate)
        self._add(row_number, key, candidate)
        return found

    def _add(self, row_number: int, key: str, candidate: Candidate) -> None:
        self._by_name.setdefault(key, row_number)
        entry = (row_number, key, candidate.postcode, candidate.phone, candidate.email)
        for field, value in candidate.keys().items():
            blocks = self._blocks[field]
            found = blocks.get(value)
            if found is None:
                blocks[value] = entry
            elif isinstance(found, _Block):
                found.add(entry)
            else:
                blocks[value] = _Block([found, entry])

    def _match(self, key: str, candidate: Candidate) -> int | None:
        keys = candidate.keys()
        if not keys:
            return self._by_name.get(key)
        earlier: dict[int, _Entry] = {}
        for field, value in keys.items():
            found = self._blocks[field].get(value)
            if isinstance(found, _Block):
                found.candidates(key, earlier)
            elif found is not None:
                earlier.setdefault(found[0], found)
        if not earlier:
            return None
        entries = list(earlier.values())
        scores = process.extract(
            key,
            [entry[1] for entry in entries],
            scorer=fuzz.token_sort_ratio,
            score_cutoff=NAME_WITH_PHONE_OR_EMAIL_THRESHOLD,
            limit=None,
        )
        rows = [
            entries[index][0]
            for _name, score, index in scores
            if is_likely_duplicate(score, _shared(keys, entries[index]), True)
        ]
        return min(rows, default=None)


def _shared(keys: dict[str, str], entry: _Entry) -> tuple[str, ...]:
    return tuple(field for field, value in keys.items() if entry[_FIELD[field]] == value)
