"""Every permission in Jigsaw, and the marker for routes anyone may reach."""

from enum import StrEnum


class Permission(StrEnum):
    """What an actor may do, as ``"<resource>:<action>"``.

    Naming rule: the resource is a singular noun in glossary language, the action a
    verb; members are named ``RESOURCE_ACTION`` and kept in alphabetical order.
    A permission says what kind of thing an actor may do; whether they may do it to a
    particular child is decided by the relationship rules in ``policy``.
    """

    ACCOUNT_MANAGE_OWN = "account:manage_own"
    ALERT_WORK = "alert:work"
    AUDIT_READ_CHILD_ACCESSES = "audit:read_child_accesses"
    AUDIT_READ_USER_ACTIONS = "audit:read_user_actions"
    BREAK_GLASS_REQUEST = "break_glass:request"
    BREAK_GLASS_REVIEW = "break_glass:review"
    CHILD_MERGE = "child:merge"
    CHILD_READ = "child:read"
    CHRONOLOGY_EXPORT = "chronology:export"
    CONSULTATION_ADVISE = "consultation:advise"
    CONSULTATION_REQUEST = "consultation:request"
    CONTACT_DECIDE = "contact:decide"
    CONTACT_SCREEN = "contact:screen"
    CONCERN_RAISE = "concern:raise"
    CONCERN_RECEIVE = "concern:receive"
    EVENT_MARK = "event:mark"
    GLOSSARY_MANAGE = "glossary:manage"
    GLOSSARY_READ = "glossary:read"
    EVENT_POST = "event:post"
    MATCH_REVIEW = "match:review"
    MEASURES_READ = "measures:read"
    ORGANISATION_MANAGE = "organisation:manage"
    ROSTER_LINK = "roster:link"
    SERVICE_ACCOUNT_MANAGE = "service_account:manage"
    STORY_MODERATE = "story:moderate"
    STORY_READ = "story:read"
    STORY_SUBMIT = "story:submit"
    SUMMARY_READ = "summary:read"
    TRAINING_FACILITATE = "training:facilitate"
    USER_MANAGE = "user:manage"


# Permissions an API token may carry: what agency systems do, never administration.
TOKEN_PERMISSIONS = frozenset(
    {
        # A case management system shows its organisation's alerts in its own screens (read
        # only: a person takes and acknowledges an alert, and their note is the record).
        Permission.ALERT_WORK,
        Permission.CHILD_READ,
        Permission.CONCERN_RAISE,
        # An agency's system answers the MASH's partner checks put to its organisation.
        Permission.CONCERN_RECEIVE,
        # An agency's system asks the consultation line and polls for the advice.
        Permission.CONSULTATION_REQUEST,
        # A council's case management system at the MASH records the decisions made in it.
        Permission.CONTACT_DECIDE,
        Permission.CONTACT_SCREEN,
        # An agency's system posts what happened (an A&E attendance, a police call-out).
        Permission.EVENT_POST,
        # An agency's system reads the partnership's glossary to explain terms in its own screens.
        Permission.GLOSSARY_READ,
        Permission.MATCH_REVIEW,
        # A council's reporting system reads the MASH's measures (counts, no child's details).
        Permission.MEASURES_READ,
        Permission.ROSTER_LINK,
        # An agency's system shows the partnership's published stories.
        Permission.STORY_READ,
        Permission.SUMMARY_READ,
    }
)
