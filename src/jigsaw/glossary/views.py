"""Reading in your own words on every page: the templates' ``reading`` helper.

``reading_context`` is a template context processor (``web/templating.py`` adds it), so any
template can write ``{{ reading.explain(text) }}``: the author's text, escaped and kept
exactly, each glossary term in it an inline disclosure explaining it in the signed-in
reader's agency's words; and ``reading.risk(organisation_id, term)``, a risk term beside
the shared level and the reader's own scale. Nothing is read from the database until a
template asks, and then once a page.
"""

import re
import uuid
from typing import Any

from fastapi import Request
from markupsafe import Markup, escape

from jigsaw.access.actor import Actor
from jigsaw.accounts import SessionStage
from jigsaw.core.uow import UnitOfWork
from jigsaw.glossary import queries
from jigsaw.glossary.reading import Reader
from jigsaw.glossary.risk_levels import RiskBeside, risk_beside
from jigsaw.glossary.rules import AgencyGroup, Explanation, group_of
from jigsaw.web.auth import current_viewer

# A closed disclosure reads in the sentence as the author's word; the hidden words tell a
# screen reader what opening it gives. The note is a span: the narrative's flow stays one
# paragraph however many terms it holds.
_TERM = (
    '<details class="app-term"><summary class="app-term__word">{words}'
    '<span class="govuk-visually-hidden"> (glossary)</span></summary>'
    '<span class="app-term__note">{note}</span></details>'
)
_NOTE = (
    '<strong class="app-term__name">{term}</strong>: {definition}{yours} '
    '<a class="govuk-link app-term__link" href="/glossary/{key}">Glossary'
    '<span class="govuk-visually-hidden">: {term}</span></a>'
)
_YOURS = ' <span class="app-term__yours"><strong>In {group} terms:</strong> {words}.</span>'


def note_html(explanation: Explanation) -> Markup:
    """What an opened term says: its name, definition, the reader's nearest words, a link."""
    yours = ""
    if explanation.in_your_terms and explanation.group is not None:
        group, words = explanation.group.label, explanation.nearest
        yours = Markup(_YOURS).format(group=group, words=words)  # noqa: S704 - escaped by format
    return Markup(_NOTE).format(  # noqa: S704 - every value is escaped by format
        term=explanation.term, definition=explanation.definition, yours=yours, key=explanation.key
    )


# The disclosure around a term, split where the author's words and the note go: joined as
# plain strings, since a page may hold hundreds of terms (bench/bench_glossary.py).
_TERM_OPEN, _TERM_MIDDLE, _TERM_CLOSE = (
    _TERM.split("{words}", maxsplit=1)[0],
    _TERM.split("{words}")[1].split("{note}", maxsplit=1)[0],
    _TERM.split("{note}")[1],
)


_SPECIAL = re.compile("[&<>\"']")


def _escaped(text: str) -> str:
    """``markupsafe.escape`` as a plain string (no Markup made for each of many pieces)."""
    if _SPECIAL.search(text) is None:
        return text
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace('"', "&#34;").replace("'", "&#39;")
    )  # fmt: skip


def annotated_html(reader: Reader, text: str, group: AgencyGroup | None) -> Markup:
    """The author's words, escaped, each glossary term wrapped in its disclosure.

    One pass from what the recogniser finds to the page's HTML (no pieces in between):
    this runs for every narrative on every page (bench/bench_glossary.py).
    """
    closings = reader.rendered.setdefault(group, {})
    escaped = _escaped if _SPECIAL.search(text) is not None else str
    parts: list[str] = []
    add = parts.append
    at = 0
    for start, end, key in reader.find(text):
        if start > at:
            add(escaped(text[at:start]))
        closing = closings.get(key)
        if closing is None:
            # Joined, not added: str + Markup would escape the markup (Markup.__radd__).
            note = note_html(reader.explanation(key, group))
            closing = closings[key] = "".join((_TERM_MIDDLE, note, _TERM_CLOSE))
        add(_TERM_OPEN)
        add(escaped(text[start:end]))
        add(closing)
        at = end
    if at < len(text):
        add(escaped(text[at:]))
    return Markup("".join(parts))  # noqa: S704 - the words are escaped, the rest is ours


class Reading:
    """The signed-in reader's glossary for one page, loaded on first use."""

    def __init__(self, request: Request) -> None:
        self._request = request
        self._reader: Reader | None = None
        # Whose words the page is read in, with the glossary, on the first text (a
        # chronology explains hundreds).
        self._group: AgencyGroup | None = None

    def _actor(self) -> Actor | None:
        viewer = current_viewer(self._request)
        if viewer is None or viewer.session.stage is not SessionStage.SIGNED_IN:
            return None
        return viewer.actor

    def _uow(self) -> UnitOfWork:
        return UnitOfWork(self._request.app.state.session_factory)

    def explain(self, text: str | None) -> Markup:
        """The text with its glossary terms explained; plain (escaped) for no reader."""
        if not text:
            return Markup("")
        if self._reader is None:
            actor = self._actor()
            if actor is None:
                return escape(text)
            self._group = group_of(actor.agency_kind)
            self._reader = queries.reader(self._uow())
        return annotated_html(self._reader, text, self._group)

    def risk(self, organisation_id: uuid.UUID, term: str | None) -> RiskBeside | None:
        """A risk term from an organisation's scale beside the shared level and the reader's."""
        actor = self._actor()
        if not term or actor is None:
            return None
        return risk_beside(self._uow(), actor, organisation_id=organisation_id, term=term)


def reading_context(request: Request) -> dict[str, Any]:
    """The ``reading`` helper for every template (a Jinja2Templates context processor)."""
    return {"reading": Reading(request)}
