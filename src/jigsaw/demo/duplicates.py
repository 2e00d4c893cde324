"""Children recorded twice: one agency's second record of a child, made before linking existed.

About one child in a hundred has a duplicate, as in a real index before deduplication. The
emergency department, the police, the council or the health visitors recorded the child
again, under a short name, with a slip in the name or the date of birth, under a surname the
child no longer uses or at the home they have left, and usually without the NHS number. The
recording agency is involved with the duplicate and holds its own local id for it, so merging
the two records moves them onto the kept record.
"""

import random
from datetime import date, timedelta

from jigsaw.demo.identities import LocalIdBook
from jigsaw.demo.records import DemoCasework, DemoChild, DemoDuplicate, DemoInvolvement
from jigsaw.demo.variation import Draft, Variation

DUPLICATE_SHARE = 0.01
_KEEPS_NHS_NUMBER = 0.3
_UNDER_FIVE = 5
# Who records a child a second time, as what kind of involvement, and how often.
_RECORDERS = (
    ("org:hospital", "hospital", 40),
    ("org:police", "police_officer_in_case", 25),
    ("org:la", "childrens_social_care", 20),
    ("org:health-visiting", "health_visitor", 15),
)
# The differences a duplicate may carry, and how likely each is to be tried first: each
# duplicate has one or two of those that apply to the child.
_DIFFERENCES = {
    Variation.NICKNAME: 3,
    Variation.TYPO: 3,
    Variation.PREVIOUS_SURNAME: 4,
    Variation.OLD_POSTCODE: 4,
    Variation.PART_OF_SURNAME: 2,
    Variation.MIDDLE_NAMES_DROPPED: 2,
    Variation.DATE_TRANSPOSED: 1,
    Variation.DATE_TYPO: 1,
}
_DATE_SLIPS = {Variation.DATE_TRANSPOSED, Variation.DATE_TYPO}


def plant_duplicates(
    children: tuple[DemoChild, ...],
    casework: DemoCasework,
    *,
    book: LocalIdBook,
    seed: int,
    today: date,
) -> tuple[tuple[DemoDuplicate, ...], tuple[DemoInvolvement, ...]]:
    """Duplicate records of about one child in a hundred, with the recorders' involvements.

    Restricted children are never duplicated.
    """
    rng = random.Random(f"duplicates:{seed}")
    restricted = {restriction.child_key for restriction in casework.restrictions}
    eligible = [child for child in children if child.key not in restricted]
    chosen = rng.sample(eligible, min(int(len(children) * DUPLICATE_SHARE), len(eligible)))
    duplicates, involvements = [], []
    for number, child in enumerate(chosen, start=1):
        duplicate, role = _duplicate(rng, child, f"duplicate:{number:04d}", book, today)
        duplicates.append(duplicate)
        involvements.append(
            DemoInvolvement(
                duplicate.key, duplicate.organisation_key, None, role, duplicate.recorded_on
            )
        )
    return tuple(duplicates), tuple(involvements)


def _duplicate(
    rng: random.Random, child: DemoChild, key: str, book: LocalIdBook, today: date
) -> tuple[DemoDuplicate, str]:
    young = _age(child, today) < _UNDER_FIVE
    recorders = [r for r in _RECORDERS if young or r[0] != "org:health-visiting"]
    organisation, role, _weight = rng.choices(recorders, weights=[r[2] for r in recorders])[0]
    recorded_on = max(child.date_of_birth, today - timedelta(days=rng.randint(90, 1500)))
    draft = Draft.of(child)
    draft.upn = None  # none of the recording agencies holds the UPN
    if rng.random() >= _KEEPS_NHS_NUMBER:
        draft.vary(Variation.NO_NHS_NUMBER, rng, today=today)
    wanted = rng.choice((1, 1, 2))
    made = 0
    for difference in _weighted_order(rng, _DIFFERENCES):
        if made == wanted:
            break
        if difference in _DATE_SLIPS and _DATE_SLIPS & set(draft.variations):
            continue  # one slip in a date is plenty
        made += draft.vary(difference, rng, today=today)
    duplicate = DemoDuplicate(
        key=key,
        original_key=child.key,
        organisation_key=organisation,
        given_names=draft.given_names,
        family_name=draft.family_name,
        date_of_birth=draft.date_of_birth,
        sex=draft.sex,
        nhs_number=draft.nhs_number,
        address_key=draft.address_key or child.address_key,
        local_id=book.issue(organisation),
        recorded_on=recorded_on,
        differences=tuple(draft.variations),
    )
    return duplicate, role


def _weighted_order(rng: random.Random, weights: dict[Variation, int]) -> list[Variation]:
    """The variations in a random order where heavier ones tend to come first."""
    keys = {variation: rng.random() ** (1 / weight) for variation, weight in weights.items()}
    return sorted(weights, key=keys.__getitem__, reverse=True)


def _age(child: DemoChild, today: date) -> int:
    born = child.date_of_birth
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
