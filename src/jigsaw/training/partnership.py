"""A scenario's people as a demo partnership, so the demo's loader writes them.

The demo loader already writes organisations, people who sign in (password and an enrolled
authenticator), homes, adults, children with the match index, relationships and who works
with which child, once, with stable ids. A training space's people are the same kinds of
record, keyed from the scenario: "org:school", "persona:school-dsl", "child:kayla".
Pure: no database.
"""

import uuid
from datetime import date

from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.demo import (
    DemoAddress,
    DemoAdult,
    DemoChild,
    DemoOrganisation,
    DemoPartnership,
    DemoPersona,
    DemoRelationship,
)
from jigsaw.demo.keys import demo_id
from jigsaw.demo.records import DemoCasework, DemoInvolvement
from jigsaw.training.reading import Participant, Scenario
from jigsaw.training.rules import born_on, parse_age, scenario_seed

EMAIL_DOMAIN = "training.example.org"  # RFC 2606: no message can reach a real person
FACILITATOR = "facilitator"
TEAM = "partnership-training-team"
TEAM_NAME = "Safeguarding Children Partnership training team"


def partnership_of(key: str, scenario: Scenario, *, today: date) -> DemoPartnership:
    """The scenario's agencies, participants, facilitator, homes, adults and children."""
    # The training team hosts the facilitator. Children's social care, as partnerships'
    # training is hosted by the council; last, so a scenario's own council comes first.
    team = DemoOrganisation(
        f"org:{TEAM}", TEAM_NAME, AgencyKind.CHILDRENS_SOCIAL_CARE, "training", TEAM
    )
    organisations = (
        *(
            DemoOrganisation(f"org:{k}", a.name, a.kind, "training", k)
            for k, a in scenario.agencies.items()
        ),
        team,
    )
    facilitator = DemoPersona(
        f"persona:{FACILITATOR}", "Training", "Facilitator", email_of(FACILITATOR),
        "Training facilitator", f"org:{TEAM}", (Role.TRAINING_FACILITATOR,),
    )  # fmt: skip
    personas = (*(_persona(k, p) for k, p in scenario.participants.items()), facilitator)
    return DemoPartnership(
        seed=scenario_seed(key),
        local_authority_name=TEAM_NAME,
        organisations=organisations,
        personas=personas,
        addresses=tuple(
            DemoAddress(f"address:{k}", a.line1, a.line2, a.town, a.postcode)
            for k, a in scenario.addresses.items()
        ),
        adults=tuple(
            DemoAdult(
                f"adult:{k}",
                a.given_names,
                a.family_name,
                born_on(parse_age(a.age), today),
                a.sex,
                f"address:{a.home}",
            )
            for k, a in scenario.adults.items()
        ),
        children=tuple(_child(scenario, k, today) for k in scenario.children),
        relationships=tuple(
            DemoRelationship(f"child:{child}", a.relationship, None, f"adult:{k}")
            for k, a in scenario.adults.items()
            for child in (a.children or scenario.children)
        ),
        casework=DemoCasework(
            involvements=tuple(
                DemoInvolvement(
                    f"child:{k}",
                    f"org:{known.agency}",
                    f"persona:{known.participant}" if known.participant else None,
                    str(known.role),
                    born_on(parse_age(known.since or c.age), today),
                )
                for k, c in scenario.children.items()
                for known in c.known_to
            ),
            mash_cases=(),
            restrictions=(),
        ),
        local_identifiers=(),
        duplicates=(),
        generated_on=today,
    )


def _child(scenario: Scenario, key: str, today: date) -> DemoChild:
    child = scenario.children[key]
    born = born_on(parse_age(child.age), today)
    kinds = {a: scenario.agencies[a].kind for a in scenario.agencies}
    gp = next((k.agency for k in child.known_to if kinds.get(k.agency) is AgencyKind.GP), "")
    return DemoChild(
        key=f"child:{key}", given_names=child.given_names, family_name=child.family_name,
        preferred_name=None, previous_family_name=None, date_of_birth=born, sex=child.sex,
        nhs_number="".join(child.nhs_number.split()), upn=None, school_key=None,
        gp_key=f"org:{gp}" if gp else "", address_key=f"address:{child.home}",
        moved_in_on=born, previous_address_key=None,
    )  # fmt: skip


def _persona(key: str, participant: Participant) -> DemoPersona:
    given, _, family = participant.name.rpartition(" ")
    return DemoPersona(
        f"persona:{key}", given or participant.name, family if given else "", email_of(key),
        participant.job_title, f"org:{participant.agency}", tuple(participant.roles),
    )  # fmt: skip


def email_of(participant: str) -> str:
    """The address a participant (or the facilitator) signs in with."""
    return f"{participant}@{EMAIL_DOMAIN}"


class ScenarioIds:
    """The ids a scenario's records were given in its training space."""

    def __init__(self, key: str) -> None:
        self.seed = scenario_seed(key)

    def agency(self, key: str) -> uuid.UUID:
        """An agency's organisation."""
        return demo_id(self.seed, f"org:{key}")

    def child(self, key: str) -> uuid.UUID:
        """A child's record."""
        return demo_id(self.seed, f"child:{key}")

    def participant(self, key: str) -> uuid.UUID:
        """A participant's (or the facilitator's) account."""
        return demo_id(self.seed, f"persona:{key}")
