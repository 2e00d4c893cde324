"""The anonymisation check: what in a story looks like personal data, and what the index holds.

``check_story`` spots candidates in the title and text (``shapes.spot``, pure), then asks the
child index, by ``IN`` lookups on indexed columns, which of their names, dates of birth, NHS
numbers, UPNs and postcodes it holds, for children and for adults, under any name they have
been known by (legal, preferred, previous, alias). Only the matching values come back, never
whose they are, and never the whole index. A finding then says what it is, the exact text,
where it is, and whether the index holds it or it only looks like personal data; it never says
whom it matches. Callers audit each check (it reads the index).
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from jigsaw.children import Address, Adult, Child, ChildIdentifier, ChildName, IdentifierScheme
from jigsaw.stories.names import unaccented
from jigsaw.stories.rules import Kind, Spotted
from jigsaw.stories.shapes import spot

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_PART = re.compile(r"([ \-'\u2019])")
_CHUNK = 500  # values per IN (...) list


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing in a story that could identify someone, and where it is.

    ``field`` is "title" or "text"; ``start`` and ``end`` are character positions in it, and
    ``paragraph`` counts from 1. ``in_index`` says the child index holds it (a name, date of
    birth, NHS number, UPN or postcode of a child or adult); never whose it is.
    """

    kind: Kind
    text: str
    field: str
    start: int
    end: int
    paragraph: int
    in_index: bool

    @property
    def where(self) -> str:
        """Where it is, in words ("the title", "paragraph 2")."""
        return "the title" if self.field == "title" else f"paragraph {self.paragraph}"

    @property
    def verdict(self) -> str:
        """What the check makes of it, in words, without saying whom it matches."""
        if self.in_index:
            return f"matches {self.kind.label} in the child index"
        return f"looks like {self.kind.label}"


@dataclass(frozen=True, slots=True)
class Check:
    """What the anonymisation check found in a story (nothing: it may be published)."""

    findings: tuple[Finding, ...]

    @property
    def clear(self) -> bool:
        """Whether nothing was found."""
        return not self.findings

    def of(self, field: str) -> list[Finding]:
        """The findings in one field, in order."""
        return [finding for finding in self.findings if finding.field == field]

    def kinds(self) -> list[Kind]:
        """The kinds found, each once, in the order of ``Kind`` (for the advice to give)."""
        found = {finding.kind for finding in self.findings}
        return [kind for kind in Kind if kind in found]


def check_story(session: Session, *, title: str, text: str) -> Check:
    """Run the anonymisation check on a story's title and text (no audit: callers record it)."""
    spotted = {"title": spot(title), "text": spot(text)}
    held = _held(session, [s for found in spotted.values() for s in found])
    findings: list[Finding] = []
    for field, content in (("title", title), ("text", text)):
        kept = [(s, bool(s.keys & held[s.kind])) for s in spotted[field]]
        findings += _merged(field, content, [(s, i) for s, i in kept if s.looks_like or i])
    return Check(tuple(findings))


def _merged(field: str, content: str, found: list[tuple[Spotted, bool]]) -> list[Finding]:
    """Findings in order, a run of names with only spaces between them as one ("Amelia Smith")."""
    findings: list[Finding] = []
    for spotted, in_index in found:
        previous = findings[-1] if findings else None
        if (
            previous is not None
            and previous.kind is Kind.NAME
            and spotted.kind is Kind.NAME
            and content[previous.end : spotted.start].strip(" ") == ""
        ):
            findings[-1] = Finding(
                Kind.NAME, content[previous.start : spotted.end], field, previous.start,
                spotted.end, previous.paragraph, previous.in_index or in_index,
            )  # fmt: skip
            continue
        paragraph = len(_PARAGRAPH_BREAK.findall(content, 0, spotted.start)) + 1
        findings.append(Finding(spotted.kind, spotted.text, field, spotted.start, spotted.end,
                                paragraph, in_index))  # fmt: skip
    return findings


def _held(session: Session, spotted: list[Spotted]) -> dict[Kind, set[str]]:
    """Of the spotted keys, those the index holds, by kind (lower-case names, ISO dates)."""
    keys: dict[Kind, set[str]] = {kind: set() for kind in Kind}
    for s in spotted:
        keys[s.kind] |= s.keys
    held: dict[Kind, set[str]] = {kind: set() for kind in Kind}
    names = {variant for key in keys[Kind.NAME] for variant in _name_forms(key)}
    name_columns = (ChildName.given_names, ChildName.family_name, Adult.given_names,
                    Adult.family_name)  # fmt: skip
    for column in name_columns:
        for value in _matching(session, column, names):
            held[Kind.NAME] |= {value.lower(), unaccented(value.lower())}
    dates = {date.fromisoformat(key) for key in keys[Kind.DATE_OF_BIRTH]}
    for born in (Child.date_of_birth, Adult.date_of_birth):
        held[Kind.DATE_OF_BIRTH] |= {d.isoformat() for d in _matching(session, born, dates)}
    held[Kind.NHS_NUMBER] = _numbers(session, keys[Kind.NHS_NUMBER])
    held[Kind.UPN] = set(
        _matching(session, ChildIdentifier.value, keys[Kind.UPN], scheme=IdentifierScheme.UPN)
    )
    postcodes = keys[Kind.POSTCODE] | {code.replace(" ", "") for code in keys[Kind.POSTCODE]}
    found = _matching(session, Address.postcode, postcodes)
    held[Kind.POSTCODE] = {code for code in keys[Kind.POSTCODE]
                           if {code, code.replace(" ", "")} & set(found)}  # fmt: skip
    return held


def _numbers(session: Session, numbers: set[str]) -> set[str]:
    """The NHS numbers (ten digits) the index holds, for a child or an adult."""
    spaced = {f"{n[:3]} {n[3:6]} {n[6:]}": n for n in numbers}
    values = numbers | set(spaced)
    found = set(_matching(session, ChildIdentifier.value, values,
                          scheme=IdentifierScheme.NHS_NUMBER))  # fmt: skip
    found |= set(_matching(session, Adult.nhs_number, numbers))
    return {spaced.get(value, value) for value in found}


def _matching(
    session: Session,
    column: InstrumentedAttribute[Any],
    values: Iterable[Any],
    *,
    scheme: IdentifierScheme | None = None,
) -> list[Any]:
    """The distinct values of ``column`` among ``values``: an index lookup, a chunk at a time."""
    wanted = sorted(values)
    found: list[Any] = []
    for chunk in _chunks(wanted):
        query = select(column).where(column.in_(chunk)).distinct()
        if scheme is not None:
            query = query.where(ChildIdentifier.scheme == scheme)
        found += session.scalars(query).all()
    return found


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _name_forms(key: str) -> set[str]:
    """How a lower-case name may be written in the index: "obrien" as "O'Brien", "OBRIEN", ...

    The index keeps names as agencies typed them; looking up these few forms uses the
    column's index, where comparing lower-cased columns would read every row.
    """
    forms = {key, key.upper(), key.capitalize(), _titled(key)}
    if key.startswith("mc") and len(key) > 2:  # noqa: PLR2004
        forms.add("Mc" + _titled(key[2:]))
    if key.startswith("mac") and len(key) > 3:  # noqa: PLR2004
        forms.add("Mac" + _titled(key[3:]))
    plain = unaccented(key)
    if plain != key:
        forms |= _name_forms(plain)
    return forms


def _titled(key: str) -> str:
    """Each part capitalised: "smith-jones" → "Smith-Jones", "o'brien" → "O'Brien"."""
    return "".join(part.capitalize() for part in _PART.split(key))


def paragraphs(content: str, findings: list[Finding]) -> list[list[tuple[str, Finding | None]]]:
    """The content as paragraphs of pieces, each found piece with its finding (to highlight)."""
    result: list[list[tuple[str, Finding | None]]] = []
    position = 0
    for block in [*_PARAGRAPH_BREAK.finditer(content), None]:
        end = block.start() if block else len(content)
        pieces: list[tuple[str, Finding | None]] = []
        cursor = position
        for finding in findings:
            if position <= finding.start < end:
                if finding.start > cursor:
                    pieces.append((content[cursor : finding.start], None))
                pieces.append((content[finding.start : finding.end], finding))
                cursor = finding.end
        if cursor < end:
            pieces.append((content[cursor:end], None))
        if pieces:
            result.append(pieces)
        position = block.end() if block else end
    return result
