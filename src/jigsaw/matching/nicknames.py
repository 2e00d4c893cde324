"""Known given-name variants: nicknames, short forms and spelling variants (Jake / Jacob).

The table lives in ``data/nicknames.txt``, one group per line, read once through
importlib.resources. Two names are variants when some group holds both; groups are never
merged, so "Ellie" matches "Eleanor" and "Elizabeth" without making those two the same name.
"""

from collections.abc import Iterator
from functools import cache
from importlib import resources

from jigsaw.matching.normalise import compact_name

_TABLE = "nicknames.txt"


def _entries() -> Iterator[tuple[str, tuple[str, ...]]]:
    """Yield each line of the packaged table as its formal name and variants, normalised."""
    text = resources.files("jigsaw.matching").joinpath("data", _TABLE).read_text("utf-8")
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            formal, _, variants = line.partition(":")
            names = (compact_name(variant) for variant in variants.split(","))
            yield compact_name(formal), tuple(name for name in names if name)


@cache
def nickname_groups() -> tuple[frozenset[str], ...]:
    """Give every group of variant names in the packaged table, normalised."""
    return tuple(frozenset({formal, *variants}) for formal, variants in _entries())


@cache
def formal_variant_pairs() -> frozenset[tuple[str, str]]:
    """Give each (formal name, variant) pair the table lists, normalised: ("jacob", "jake")."""
    return frozenset(
        (formal, variant)
        for formal, variants in _entries()
        for variant in variants
        if variant != formal
    )


@cache
def _variants_by_name() -> dict[str, frozenset[str]]:
    """Index the groups by each name they contain, for symmetric lookup."""
    index: dict[str, set[str]] = {}
    for group in nickname_groups():
        for name in group:
            index.setdefault(name, set()).update(group - {name})
    return {name: frozenset(others) for name, others in index.items()}


def variants_of(name: str) -> frozenset[str]:
    """Give the known variants of a given name, normalised, not including the name itself."""
    return _variants_by_name().get(compact_name(name), frozenset())


def are_variants(first: str, second: str) -> bool:
    """Tell whether two different given names are known variants of one another (symmetric)."""
    return compact_name(second) in variants_of(first)


@cache
def _groups_by_name() -> dict[str, frozenset[str]]:
    """Index, by each name, the formal names of the groups that hold it."""
    index: dict[str, set[str]] = {}
    for formal, variants in _entries():
        for name in {formal, *variants}:
            index.setdefault(name, set()).add(formal)
    return {name: frozenset(formals) for name, formals in index.items()}


def groups_of(name: str) -> frozenset[str]:
    """Give the formal names of the groups a given name belongs to: "jake" gives {"jacob"}."""
    return _groups_by_name().get(compact_name(name), frozenset())
