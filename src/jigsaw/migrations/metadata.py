"""Every capability's models, imported so that Alembic sees the whole schema."""

from typing import Any, Literal

from alembic.autogenerate.api import AutogenContext

from jigsaw.access import models as access_models
from jigsaw.accounts import models as accounts_models
from jigsaw.alerts import models as alerts_models
from jigsaw.audit import models as audit_models
from jigsaw.children import models as children_models
from jigsaw.consultations import models as consultations_models
from jigsaw.core.db import ENUM_LENGTH, Base, StrEnumValue, UtcDateTime
from jigsaw.events import models as events_models
from jigsaw.glossary import models as glossary_models
from jigsaw.linking import models as linking_models
from jigsaw.mash import models as mash_models
from jigsaw.notifications import models as notifications_models
from jigsaw.sharing import models as sharing_models
from jigsaw.stories import models as stories_models
from jigsaw.training import models as training_models

metadata = Base.metadata
MODEL_MODULES = (
    access_models,
    accounts_models,
    audit_models,
    children_models,
    linking_models,
    notifications_models,
    sharing_models,
    mash_models,
    consultations_models,
    events_models,
    alerts_models,
    glossary_models,
    stories_models,
    training_models,
)


def render_item(
    type_: str,
    obj: Any,
    autogen_context: AutogenContext | None,  # noqa: ARG001
) -> str | Literal[False]:
    """Write Jigsaw's column types into migrations as the plain types they store."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, StrEnumValue):
        return f"sa.String(length={ENUM_LENGTH})"
    return False
