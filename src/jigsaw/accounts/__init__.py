from jigsaw.accounts.models import (
    ApiToken,
    IdentityProvider,
    Organisation,
    RecoveryCode,
    RoleGrant,
    ServiceAccount,
    SessionStage,
    SignInThrottle,
    User,
    UserSession,
)
from jigsaw.accounts.queries import (
    AccessLine,
    count_organisations,
    count_practitioners,
    describe_accesses,
)

__all__ = [
    "AccessLine",
    "ApiToken",
    "IdentityProvider",
    "Organisation",
    "RecoveryCode",
    "RoleGrant",
    "ServiceAccount",
    "SessionStage",
    "SignInThrottle",
    "User",
    "UserSession",
    "count_organisations",
    "count_practitioners",
    "describe_accesses",
]
