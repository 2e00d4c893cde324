"""When a roster row is linked without a person, and what the decisions file says."""

import uuid
from dataclasses import replace
from datetime import date
from typing import Any

from jigsaw.access.models import InvolvementRole
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.linking.roster import RowError
from jigsaw.linking.rules import (
    Decision,
    RowDecision,
    decisions_csv,
    may_link_automatically,
    plain_explanation,
    rejected_rows,
    roster_role,
)
from jigsaw.matching import Band, PersonRecord, load_model, score
from jigsaw.matching.batch import Candidate
from jigsaw.matching.model import TWIN_RULE

MODEL = load_model()
BORN = date(2015, 3, 27)
AMELIA = PersonRecord(
    given_names="Amelia Rose",
    family_name="Hartley",
    date_of_birth=BORN,
    sex="female",
    postcode="EM4 2XY",
    nhs_number="9434765919",
)


def candidates(
    row: PersonRecord, *records: PersonRecord
) -> tuple[list[Candidate], dict[str, PersonRecord]]:
    found = [Candidate(str(i), score(row, record, MODEL)) for i, record in enumerate(records)]
    found.sort(key=lambda c: c.match.probability, reverse=True)
    return found, {str(i): record for i, record in enumerate(records)}


def without(record: PersonRecord, **changes: Any) -> PersonRecord:
    return replace(record, **changes)


def test_one_clear_match_is_linked() -> None:
    found, records = candidates(AMELIA, AMELIA)
    assert found[0].match.band is Band.MATCH
    assert may_link_automatically(AMELIA, found, records)


def test_a_clear_match_without_identifiers_is_linked_when_the_names_agree() -> None:
    row = without(AMELIA, nhs_number=None)
    found, records = candidates(row, without(AMELIA, nhs_number=None))
    assert may_link_automatically(row, found, records)


def test_twins_in_the_index_are_never_linked_automatically() -> None:
    row = without(AMELIA, nhs_number=None)
    twin = without(AMELIA, given_names="Amelie", nhs_number="9434765927")
    found, records = candidates(row, without(AMELIA, nhs_number="9434765935"), twin)
    assert [c.match.band for c in found] == [Band.MATCH, Band.MATCH]
    assert not may_link_automatically(row, found, records)


def test_a_nickname_at_the_same_birthday_goes_to_a_person_unless_an_identifier_agrees() -> None:
    row = without(AMELIA, given_names="Millie", nhs_number=None)
    found, records = candidates(row, AMELIA)
    assert found[0].match.band is Band.MATCH
    assert not may_link_automatically(row, found, records)
    with_number = without(row, nhs_number=AMELIA.nhs_number)
    found, records = candidates(with_number, AMELIA)
    assert may_link_automatically(with_number, found, records)


def test_a_possible_match_or_nothing_is_never_linked() -> None:
    maybe_a_twin = without(AMELIA, given_names="Zephyrine", nhs_number=None)
    found, records = candidates(maybe_a_twin, AMELIA)
    assert (found[0].match.band, found[0].match.rule) == (Band.POSSIBLE, TWIN_RULE)
    assert not may_link_automatically(maybe_a_twin, found, records)
    assert plain_explanation(found[0].match).startswith(TWIN_RULE)
    assert not may_link_automatically(maybe_a_twin, [], {})


def test_the_explanation_says_how_fields_compared_without_quoting_names() -> None:
    row = without(AMELIA, given_names="Millie", family_name="Hartly", nhs_number=None)
    text = plain_explanation(score(row, AMELIA, MODEL))
    assert "given name: known nickname" in text
    assert "family name: very similar spelling" in text
    assert "date of birth: same" in text
    assert "NHS number" not in text  # not on both records: not worth a line
    for name in ("Millie", "Amelia", "Hartly", "Hartley"):
        assert name not in text


def test_the_roster_role_defaults_by_agency_and_refuses_roles_a_roster_cannot_record() -> None:
    assert roster_role(AgencyKind.SCHOOL, None) is InvolvementRole.SCHOOL_ATTENDED
    assert roster_role(AgencyKind.GP, "") is InvolvementRole.REGISTERED_GP
    assert roster_role(AgencyKind.POLICE, None) is InvolvementRole.OTHER
    assert roster_role(AgencyKind.SCHOOL, "school_nurse") is InvolvementRole.SCHOOL_NURSE
    assert roster_role(AgencyKind.SCHOOL, "class_teacher") is None
    assert roster_role(AgencyKind.SCHOOL, "nonsense") is None


def test_the_decisions_file_has_a_line_per_row() -> None:
    child = uuid.uuid4()
    text = decisions_csv(
        [
            RowDecision(2, "P-1", Decision.MATCHED, child, 0.99123, "match", "date of birth: same"),
            RowDecision(3, None, Decision.NO_MATCH, explanation="no child in the index matched"),
        ]
    )
    assert text.splitlines() == [
        "row,local_id,decision,child_id,probability,band,explanation",
        f"2,P-1,matched,{child},0.9912,match,date of birth: same",
        "3,,no_match,,,,no child in the index matched",
    ]


def test_a_refused_roster_lists_each_problem_with_the_row_s_local_id() -> None:
    problems = [RowError(None, None, "The file is empty"), RowError(3, "upn", "The UPN is bad")]
    lines = rejected_rows(problems, {3: "P-3"})
    assert [(d.row, d.local_id, d.decision, d.explanation) for d in lines] == [
        (0, None, Decision.ERROR, "The file is empty"),
        (3, "P-3", Decision.ERROR, "upn: The UPN is bad"),
    ]
