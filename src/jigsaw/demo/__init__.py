"""Synthetic demo data: a seeded partnership of agencies, staff and families in a fictional town."""

from jigsaw.demo.generator import MAX_CHILDREN, generate_partnership
from jigsaw.demo.records import (
    DemoAddress,
    DemoAdult,
    DemoChild,
    DemoDuplicate,
    DemoLocalIdentifier,
    DemoOrganisation,
    DemoPartnership,
    DemoPersona,
    DemoRelationship,
    DemoUnbornPlan,
)
from jigsaw.demo.rosters import Roster, RosterRow, build_rosters, write_rosters
from jigsaw.demo.variation import Variation

__all__ = [
    "MAX_CHILDREN",
    "DemoAddress",
    "DemoAdult",
    "DemoChild",
    "DemoDuplicate",
    "DemoLocalIdentifier",
    "DemoOrganisation",
    "DemoPartnership",
    "DemoPersona",
    "DemoRelationship",
    "DemoUnbornPlan",
    "Roster",
    "RosterRow",
    "Variation",
    "build_rosters",
    "generate_partnership",
    "write_rosters",
]
