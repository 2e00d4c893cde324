"""Synthetic demo data: a seeded partnership of agencies, staff and families in a fictional town."""

from jigsaw.demo.generator import MAX_CHILDREN, generate_partnership
from jigsaw.demo.records import (
    DemoAddress,
    DemoAdult,
    DemoChild,
    DemoOrganisation,
    DemoPartnership,
    DemoPersona,
    DemoRelationship,
)

__all__ = [
    "MAX_CHILDREN",
    "DemoAddress",
    "DemoAdult",
    "DemoChild",
    "DemoOrganisation",
    "DemoPartnership",
    "DemoPersona",
    "DemoRelationship",
    "generate_partnership",
]
