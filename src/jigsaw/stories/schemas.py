"""What the story pages post and read from the address, and what the stories API gives back."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, StringConstraints

from jigsaw.access.vocabulary import AgencyKind
from jigsaw.stories.queries import Search, StoryRecord
from jigsaw.stories.rules import NOTE_MAX, TEXT_MAX, TITLE_MAX, Theme, agency_label
from jigsaw.stories.services import StoryDraft

# The services say what is too long, in words a person can act on; these only stop abuse.
Title = Annotated[str, StringConstraints(max_length=TITLE_MAX * 4)]
Text = Annotated[str, StringConstraints(max_length=TEXT_MAX * 2)]


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


class StoryForm(BaseModel):
    """The story as its author (or the moderator) writes it, and whether to submit it now."""

    title: Title = ""
    text: Text = ""
    agencies: list[AgencyKind] = []
    themes: list[Theme] = []
    action: Literal["save", "submit"] = "save"

    def to_draft(self) -> StoryDraft:
        """The draft the services take."""
        return StoryDraft(title=self.title, text=self.text, agencies=frozenset(self.agencies),
                          themes=frozenset(self.themes))  # fmt: skip

    @classmethod
    def from_record(cls, record: StoryRecord) -> "StoryForm":
        """The form filled with the story as last saved."""
        return cls(title=record.title, text=record.text, agencies=record.agencies,
                   themes=record.themes)  # fmt: skip


class ReturnForm(BaseModel):
    """The moderator's note of what the author should change."""

    note: Annotated[str, StringConstraints(max_length=NOTE_MAX * 2)] = ""


class SearchForm(BaseModel):
    """The published list's search and filters, as the address has them."""

    q: Annotated[str, StringConstraints(max_length=200)] = ""
    agency: Annotated[AgencyKind | None, BeforeValidator(_blank_is_none)] = None
    theme: Annotated[Theme | None, BeforeValidator(_blank_is_none)] = None

    def to_search(self) -> Search:
        """The search the query takes."""
        return Search(words=self.q, agency=self.agency, theme=self.theme)

    @property
    def narrowed(self) -> bool:
        """Whether anything narrows the list."""
        return bool(self.q.strip() or self.agency or self.theme)


class StoryView(BaseModel):
    """A published story, for an agency's own system (learning pages, an intranet)."""

    id: uuid.UUID
    title: str
    text: str
    told_by: str
    agencies: list[AgencyKind]
    agency_labels: list[str]
    themes: list[Theme]
    theme_labels: list[str]
    published_at: datetime

    @classmethod
    def from_record(cls, record: StoryRecord) -> "StoryView":
        """The published story: its words, who told it (the kind of agency), when."""
        assert record.story.published_at is not None  # noqa: S101 - only published ones
        return cls(
            id=record.story.id, title=record.title, text=record.text, told_by=record.told_by,
            agencies=record.agencies, agency_labels=[agency_label(a) for a in record.agencies],
            themes=record.themes, theme_labels=[t.label for t in record.themes],
            published_at=record.story.published_at,
        )  # fmt: skip
