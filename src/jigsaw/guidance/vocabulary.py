"""The words a flow file uses for what a flow is for and what an outcome decides."""

from enum import StrEnum


class Purpose(StrEnum):
    """What a flow is for, so the pages find it whoever wrote it (a local one keeps its place)."""

    SHARE = "share"
    LEVEL_OF_NEED = "level_of_need"


class Decision(StrEnum):
    """What an outcome tells the practitioner to do."""

    SHARE = "share"
    DO_NOT_SHARE = "do_not_share"
    SEEK_ADVICE = "seek_advice"
    LEVEL = "level"
