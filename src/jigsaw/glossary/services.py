"""Keeping the glossary: add, edit, retire and restore a term, import a CSV file.

Each change is one transaction that makes one new version (who, when, what, a note) and is
audited. The first change writes the packaged glossary as version 1, then applies itself.
Only the partnership's glossary keepers (``policy.may_manage_glossary``) change it.
"""

import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from jigsaw import audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor, ActorKind
from jigsaw.core import clock
from jigsaw.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from jigsaw.core.uow import UnitOfWork
from jigsaw.glossary.models import GlossaryRevision, GlossaryTerm, GlossaryVersion, snapshot
from jigsaw.glossary.rules import (
    NOTE_MAX,
    Problem,
    Term,
    check_term,
    form_clashes,
)
from jigsaw.glossary.table import read_csv
from jigsaw.glossary.terms import packaged_terms

PACKAGED = "The packaged glossary"


class ImportRejected(Invalid):
    """A glossary file with problems: nothing was applied; ``problems`` names each one."""

    def __init__(self, problems: list[Problem]) -> None:
        count = len(problems)
        super().__init__({"file": f"Nothing was imported: the file has {count} "
                                  f"{'problem' if count == 1 else 'problems'}"})  # fmt: skip
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Changed:
    """What a change made: the new version's number and the keys of the terms it changed."""

    version: int
    keys: list[str]


def add_term(uow: UnitOfWork, actor: Actor, *, term: Term, note: str) -> Changed:
    """Add a term to the glossary.

    Raises:
        PermissionDenied: the actor does not keep the glossary.
        Invalid: a field's problem, a key already in use or a form another term has.
    """
    _may_manage(actor)
    _check(term, note)
    with uow:
        rows = _started(uow, actor)
        if term.key in rows:
            raise Invalid({"key": "A term already has this key: choose another"})
        _no_clash(rows, replace(term, retired=False))
        changed = _new_version(uow, actor, rows, [replace(term, retired=False)],
                               summary=f"Added “{term.term}”", note=note)  # fmt: skip
        uow.commit()
    return changed


def edit_term(
    uow: UnitOfWork, actor: Actor, *, key: str, term: Term, based_on: int, note: str
) -> Changed:
    """Change a term's words, forms, groups or nearest terms (its key stays).

    ``based_on`` is the version the editor read: if the term changed since, nothing is saved
    and they are told, so one keeper's edit never silently undoes another's.

    Raises:
        PermissionDenied: the actor does not keep the glossary.
        NotFound: no term has this key.
        Invalid: a field's problem or a form another term has.
        Conflict: the term changed after version ``based_on``.
    """
    _may_manage(actor)
    term = replace(term, key=key)
    _check(term, note)
    with uow:
        rows = _started(uow, actor)
        row = _row(rows, key)
        # Version 1 is the packaged glossary written out: reading either is reading the same.
        if row.changed_in > max(based_on, 1):
            raise Conflict("someone else changed this term while you were editing it")
        term = replace(term, retired=row.retired)
        _no_clash(rows, term)
        changed = _new_version(uow, actor, rows, [term], summary=f"Changed “{term.term}”",
                               note=note)  # fmt: skip
        uow.commit()
    return changed


def retire_term(
    uow: UnitOfWork, actor: Actor, *, key: str, note: str, retired: bool = True
) -> Changed:
    """Retire a term (kept, with its history, but no longer found in text), or restore it.

    Raises:
        PermissionDenied: the actor does not keep the glossary.
        NotFound: no term has this key.
        Invalid: no note, or restoring a term whose forms another term now has.
    """
    _may_manage(actor)
    _check_note(note)
    with uow:
        rows = _started(uow, actor)
        term = replace(_row(rows, key).as_term(), retired=retired)
        if not retired:
            _no_clash(rows, term)
        verb = "Retired" if retired else "Restored"
        changed = _new_version(uow, actor, rows, [term], summary=f"{verb} “{term.term}”",
                               note=note)  # fmt: skip
        uow.commit()
    return changed


def import_terms(uow: UnitOfWork, actor: Actor, *, data: bytes, note: str) -> Changed:
    """Add and change terms from a CSV file, as one new version; terms not in it stay.

    Raises:
        PermissionDenied: the actor does not keep the glossary.
        Invalid: no note; the file changes nothing.
        ImportRejected: every problem in the file, by row and column; nothing is applied.
    """
    _may_manage(actor)
    _check_note(note)
    read = read_csv(data)
    if read.problems:
        raise ImportRejected(read.problems)
    with uow:
        rows = _started(uow, actor)
        merged = {key: row.as_term() for key, row in rows.items()}
        merged.update((term.key, term) for term in read.terms)
        problems = _clashes_with_others(read.terms, merged)
        if problems:
            raise ImportRejected(problems)
        added = sum(term.key not in rows for term in read.terms)
        changed = _new_version(uow, actor, rows, read.terms, note=note,
                               summary=f"Imported a file of {len(read.terms)} terms "
                                       f"({added} new)")  # fmt: skip
        uow.commit()
    return changed


def _clashes_with_others(imported: list[Term], merged: dict[str, Term]) -> list[Problem]:
    """Forms an imported term shares with a term already in the glossary."""
    rows = {term.key: number for number, term in enumerate(imported, start=2)}
    problems = []
    for term, form, other in form_clashes(merged.values()):
        for key, clash in ((term.key, other), (other, term.key)):
            if key in rows:
                column = "exact_forms" if form in merged[key].exact_forms else "forms"
                message = f"“{form}” is already a form of the term “{clash}”"
                problems.append(Problem(rows[key], column, message))
                break
    return problems


def _may_manage(actor: Actor) -> None:
    if not policy.may_manage_glossary(actor):
        raise PermissionDenied("only the partnership's glossary keepers change the glossary")


def _check_note(note: str) -> None:
    if not note.strip():
        raise Invalid({"note": "Say why, for the glossary's history"})
    if len(note) > NOTE_MAX:
        raise Invalid({"note": f"The note must be {NOTE_MAX} characters or fewer"})


def _check(term: Term, note: str) -> None:
    problems = check_term(term)
    if not note.strip() or len(note) > NOTE_MAX:
        try:
            _check_note(note)
        except Invalid as error:
            problems.update(error.errors)
    if problems:
        raise Invalid(problems)


def _row(rows: dict[str, GlossaryTerm], key: str) -> GlossaryTerm:
    row = rows.get(key)
    if row is None:
        raise NotFound("glossary term")
    return row


def _no_clash(rows: dict[str, GlossaryTerm], term: Term) -> None:
    others = [row.as_term() for key, row in rows.items() if key != term.key]
    for clashing, form, other in form_clashes([*others, term]):
        if clashing.key == term.key:
            field = "exact_forms" if form in term.exact_forms else "forms"
            raise Invalid({field: f"“{form}” is already a form of the term “{other}”"})


def _started(uow: UnitOfWork, actor: Actor) -> dict[str, GlossaryTerm]:
    """The glossary's rows by key, writing the packaged glossary as version 1 if none yet.

    The latest version is locked (PostgreSQL), so keepers saving at once take turns.
    """
    latest = uow.session.scalars(
        select(GlossaryVersion).order_by(GlossaryVersion.number.desc()).limit(1).with_for_update()
    ).first()
    if latest is None:
        _new_version(uow, actor, {}, list(packaged_terms()), summary=PACKAGED, note="")
    return {row.key: row for row in uow.session.scalars(select(GlossaryTerm))}


def _new_version(
    uow: UnitOfWork,
    actor: Actor,
    rows: dict[str, GlossaryTerm],
    terms: list[Term],
    *,
    summary: str,
    note: str,
) -> Changed:
    """Write the terms that differ from their rows as one new version, and audit it.

    Raises:
        Invalid: nothing differs.
        Conflict: another keeper made a version with the same number first.
    """
    latest = select(GlossaryVersion.number).order_by(GlossaryVersion.number.desc()).limit(1)
    number = (uow.session.scalar(latest) or 0) + 1
    version = GlossaryVersion(
        id=uuid.uuid4(), number=number, made_at=clock.now(), summary=summary[:300],
        made_by_id=actor.id if actor.kind is ActorKind.USER else None, note=note.strip(),
    )  # fmt: skip
    revisions = [r for term in terms if (r := _revise(uow, rows, term, version)) is not None]
    if not revisions:
        raise Invalid({"note": "Nothing changed: the glossary already says this"})
    uow.session.add(version)
    try:
        uow.session.flush()
    except IntegrityError:
        raise Conflict("the glossary changed while you were saving: try again") from None
    uow.session.add_all(revisions)
    uow.flush()
    audit.record(uow, actor, "glossary:changed", subject_type="glossary_version",
                 subject_id=version.id)  # fmt: skip
    return Changed(number, [r.key for r in revisions])


def _revise(
    uow: UnitOfWork, rows: dict[str, GlossaryTerm], term: Term, version: GlossaryVersion
) -> GlossaryRevision | None:
    """Bring the term's row to ``term`` and say how it changed, or None if it did not."""
    values = snapshot(term)
    row = rows.get(term.key)
    if row is None:
        row = rows[term.key] = GlossaryTerm(id=uuid.uuid4(), key=term.key)
        uow.session.add(row)
        change, fields = "added", []
    else:
        before = snapshot(row.as_term())
        fields = [name for name, value in values.items() if before[name] != value]
        if not fields:
            return None
        change = _kind_of_change(before, values)
    row.take(term, version.number)
    return GlossaryRevision(version_id=version.id, key=term.key, change=change,
                            fields=fields, values=values)  # fmt: skip


def _kind_of_change(before: dict[str, Any], after: dict[str, Any]) -> str:
    if before.get("retired") != after["retired"]:
        return "retired" if after["retired"] else "restored"
    return "edited"
