"""Lawful bases for sharing, kept in the separate layers the law has (guidance.md §2).

Article 6 basis, Article 9 condition, the DPA 2018 Schedule 1 paragraph, DPA 2018 Part 3 for
police law-enforcement processing, and the consent position, which is never the same thing
as the lawful basis.
"""

from enum import StrEnum


class Article6Basis(StrEnum):
    """UK GDPR Article 6(1): the lawful basis for processing personal data."""

    PUBLIC_TASK = "6(1)(e)"
    LEGAL_OBLIGATION = "6(1)(c)"
    VITAL_INTERESTS = "6(1)(d)"
    LEGITIMATE_INTERESTS = "6(1)(f)"
    RECOGNISED_LEGITIMATE_INTEREST = "6(1)(ea)"
    CONSENT = "6(1)(a)"

    @property
    def label(self) -> str:
        """The code as a form shows it."""
        return _ARTICLE_6[self]


_ARTICLE_6 = {
    Article6Basis.PUBLIC_TASK: "Article 6(1)(e) public task",
    Article6Basis.LEGAL_OBLIGATION: "Article 6(1)(c) legal obligation",
    Article6Basis.VITAL_INTERESTS: "Article 6(1)(d) vital interests",
    Article6Basis.LEGITIMATE_INTERESTS: "Article 6(1)(f) legitimate interests",
    Article6Basis.RECOGNISED_LEGITIMATE_INTEREST: "Article 6(1)(ea) recognised legitimate "
    "interest (safeguarding a vulnerable individual)",
    Article6Basis.CONSENT: "Article 6(1)(a) consent",
}


class Article9Condition(StrEnum):
    """UK GDPR Article 9(2): the condition for special category data (health, and so on)."""

    NONE = "none"
    SUBSTANTIAL_PUBLIC_INTEREST = "9(2)(g)"
    HEALTH_OR_SOCIAL_CARE = "9(2)(h)"
    VITAL_INTERESTS = "9(2)(c)"
    EXPLICIT_CONSENT = "9(2)(a)"

    @property
    def label(self) -> str:
        """The code as a form shows it."""
        return _ARTICLE_9[self]


_ARTICLE_9 = {
    Article9Condition.NONE: "No special category data is shared",
    Article9Condition.SUBSTANTIAL_PUBLIC_INTEREST: "Article 9(2)(g) substantial public interest",
    Article9Condition.HEALTH_OR_SOCIAL_CARE: "Article 9(2)(h) health or social care",
    Article9Condition.VITAL_INTERESTS: "Article 9(2)(c) vital interests",
    Article9Condition.EXPLICIT_CONSENT: "Article 9(2)(a) explicit consent",
}


class Schedule1Condition(StrEnum):
    """DPA 2018 Schedule 1: the paragraph that meets Article 9(2)(g) or (h)."""

    NONE = "none"
    SAFEGUARDING = "para-18"
    STATUTORY_PURPOSES = "para-6"
    HEALTH_OR_SOCIAL_CARE = "para-2"
    UNLAWFUL_ACTS = "para-10"

    @property
    def label(self) -> str:
        """The code as a form shows it."""
        return _SCHEDULE_1[self]


_SCHEDULE_1 = {
    Schedule1Condition.NONE: "Not needed",
    Schedule1Condition.SAFEGUARDING: "Paragraph 18: safeguarding of children and of "
    "individuals at risk",
    Schedule1Condition.STATUTORY_PURPOSES: "Paragraph 6: statutory and government purposes",
    Schedule1Condition.HEALTH_OR_SOCIAL_CARE: "Paragraph 2: health or social care purposes",
    Schedule1Condition.UNLAWFUL_ACTS: "Paragraph 10: preventing or detecting unlawful acts",
}


class LawEnforcementBasis(StrEnum):
    """DPA 2018 Part 3, for police processing for law-enforcement purposes."""

    NOT_APPLICABLE = "none"
    SAFEGUARDING = "part-3-sch-8-para-4"

    @property
    def label(self) -> str:
        """The code as a form shows it."""
        return _PART_3[self]


_PART_3 = {
    LawEnforcementBasis.NOT_APPLICABLE: "Not law-enforcement processing",
    LawEnforcementBasis.SAFEGUARDING: "DPA 2018 Part 3, section 35 and Schedule 8 paragraph 4: "
    "safeguarding of children and of individuals at risk",
}


class ConsentPosition(StrEnum):
    """Where consent stands: recorded apart from the lawful basis, as the advice asks."""

    SOUGHT_AND_GIVEN = "sought_given"
    SOUGHT_AND_REFUSED = "sought_refused"
    NOT_SOUGHT = "not_sought"

    @property
    def label(self) -> str:
        """The code as a form shows it."""
        return _CONSENT[self]


_CONSENT = {
    ConsentPosition.SOUGHT_AND_GIVEN: "Consent was sought and given",
    ConsentPosition.SOUGHT_AND_REFUSED: "Consent was sought and refused: shared anyway",
    ConsentPosition.NOT_SOUGHT: "Consent was not sought",
}


class ConsentNotSoughtReason(StrEnum):
    """Why consent was not sought: DPA 2018 Schedule 1 paragraph 18(2), and the 2024 advice."""

    CANNOT_BE_GIVEN = "cannot_be_given"
    CANNOT_REASONABLY_OBTAIN = "cannot_reasonably_obtain"
    WOULD_PREJUDICE_PROTECTION = "would_prejudice_protection"
    WOULD_INCREASE_RISK = "would_increase_risk"
    PREJUDICE_INVESTIGATION = "prejudice_investigation"

    @property
    def label(self) -> str:
        """The code as a form shows it."""
        return _NOT_SOUGHT[self]


_NOT_SOUGHT = {
    ConsentNotSoughtReason.CANNOT_BE_GIVEN: "Consent cannot be given (paragraph 18(2)(a))",
    ConsentNotSoughtReason.CANNOT_REASONABLY_OBTAIN: "I cannot reasonably be expected to "
    "obtain consent (paragraph 18(2)(b))",
    ConsentNotSoughtReason.WOULD_PREJUDICE_PROTECTION: "Seeking consent would prejudice the "
    "child's protection (paragraph 18(2)(c))",
    ConsentNotSoughtReason.WOULD_INCREASE_RISK: "Telling the family would increase the risk "
    "of harm to the child or someone else",
    ConsentNotSoughtReason.PREJUDICE_INVESTIGATION: "Seeking consent would prejudice a police "
    "investigation",
}


class Sector(StrEnum):
    """Which lawful bases an organisation can rely on: public bodies, police, the rest."""

    PUBLIC_BODY = "public_body"
    POLICE = "police"
    VOLUNTARY_SECTOR = "voluntary_sector"
