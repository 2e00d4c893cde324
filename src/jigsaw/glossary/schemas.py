"""What the glossary pages post and what its API gives back."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from jigsaw.core.errors import Invalid
from jigsaw.glossary.rules import AgencyGroup, Term, split_list

# The rules say when a field is too long, in words a person can act on; these only stop abuse.
Field = Annotated[str, StringConstraints(max_length=4_000)]
Code = Annotated[str, StringConstraints(max_length=100)]


class TermForm(BaseModel):
    """A term as the add and edit pages post it (several values a field, ";" between)."""

    model_config = ConfigDict(extra="ignore")

    key: Code = ""
    term: Field = ""
    definition: Field = ""
    forms: Field = ""
    exact_forms: Field = ""
    used_by: list[Code] = []
    synonyms: Field = ""
    nearest_social_care: Field = ""
    nearest_police: Field = ""
    nearest_health: Field = ""
    nearest_education: Field = ""
    note: Field = ""
    based_on: int = 0

    @classmethod
    def from_term(cls, term: Term, version: int) -> "TermForm":
        """The edit page's form, filled with the term as it is."""
        return cls(
            key=term.key, term=term.term, definition=term.definition,
            forms="; ".join(term.forms), exact_forms="; ".join(term.exact_forms),
            used_by=[g.value for g in term.used_by], synonyms="; ".join(term.synonyms),
            nearest_social_care=term.nearest_for(AgencyGroup.SOCIAL_CARE),
            nearest_police=term.nearest_for(AgencyGroup.POLICE),
            nearest_health=term.nearest_for(AgencyGroup.HEALTH),
            nearest_education=term.nearest_for(AgencyGroup.EDUCATION),
            based_on=version,
        )  # fmt: skip

    def nearest(self, group: AgencyGroup) -> str:
        """The nearest words typed for one group."""
        return str(getattr(self, f"nearest_{group.value}")).strip()

    def to_term(self) -> Term:
        """The term typed; a group no term may have is refused."""
        try:
            used_by = tuple(dict.fromkeys(AgencyGroup(value) for value in self.used_by))
        except ValueError:
            raise Invalid({"used_by": "Choose agency groups from the list"}) from None
        return Term(
            key=self.key.strip(),
            term=self.term.strip(),
            definition=self.definition.strip(),
            forms=split_list(self.forms),
            exact_forms=split_list(self.exact_forms),
            used_by=used_by,
            synonyms=split_list(self.synonyms),
            nearest=tuple((g, self.nearest(g)) for g in AgencyGroup if self.nearest(g)),
        )


class NoteForm(BaseModel):
    """Why a term is retired or restored, or a file imported."""

    note: Field = ""


class TermView(BaseModel):
    """One term of the glossary, as agency systems read it."""

    key: str
    term: str
    definition: str
    forms: list[str]
    exact_forms: list[str]
    used_by: list[AgencyGroup]
    synonyms: list[str]
    nearest: dict[AgencyGroup, str]
    retired: bool

    @classmethod
    def from_term(cls, term: Term) -> "TermView":
        """The view of a term."""
        return cls(
            key=term.key, term=term.term, definition=term.definition, forms=list(term.forms),
            exact_forms=list(term.exact_forms), used_by=list(term.used_by),
            synonyms=list(term.synonyms), nearest=dict(term.nearest), retired=term.retired,
        )  # fmt: skip


class GlossaryView(BaseModel):
    """The glossary's version and its terms."""

    version: int
    terms: list[TermView]
