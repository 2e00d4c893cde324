from jigsaw.accounts.models import Organisation, RoleGrant, User
from jigsaw.accounts.queries import count_organisations, count_practitioners

__all__ = ["Organisation", "RoleGrant", "User", "count_organisations", "count_practitioners"]
