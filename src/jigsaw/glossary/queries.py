"""Reading the glossary: its terms, a reader per version, each term's history, the versions.

The current terms are the database's, else the packaged ones; a reader is built once per
version per process.

The glossary is the partnership's shared language, not anyone's information: reads are not
audited and need no scope beyond ``GLOSSARY_READ`` (checked by the routes).
"""

import threading
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from jigsaw.access.vocabulary import AgencyKind
from jigsaw.accounts import User
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.glossary.models import GlossaryRevision, GlossaryTerm, GlossaryVersion
from jigsaw.glossary.reading import Piece, Reader
from jigsaw.glossary.rules import AgencyGroup, Term, group_of
from jigsaw.glossary.terms import packaged_terms

# Readers kept per process: the newest few versions (an edit makes a new one).
_READERS_KEPT = 4
_readers: dict[uuid.UUID | None, Reader] = {}
_readers_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Glossary:
    """The glossary as it is now: its version and every term, retired ones included, A to Z.

    Version 0 is the packaged glossary, not yet in the database.
    """

    version: int
    version_id: uuid.UUID | None
    terms: tuple[Term, ...]


def _sorted(terms: tuple[Term, ...] | list[Term]) -> tuple[Term, ...]:
    return tuple(sorted(terms, key=lambda t: (t.term.casefold(), t.key)))


def _latest(uow: UnitOfWork) -> tuple[uuid.UUID, int] | None:
    row = uow.session.execute(
        select(GlossaryVersion.id, GlossaryVersion.number)
        .order_by(GlossaryVersion.number.desc())
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


def load_glossary(uow: UnitOfWork) -> Glossary:
    """The current glossary, inside the caller's open unit of work (services use it)."""
    latest = _latest(uow)
    if latest is None:
        return Glossary(0, None, _sorted(packaged_terms()))
    rows = uow.session.scalars(select(GlossaryTerm)).all()
    return Glossary(latest[1], latest[0], _sorted([row.as_term() for row in rows]))


def current_glossary(uow: UnitOfWork) -> Glossary:
    """The current glossary."""
    with uow:
        return load_glossary(uow)


def reader(uow: UnitOfWork) -> Reader:
    """The reader for the current version: one query for the version, then built once.

    Keyed by the version's id, not its number, so a database rebuilt from scratch (or a
    test's rolled-back one) never meets a reader of another glossary with the same number.
    """
    with uow:
        latest = _latest(uow)
        key = latest[0] if latest else None
        found = _readers.get(key)
        if found is not None:
            return found
        glossary = load_glossary(uow)
    built = Reader(glossary.terms, glossary.version)
    with _readers_lock:
        _readers[key] = built
        while len(_readers) > _READERS_KEPT:
            del _readers[next(iter(_readers))]
    return built


def explain(uow: UnitOfWork, text: str, agency_kind: AgencyKind | None) -> list[Piece]:
    """A text in the reader's agency's words: the author's words, each term explained."""
    return reader(uow).explain(text, group_of(agency_kind))


@dataclass(frozen=True, slots=True)
class Listing:
    """The glossary page: the terms that match, and the letters that have any."""

    version: int
    terms: list[Term]
    letters: list[str]
    total: int

    @property
    def sections(self) -> list[tuple[str, list[Term]]]:
        """The terms under their A to Z headings."""
        sections: dict[str, list[Term]] = {}
        for term in self.terms:
            sections.setdefault(letter_of(term), []).append(term)
        return list(sections.items())


def letter_of(term: Term) -> str:
    """The A to Z heading a term is listed under ("#" for one starting with a digit)."""
    first = next((c for c in term.term if c.isalnum()), "#")
    return first.upper() if first.isalpha() else "#"


def _matches(term: Term, words: str) -> bool:
    haystack = " ".join((term.key, term.term, term.definition, *term.forms, *term.exact_forms,
                         *term.synonyms, *(w for _, w in term.nearest))).casefold()  # fmt: skip
    return all(word in haystack for word in words.casefold().split())


def list_terms(
    uow: UnitOfWork,
    *,
    search: str = "",
    letter: str = "",
    group: AgencyGroup | None = None,
    retired: bool = False,
) -> Listing:
    """Terms A to Z, narrowed by words in any field, a first letter or who uses them."""
    glossary = current_glossary(uow)
    live = [t for t in glossary.terms if t.retired is retired]
    letters = sorted({letter_of(t) for t in live})
    shown = [
        t
        for t in live
        if (not search.strip() or _matches(t, search))
        and (not letter or letter_of(t) == letter)
        and (group is None or group in t.used_by)
    ]
    return Listing(glossary.version, shown, letters, len(live))


@dataclass(frozen=True, slots=True)
class Change:
    """One version's change to a term, as its history lists it."""

    version: int
    made_at: datetime
    made_by: str
    change: str
    fields: list[str]
    note: str


@dataclass(frozen=True, slots=True)
class TermRecord:
    """A term's page: the term, the glossary's version, and the term's history."""

    term: Term
    version: int
    history: list[Change]


def get_term(uow: UnitOfWork, key: str) -> TermRecord:
    """One term with its history, newest first.

    Raises:
        NotFound: no term has this key.
    """
    with uow:
        glossary = load_glossary(uow)
        term = next((t for t in glossary.terms if t.key == key), None)
        if term is None:
            raise NotFound("glossary term")
        rows = uow.session.execute(
            select(GlossaryRevision, GlossaryVersion, User.display_name)
            .join(GlossaryVersion, GlossaryVersion.id == GlossaryRevision.version_id)
            .outerjoin(User, User.id == GlossaryVersion.made_by_id)
            .where(GlossaryRevision.key == key)
            .order_by(GlossaryVersion.number.desc())
        ).all()
    history = [
        Change(version.number, version.made_at, name or "Jigsaw", revision.change,
               list(revision.fields), version.note)
        for revision, version, name in rows
    ]  # fmt: skip
    return TermRecord(term, glossary.version, history)


@dataclass(frozen=True, slots=True)
class VersionLine:
    """One version of the glossary, for its history page."""

    number: int
    made_at: datetime
    made_by: str
    summary: str
    note: str
    keys: list[str]


def list_versions(uow: UnitOfWork) -> list[VersionLine]:
    """Every version of the glossary, newest first, with the terms each changed."""
    with uow:
        versions = uow.session.execute(
            select(GlossaryVersion, User.display_name)
            .outerjoin(User, User.id == GlossaryVersion.made_by_id)
            .order_by(GlossaryVersion.number.desc())
        ).all()
        keys: dict[uuid.UUID, list[str]] = {}
        for version_id, key in uow.session.execute(
            select(GlossaryRevision.version_id, GlossaryRevision.key).order_by(GlossaryRevision.key)
        ):
            keys.setdefault(version_id, []).append(key)
    return [
        VersionLine(v.number, v.made_at, name or "Jigsaw", v.summary, v.note, keys.get(v.id, []))
        for v, name in versions
    ]
