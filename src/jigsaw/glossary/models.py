"""The partnership's glossary in the database: its terms now, and every version behind them.

Nothing here is about a child: terms are the partnership's shared language, read by all.
Until the first change the database holds nothing and the packaged glossary is read.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jigsaw.core.db import Base, IdMixin
from jigsaw.glossary.rules import AgencyGroup, Term


class GlossaryVersion(IdMixin, Base):
    """One version of the glossary: who made it, when, what changed in a line, and why.

    ``number`` counts up from 1 (the packaged glossary, written by the first change) and is
    unique, so two administrators saving at once cannot both make the same version.
    """

    __tablename__ = "glossary_versions"

    number: Mapped[int] = mapped_column(Integer, unique=True)
    made_at: Mapped[datetime]
    made_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text, default="")


class GlossaryTerm(IdMixin, Base):
    """A term of the glossary as it is now (retired terms stay, no longer found in text)."""

    __tablename__ = "glossary_terms"

    key: Mapped[str] = mapped_column(String(60), unique=True)
    term: Mapped[str] = mapped_column(String(120))
    definition: Mapped[str] = mapped_column(Text)
    forms: Mapped[list[str]] = mapped_column(JSON, default=list)
    exact_forms: Mapped[list[str]] = mapped_column(JSON, default=list)
    used_by: Mapped[list[str]] = mapped_column(JSON, default=list)
    synonyms: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Agency group -> the nearest thing in that group's words.
    nearest: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    # The version this term last changed in: an edit based on an older one is refused.
    changed_in: Mapped[int] = mapped_column(Integer)

    def as_term(self) -> Term:
        """The row as the rules read a term."""
        return Term(
            key=self.key,
            term=self.term,
            definition=self.definition,
            forms=tuple(self.forms),
            exact_forms=tuple(self.exact_forms),
            used_by=tuple(AgencyGroup(g) for g in self.used_by),
            synonyms=tuple(self.synonyms),
            nearest=tuple(
                (g, self.nearest[g.value]) for g in AgencyGroup if g.value in self.nearest
            ),
            retired=self.retired,
        )

    def take(self, term: Term, version: int) -> None:
        """Hold ``term``'s values (the key never changes), as changed in ``version``."""
        for name, value in snapshot(term).items():
            setattr(self, name, value)
        self.changed_in = version


def snapshot(term: Term) -> dict[str, Any]:
    """A term's values as stored (JSON-ready), the key included."""
    return {
        "key": term.key,
        "term": term.term,
        "definition": term.definition,
        "forms": list(term.forms),
        "exact_forms": list(term.exact_forms),
        "used_by": [g.value for g in term.used_by],
        "synonyms": list(term.synonyms),
        "nearest": {g.value: words for g, words in term.nearest},
        "retired": term.retired,
    }


class GlossaryRevision(Base):
    """A term as one version left it: what kind of change, which fields, and the values.

    Read back, they are each term's history; the version says who, when and why.
    """

    __tablename__ = "glossary_revisions"

    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("glossary_versions.id"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)
    change: Mapped[str] = mapped_column(String(20))  # added, edited, retired, restored
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
