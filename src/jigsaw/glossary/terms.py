"""The packaged glossary (``data/terms.yaml``): read once, checked like any import.

It is the partnership's glossary until an administrator first changes it; then the
database holds it (``queries.current_glossary``).
"""

from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

import yaml

from jigsaw.glossary.rules import AgencyGroup, Term, check_glossary

FIELDS = ("key", "term", "definition", "forms", "exact_forms", "used_by", "synonyms", "nearest")


class PackagedGlossaryBroken(RuntimeError):
    """The packaged file has a problem: a fault in the release, named by place."""


@cache
def packaged_terms() -> tuple[Term, ...]:
    """The glossary as released, in the file's order.

    Raises:
        PackagedGlossaryBroken: the file does not read as a glossary (tests keep it from
            ever being released that way).
    """
    source = resources.files("jigsaw.glossary").joinpath("data", "terms.yaml")
    return terms_from_yaml(source.read_text(encoding="utf-8"))


def terms_from_yaml(text: str) -> tuple[Term, ...]:
    """Terms from YAML text shaped like ``data/terms.yaml``.

    Raises:
        PackagedGlossaryBroken: a field is missing or of the wrong kind, or a term has a
            problem (``rules.check_glossary``): every problem, each by term number and field.
    """
    entries = (yaml.safe_load(text) or {}).get("terms")
    if not isinstance(entries, list):
        raise PackagedGlossaryBroken("the file has no list of terms")
    terms = [_term(number, entry) for number, entry in enumerate(entries, start=1)]
    problems = check_glossary(terms, first_row=1)
    if problems:
        raise PackagedGlossaryBroken(
            "; ".join(f"term {p.row}, {p.column}: {p.message}" for p in problems)
        )
    return tuple(terms)


def _term(number: int, entry: Any) -> Term:
    if not isinstance(entry, dict) or set(entry) - set(FIELDS):
        raise PackagedGlossaryBroken(f"term {number}: expected the fields {', '.join(FIELDS)}")
    try:
        nearest = {AgencyGroup(g): _text(w) for g, w in (entry.get("nearest") or {}).items()}
        used_by = tuple(AgencyGroup(g) for g in entry.get("used_by") or ())
    except ValueError:
        groups = ", ".join(g.value for g in AgencyGroup)
        raise PackagedGlossaryBroken(f"term {number}: agency groups are {groups}") from None
    return Term(
        key=_text(entry.get("key")),
        term=_text(entry.get("term")),
        definition=_text(entry.get("definition")),
        forms=_texts(entry.get("forms")),
        exact_forms=_texts(entry.get("exact_forms")),
        used_by=used_by,
        synonyms=_texts(entry.get("synonyms")),
        nearest=tuple((g, nearest[g]) for g in AgencyGroup if nearest.get(g)),
    )


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _texts(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_text(v) for v in values or () if _text(v)))


def packaged_forms() -> Iterator[tuple[str, str, bool]]:
    """Every form of every packaged term, as the recogniser takes them (bench/bench_glossary)."""
    for term in packaged_terms():
        yield from term.recognised_forms()
