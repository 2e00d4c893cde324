"""The mark of a training space: this database holds synthetic people and nothing live."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from jigsaw.core.db import Base, IdMixin


class TrainingSpace(IdMixin, Base):
    """A training space: one row, written when the database was made for training.

    A live database never has one, and the training commands refuse to load a scenario into
    a database without it. Every page of an app started on a marked database says so. The
    scenario is kept as it was loaded (``scenario``, the checked document), so the space runs
    the same however the packaged files change later. ``step`` counts the timeline's steps
    applied so far (0: the participants are reading their briefings).
    """

    __tablename__ = "training_spaces"

    name: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime]
    scenario_key: Mapped[str | None] = mapped_column(String(60))
    scenario: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    loaded_at: Mapped[datetime | None]
    step: Mapped[int] = mapped_column(default=0)
    advanced_at: Mapped[datetime | None]
    advanced_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    # When the facilitator first showed the whole picture (the debrief).
    revealed_at: Mapped[datetime | None]
