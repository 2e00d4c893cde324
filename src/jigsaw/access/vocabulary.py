"""Who is who: the agency kinds and roles that access decisions are made from.

These live in `access/` because the policy decides from them and `access/` imports no
capability; `accounts/` stores them.
"""

from enum import StrEnum


class AgencyKind(StrEnum):
    """The kind of agency an organisation is, in the partnership's own terms."""

    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    MASH = "mash"
    EARLY_HELP = "early_help"
    SCHOOL = "school"
    EARLY_YEARS = "early_years"
    COLLEGE = "college"
    GP = "gp"
    ACUTE_HEALTH = "acute_health"
    COMMUNITY_HEALTH = "community_health"
    MENTAL_HEALTH = "mental_health"
    POLICE = "police"
    PROBATION = "probation"
    YOUTH_JUSTICE = "youth_justice"
    HOUSING = "housing"
    VOLUNTARY_SECTOR = "voluntary_sector"


class AccessBasis(StrEnum):
    """Why an actor could reach a record: recorded on every audit entry."""

    RELATIONSHIP = "relationship"  # an active involvement with the child
    MASH = "mash"  # an open contact or referral at the actor's MASH
    BREAK_GLASS = "break_glass"  # emergency access with a recorded reason, reviewed later
    RESTRICTION = "restriction"  # named on a restricted child's record
    OVERSIGHT = "oversight"  # privacy officer reading access records, not case content
    ADMINISTRATION = "administration"  # admins managing accounts and organisations
    SELF = "self"  # a user acting on their own account
    SYSTEM = "system"  # Jigsaw itself: CLI, jobs, demo loading
    AUTHOR = "author"  # the practitioner (or system) who raised a concern, reading it back
    RECIPIENT = "recipient"  # a concern shared with the reader's organisation


class Role(StrEnum):
    """A role a user holds within their organisation; permissions follow from roles."""

    PRACTITIONER = "practitioner"
    DESIGNATED_SAFEGUARDING_LEAD = "designated_safeguarding_lead"
    MASH_PRACTITIONER = "mash_practitioner"
    MASH_MANAGER = "mash_manager"
    CONSULTATION_ADVISOR = "consultation_advisor"
    SOCIAL_WORKER = "social_worker"
    ORGANISATION_ADMIN = "organisation_admin"
    PRIVACY_OFFICER = "privacy_officer"
    SYSTEM_ADMIN = "system_admin"
    # Only in a training space (issue 8): runs a scenario and sees every agency's part.
    TRAINING_FACILITATOR = "training_facilitator"
