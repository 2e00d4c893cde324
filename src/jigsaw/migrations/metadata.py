"""Every capability's models, imported so that Alembic sees the whole schema."""

from jigsaw.accounts import models as accounts_models
from jigsaw.audit import models as audit_models
from jigsaw.children import models as children_models
from jigsaw.core.db import Base

metadata = Base.metadata
MODEL_MODULES = (accounts_models, audit_models, children_models)
