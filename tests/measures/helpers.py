"""A MASH's history written straight into the test transaction, at chosen London times."""

import itertools
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jigsaw.access.vocabulary import AgencyKind
from jigsaw.accounts import Organisation
from jigsaw.consultations.models import Consultation
from jigsaw.consultations.rules import Channel, ConsultationOutcome, ConsultationState
from jigsaw.core.working_time import LONDON
from jigsaw.mash.models import Feedback, FeedbackStatus, InformationRequest, MashContact
from jigsaw.mash.rules import ContactState, Outcome, Urgency
from jigsaw.sharing.models import AuthorKind, Concern, ConcernStatus, Subject
from tests.demo_world import DemoWorld

_numbers = itertools.count(1)


def at(text: str) -> datetime:
    """A London wall-clock time ("2025-08-22 16:00") as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON).astimezone(UTC)


class History:
    """Contacts, feedback, partner checks and consultations of a MASH, row by row."""

    def __init__(self, session: Session, world: DemoWorld, mash: uuid.UUID | None = None) -> None:
        self.session = session
        self.world = world
        self.mash = mash or world.id("org:mash")
        self.worker = world.id("persona:mash-practitioner")

    def contact(
        self,
        received: str,
        source: str,
        *,
        child: uuid.UUID | None = None,
        state: ContactState = ContactState.RECEIVED,
        decided: str | None = None,
        outcome: Outcome | None = None,
    ) -> MashContact:
        """A contact from ``source`` ("school-1"), received at a London time."""
        number = next(_numbers)
        received_at = at(received)
        concern = Concern(
            id=uuid.uuid4(), reference=f"M-{number:08d}", status=ConcernStatus.SENT,
            organisation_id=self.world.id(f"org:{source}"), author_id=self.worker,
            author_kind=AuthorKind.USER, created_at=received_at, updated_at=received_at,
            sent_at=received_at, subject=Subject.IDENTIFIED if child else Subject.UNIDENTIFIED,
            child_id=child, immediate_danger=False, categories=[], what_shared=[],
        )  # fmt: skip
        self.session.add(concern)
        self.session.flush()
        contact = MashContact(
            id=uuid.uuid4(), organisation_id=self.mash, concern_id=concern.id, child_id=child,
            source_organisation_id=self.world.id(f"org:{source}"),
            state=ContactState.DECIDED if decided and state is ContactState.RECEIVED else state,
            urgency=Urgency.AMBER, received_at=received_at, due_at=received_at,
            decided_at=at(decided) if decided else None, outcome=outcome,
            updated_at=received_at, social_care_involved=False,
            previous_received_at=self._previous(child, received_at),
        )  # fmt: skip
        self.session.add(contact)
        self.session.flush()
        return contact

    def _previous(self, child: uuid.UUID | None, received: datetime) -> datetime | None:
        """As ``mash.intake`` keeps it: the child's latest earlier contact at this MASH."""
        if child is None:
            return None
        return self.session.scalar(
            select(func.max(MashContact.received_at)).where(
                MashContact.child_id == child, MashContact.organisation_id == self.mash,
                MashContact.received_at < received,
            )
        )  # fmt: skip

    def feedback(self, contact: MashContact, *, sent: str | None) -> None:
        """The feedback on a decided contact, sent at a London time or not yet."""
        assert contact.decided_at is not None
        self.session.add(Feedback(
            id=uuid.uuid4(), contact_id=contact.id,
            status=FeedbackStatus.SENT if sent else FeedbackStatus.DRAFT,
            text_sealed="sealed elsewhere", due_at=contact.decided_at,
            sent_at=at(sent) if sent else None,
        ))  # fmt: skip
        contact.feedback_sent_at = at(sent) if sent else None
        self.session.flush()

    def request(
        self, contact: MashContact, agency: str, *, asked: str, due: str, answered: str | None
    ) -> None:
        """A partner check asked of ``agency`` about the contact."""
        self.session.add(InformationRequest(
            id=uuid.uuid4(), contact_id=contact.id, organisation_id=self.world.id(f"org:{agency}"),
            mash_id=contact.organisation_id, asked_by_id=self.worker, asked_at=at(asked),
            due_at=at(due),
            answered_at=at(answered) if answered else None,
        ))  # fmt: skip
        self.session.flush()

    def consultation(
        self,
        created: str,
        asker: str,
        *,
        due: str,
        state: ConsultationState = ConsultationState.REQUESTED,
        advised: str | None = None,
        outcome: ConsultationOutcome | None = None,
        line: uuid.UUID | None = None,
    ) -> None:
        """A consultation asked of the MASH's line (or ``line``) by someone at ``asker``."""
        self.session.add(Consultation(
            id=uuid.uuid4(), reference=f"T-{next(_numbers):07d}",
            organisation_id=line or self.mash, channel=Channel.FORM, state=state,
            urgency=Urgency.AMBER, asker_organisation_id=self.world.id(f"org:{asker}"),
            situation_sealed="sealed elsewhere", created_at=at(created), due_at=at(due),
            advised_at=at(advised) if advised else None, outcome=outcome,
            updated_at=at(created),
        ))  # fmt: skip
        self.session.flush()


def another_mash(session: Session) -> uuid.UUID:
    """A second MASH in the partnership (a neighbouring authority's)."""
    organisation = Organisation(
        id=uuid.uuid4(), name="Westvale Multi-Agency Safeguarding Hub", kind=AgencyKind.MASH,
        identifier_scheme="local", identifier="WESTVALE-MASH", created_at=at("2024-01-01 09:00"),
    )  # fmt: skip
    session.add(organisation)
    session.flush()
    return organisation.id
