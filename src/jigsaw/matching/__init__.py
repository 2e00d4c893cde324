"""Child identity matching: compare a search with candidate records and explain the score.

No Jigsaw database and no I/O beyond the packaged data files: searches fetch candidates by
``blocking_keys`` and rank them with ``score``; ``batch`` links whole rosters in an in-memory
DuckDB with the same levels written as SQL (``sql_levels``); ``training`` learns the model's
parameters with Splink from unlabelled records.
"""

from jigsaw.matching.blocking import blocking_keys
from jigsaw.matching.levels import (
    AddressLevel,
    DateOfBirthLevel,
    FamilyNameLevel,
    Field,
    GivenNameLevel,
    IdentifierLevel,
    OtherIdentifierLevel,
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
    parse_model,
    score,
    score_levels,
)
from jigsaw.matching.records import PersonRecord

__all__ = [
    "AddressLevel",
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
    "OtherIdentifierLevel",
    "PersonRecord",
    "PostcodeLevel",
    "SexLevel",
    "band_for",
    "blocking_keys",
    "load_model",
    "may_merge_automatically",
    "parse_model",
    "score",
    "score_levels",
]
