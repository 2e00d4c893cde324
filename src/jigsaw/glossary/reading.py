"""Reading in your own words: a text as the author's words, each glossary term explained.

Pure. One ``Reader`` per version of the glossary, built once (``queries.reader``): the
recogniser over every live term's forms, and each term's explanation per agency group.
"""

from collections.abc import Iterable
from typing import NamedTuple

from jigsaw.glossary.recognition import Found, Recogniser
from jigsaw.glossary.rules import AgencyGroup, Explanation, Term, explain


class Piece(NamedTuple):
    """A run of the author's text, untouched; ``explanation`` when it is a glossary term.

    A named tuple: a long narrative is hundreds of pieces, and these are made fastest.
    """

    text: str
    explanation: Explanation | None = None


class Reader:
    """One version of the glossary, ready to explain any text to any reader."""

    __slots__ = ("_explained", "_recogniser", "rendered", "terms", "version")

    def __init__(self, terms: Iterable[Term], version: int) -> None:
        self.version = version
        self.terms = {term.key: term for term in terms}
        self._recogniser = Recogniser.build(
            form for term in self.terms.values() for form in term.recognised_forms()
        )
        self._explained: dict[tuple[str, AgencyGroup | None], Explanation] = {}
        # Each term's disclosure as pages show it, by the reader's group, filled as terms
        # are met (views.annotated_html): it lives and dies with this version of the glossary.
        self.rendered: dict[AgencyGroup | None, dict[str, str]] = {}

    def explanation(self, key: str, group: AgencyGroup | None) -> Explanation:
        """A term in one group's words (worked out once per term and group)."""
        found = self._explained.get((key, group))
        if found is None:
            found = self._explained[(key, group)] = explain(self.terms[key], group)
        return found

    def find(self, text: str) -> list[Found]:
        """Every term in the text, left to right: where it is and its key."""
        return self._recogniser.find(text)

    def explain(self, text: str, group: AgencyGroup | None) -> list[Piece]:
        """The text in order, as pieces that join back to exactly what the author wrote."""
        pieces: list[Piece] = []
        at = 0
        for found in self._recogniser.find(text):
            if found.start > at:
                pieces.append(Piece(text[at : found.start]))
            explanation = self.explanation(found.key, group)
            pieces.append(Piece(text[found.start : found.end], explanation))
            at = found.end
        if at < len(text):
            pieces.append(Piece(text[at:]))
        return pieces
