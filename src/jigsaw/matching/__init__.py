"""Child identity matching: compare a search with candidate records and explain the score.

Pure functions with no database and no I/O beyond the packaged data files. The lead fetches
candidates by ``blocking_keys`` and ranks them with ``score``.
"""

from jigsaw.matching.blocking import blocking_keys
from jigsaw.matching.levels import (
    DateOfBirthLevel,
    FamilyNameLevel,
    Field,
    GivenNameLevel,
    IdentifierLevel,
    PostcodeLevel,
    SexLevel,
)
from jigsaw.matching.model import (
    Band,
    FieldEvidence,
    MatchModel,
    MatchScore,
    ModelFileError,
    band_for,
    load_model,
    may_merge_automatically,
    score,
)
from jigsaw.matching.records import PersonRecord

__all__ = [
    "Band",
    "DateOfBirthLevel",
    "FamilyNameLevel",
    "Field",
    "FieldEvidence",
    "GivenNameLevel",
    "IdentifierLevel",
    "MatchModel",
    "MatchScore",
    "ModelFileError",
    "PersonRecord",
    "PostcodeLevel",
    "SexLevel",
    "band_for",
    "blocking_keys",
    "load_model",
    "may_merge_automatically",
    "score",
]
