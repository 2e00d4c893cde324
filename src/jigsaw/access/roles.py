"""Which permissions each role grants: data, reviewed by a data protection officer.

Case roles read children's information (subject to a relationship with the child);
oversight and admin roles never read case content.
"""

from types import MappingProxyType

from jigsaw.access.permissions import Permission as P  # noqa: N817 - keeps the table readable
from jigsaw.access.vocabulary import Role

# Everyone reads the glossary and the published stories (issue 8): shared language and
# learning are for the whole partnership.
_EVERYONE = frozenset({P.ACCOUNT_MANAGE_OWN, P.SUMMARY_READ, P.GLOSSARY_READ, P.STORY_READ})
_CASE_WORK = _EVERYONE | {
    P.CHILD_READ,
    P.BREAK_GLASS_REQUEST,
    P.AUDIT_READ_CHILD_ACCESSES,
    P.CONCERN_RAISE,
    P.CONSULTATION_REQUEST,
    # A chronology is read by whoever may see the child (what they see is decided by
    # policy.chronology_scope); marking an event significant and exporting are case work too.
    P.EVENT_MARK,
    P.CHRONOLOGY_EXPORT,
    # A story of sharing that went well is told by those who did the sharing.
    P.STORY_SUBMIT,
}
# Those who receive what other agencies share with their organisation: its safeguarding lead,
# its social workers, and the MASH's staff.
_RECEIVES = frozenset({P.CONCERN_RECEIVE})
# Those who act for their organisation also link its roster and settle its possible matches.
_ORGANISATION_CASE_WORK = _CASE_WORK | _RECEIVES | {P.ROSTER_LINK, P.MATCH_REVIEW}
# Those whose role owns alerts (issue 7): the MASH's staff, a child's social worker, a school's
# safeguarding lead. Which alerts each works is policy.may_work_alert's decision.
_WORKS_ALERTS = frozenset({P.ALERT_WORK})

ROLE_PERMISSIONS: MappingProxyType[Role, frozenset[P]] = MappingProxyType(
    {
        Role.PRACTITIONER: _CASE_WORK,
        Role.DESIGNATED_SAFEGUARDING_LEAD: _ORGANISATION_CASE_WORK | _WORKS_ALERTS,
        # MASH staff screen contacts; the manager decides them and keeps the child index
        # clean (merges duplicates).
        # The MASH's measures are counts and times, no child's details: its staff see them.
        Role.MASH_PRACTITIONER: _CASE_WORK
        | _RECEIVES
        | _WORKS_ALERTS
        | {P.CONTACT_SCREEN, P.MEASURES_READ},
        Role.MASH_MANAGER: _CASE_WORK
        | _RECEIVES
        | _WORKS_ALERTS
        | {
            P.CHILD_MERGE,
            P.CONTACT_SCREEN,
            P.CONTACT_DECIDE,
            P.CONSULTATION_ADVISE,
            P.MEASURES_READ,
        },
        Role.CONSULTATION_ADVISOR: _CASE_WORK | {P.CONSULTATION_ADVISE, P.MEASURES_READ},
        Role.SOCIAL_WORKER: _ORGANISATION_CASE_WORK | _WORKS_ALERTS,
        # An organisation's data manager uploads its roster; settling matches is case work.
        Role.ORGANISATION_ADMIN: _EVERYONE
        | {P.USER_MANAGE, P.SERVICE_ACCOUNT_MANAGE, P.ROSTER_LINK},
        # The privacy officer moderates stories: whether one could identify a child is
        # their judgement, after the anonymisation check.
        Role.PRIVACY_OFFICER: _EVERYONE
        | {
            P.AUDIT_READ_CHILD_ACCESSES,
            P.AUDIT_READ_USER_ACTIONS,
            P.BREAK_GLASS_REVIEW,
            P.STORY_MODERATE,
        },
        # The glossary is the partnership's: its system admin keeps it.
        Role.SYSTEM_ADMIN: _EVERYONE
        | {P.ORGANISATION_MANAGE, P.USER_MANAGE, P.SERVICE_ACCOUNT_MANAGE, P.GLOSSARY_MANAGE},
        Role.TRAINING_FACILITATOR: _EVERYONE | {P.TRAINING_FACILITATE},
    }
)

# Roles that act for their organisation: an involvement of the organisation with a
# child is a relationship for them (a school's DSL for every pupil on roll; a social
# worker for every child their council works with). Other case roles need their own.
ACTS_FOR_ORGANISATION = frozenset({Role.DESIGNATED_SAFEGUARDING_LEAD, Role.SOCIAL_WORKER})

# Roles that work a MASH's contacts and referrals.
MASH_ROLES = frozenset({Role.MASH_PRACTITIONER, Role.MASH_MANAGER, Role.CONSULTATION_ADVISOR})


def permissions_for(roles: frozenset[Role]) -> frozenset[P]:
    """Everything the given roles allow together."""
    granted: frozenset[P] = frozenset()
    for role in roles:
        granted |= ROLE_PERMISSIONS[role]
    return granted


def roles_granting(permission: P) -> frozenset[Role]:
    """The roles that carry ``permission`` (to find who should hear of something)."""
    return frozenset(role for role, granted in ROLE_PERMISSIONS.items() if permission in granted)
