"""Categories of concern: the CIN census assessment factors and categories of abuse (§4.2, §4.5).

Codes are DfE's so that a concern can be counted as the census counts; the legacy 18A and
19A are left out (the census now queries them: use 18B/18C and 19B/19C).
"""

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Category:
    """One category a practitioner can tick, grouped as the census groups them."""

    code: str
    label: str
    group: str


_GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Abuse or neglect", (
        ("16A", "Neglect"),
        ("17A", "Emotional abuse"),
        ("18B", "Physical abuse: child on child"),
        ("18C", "Physical abuse: adult on child"),
        ("19B", "Sexual abuse: child on child"),
        ("19C", "Sexual abuse: adult on child"),
        ("22A", "Female genital mutilation (FGM)"),
        ("23A", "Abuse linked to faith or belief"),
    )),
    ("Exploitation and harm outside the home", (
        ("10A", "Going or being missing"),
        ("11A", "Child sexual exploitation"),
        ("24A", "Child criminal exploitation"),
        ("12A", "Trafficking"),
        ("13A", "Gangs"),
        ("14A", "Socially unacceptable behaviour"),
        ("15A", "Self-harm"),
    )),
    ("Domestic abuse", (
        ("3A", "Domestic abuse: the child is the subject"),
        ("3B", "Domestic abuse: a parent or carer is the subject"),
        ("3C", "Domestic abuse: another household member is the subject"),
    )),
    ("The child's own needs", (
        ("1A", "Alcohol misuse: child"),
        ("2A", "Drug misuse: child"),
        ("4A", "Mental health: child"),
        ("5A", "Learning disability: child"),
        ("6A", "Physical disability or illness: child"),
        ("7A", "Young carer"),
        ("9A", "Unaccompanied asylum-seeking child"),
    )),
    ("Parents, carers and the household", (
        ("1B", "Alcohol misuse: parent or carer"),
        ("1C", "Alcohol misuse: other person in the household"),
        ("2B", "Drug misuse: parent or carer"),
        ("2C", "Drug misuse: other person in the household"),
        ("4B", "Mental health: parent or carer"),
        ("4C", "Mental health: other person in the household"),
        ("5B", "Learning disability: parent or carer"),
        ("5C", "Learning disability: other household member"),
        ("6B", "Physical disability or illness: parent or carer"),
        ("6C", "Physical disability or illness: other household member"),
    )),
    ("Private fostering", (
        ("8B", "Privately fostered: overseas child intending to return"),
        ("8C", "Privately fostered: overseas child intending to stay"),
        ("8D", "Privately fostered: UK child in an educational placement"),
        ("8E", "Privately fostered: UK child, alternative family arrangements"),
        ("8F", "Privately fostered: other"),
    )),
    ("Other", (("20", "Other"),)),
)  # fmt: skip

CATEGORIES: MappingProxyType[str, Category] = MappingProxyType(
    {code: Category(code, label, group) for group, items in _GROUPS for code, label in items}
)


def grouped() -> list[tuple[str, list[Category]]]:
    """The categories under their group headings, in the order a form shows them."""
    return [(group, [CATEGORIES[code] for code, _ in items]) for group, items in _GROUPS]


def unknown_codes(codes: list[str]) -> list[str]:
    """The codes given that are not categories (to refuse with a clear message)."""
    return [code for code in codes if code not in CATEGORIES]
