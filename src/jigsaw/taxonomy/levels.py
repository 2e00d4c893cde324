"""The shared levels of need every agency's own risk term maps to (guidance.md §3.3).

There is no national numbering; most partnerships use four levels, and Working Together
2026 joins targeted early help and s17 support as "family help".
"""

from enum import IntEnum


class LevelOfNeed(IntEnum):
    """A child's level of need on the partnership's continuum of help and protection."""

    UNIVERSAL = 1
    FAMILY_HELP = 2
    CHILD_IN_NEED = 3
    CHILD_PROTECTION = 4

    @property
    def label(self) -> str:
        """The level as practitioners say it."""
        return _LABELS[self]

    @property
    def response(self) -> str:
        """The usual response at this level, in a sentence."""
        return _RESPONSES[self]


_LABELS = {
    LevelOfNeed.UNIVERSAL: "Level 1: universal (no additional needs)",
    LevelOfNeed.FAMILY_HELP: "Level 2: early help or family help",
    LevelOfNeed.CHILD_IN_NEED: "Level 3: child in need",
    LevelOfNeed.CHILD_PROTECTION: "Level 4: child protection",
}
_RESPONSES = {
    LevelOfNeed.UNIVERSAL: "Universal services meet the child's needs: school, GP, health visitor.",
    LevelOfNeed.FAMILY_HELP: "Early help or family help, with the family's agreement.",
    LevelOfNeed.CHILD_IN_NEED: "A referral to children's social care for a child in need "
    "assessment (section 17).",
    LevelOfNeed.CHILD_PROTECTION: "A referral to children's social care now: a strategy "
    "discussion and section 47 enquiries may follow. Call the police on 999 if the child is "
    "in immediate danger.",
}
