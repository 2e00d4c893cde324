"""Writes about accounts; each public function is one transaction."""

from jigsaw.accounts.services.account import end_session, sign_out, sign_out_everywhere
from jigsaw.accounts.services.admin import (
    add_user,
    change_roles,
    deactivate_user,
    register_organisation,
    reset_two_factor,
)
from jigsaw.accounts.services.sign_in import (
    SignInLocked,
    choose_password,
    confirm_enrolment,
    session_user,
    sign_in,
    start_enrolment,
    user_actor,
    verify_two_factor,
)
from jigsaw.accounts.services.sso import (
    IdentityProviderView,
    SsoPending,
    SsoStart,
    begin_single_sign_on,
    complete_single_sign_on,
    configure_identity_provider,
    get_identity_provider,
)
from jigsaw.accounts.services.tokens import (
    add_service_account,
    issue_api_token,
    revoke_api_token,
    token_actor,
)

__all__ = [
    "IdentityProviderView",
    "SignInLocked",
    "SsoPending",
    "SsoStart",
    "add_service_account",
    "add_user",
    "begin_single_sign_on",
    "change_roles",
    "choose_password",
    "complete_single_sign_on",
    "configure_identity_provider",
    "confirm_enrolment",
    "deactivate_user",
    "end_session",
    "get_identity_provider",
    "issue_api_token",
    "register_organisation",
    "reset_two_factor",
    "revoke_api_token",
    "session_user",
    "sign_in",
    "sign_out",
    "sign_out_everywhere",
    "start_enrolment",
    "token_actor",
    "user_actor",
    "verify_two_factor",
]
