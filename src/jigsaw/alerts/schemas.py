"""What the alert pages post."""

from typing import Annotated

from pydantic import BaseModel, StringConstraints

# The service says when a note is too short, in words a person can act on; this only stops abuse.
NOTE_MAX = 4000


class AcknowledgeForm(BaseModel):
    """What the owner did or decided about the alert."""

    note: Annotated[str, StringConstraints(max_length=NOTE_MAX)] = ""
