"""Administration pages: organisations (system admins), users and service accounts."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.permissions import TOKEN_PERMISSIONS, Permission
from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.accounts import queries
from jigsaw.accounts import services as accounts
from jigsaw.core.errors import Invalid
from jigsaw.web.auth import Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import UowDep
from jigsaw.web.pages import redirect, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
SystemAdmin = Annotated[Actor, Depends(Requires(Permission.ORGANISATION_MANAGE))]
UserAdmin = Annotated[Actor, Depends(Requires(Permission.USER_MANAGE))]
SystemsAdmin = Annotated[Actor, Depends(Requires(Permission.SERVICE_ACCOUNT_MANAGE))]
FormText = Annotated[str, Form()]
FormList = Annotated[list[str], Form(default_factory=list)]


@router.get("/admin/organisations")
def list_organisations(request: Request, uow: UowDep, actor: SystemAdmin) -> HTMLResponse:
    """Every organisation in the partnership, and a form to add one."""
    organisations = queries.list_organisations(uow, actor)
    return render(
        request,
        "admin/organisations.html",
        {"organisations": organisations, "form": {}, "kinds": list(AgencyKind)},
    )


@router.post("/admin/organisations")
def register_organisation(
    request: Request,
    uow: UowDep,
    actor: SystemAdmin,
    name: FormText = "",
    kind: FormText = "",
    identifier_scheme: FormText = "",
    identifier: FormText = "",
) -> Response:
    """Add an organisation."""
    form = {
        "name": name,
        "kind": kind,
        "identifier_scheme": identifier_scheme,
        "identifier": identifier,
    }
    try:
        accounts.register_organisation(
            uow,
            actor,
            name=name,
            kind=_kind(kind),
            identifier_scheme=identifier_scheme,
            identifier=identifier,
        )
    except Invalid as error:
        context = {
            "organisations": queries.list_organisations(uow, actor),
            "form": form,
            "kinds": list(AgencyKind),
            "errors": error.errors,
        }
        return render(request, "admin/organisations.html", context, status=422)
    return redirect("/admin/organisations")


@router.get("/admin/users")
def my_organisation_users(actor: UserAdmin) -> Response:
    """Your own organisation's users."""
    return redirect(f"/admin/organisations/{actor.organisation_id}/users")


@router.get("/admin/organisations/{organisation_id}/users")
def list_users(
    request: Request, uow: UowDep, actor: UserAdmin, organisation_id: uuid.UUID
) -> HTMLResponse:
    """An organisation's users and service accounts."""
    context = {
        "organisation": queries.get_organisation(uow, actor, organisation_id=organisation_id),
        "users": queries.list_users(uow, actor, organisation_id=organisation_id),
        "service_accounts": queries.list_service_accounts(
            uow, actor, organisation_id=organisation_id
        ),
        "token_permissions": sorted(TOKEN_PERMISSIONS),
        "can_configure_sso": policy.can(actor, Permission.ORGANISATION_MANAGE),
    }
    return render(request, "admin/users.html", context)


@router.get("/admin/organisations/{organisation_id}/users/new")
def new_user_form(
    request: Request, uow: UowDep, actor: UserAdmin, organisation_id: uuid.UUID
) -> HTMLResponse:
    """The form to add a user."""
    organisation = queries.get_organisation(uow, actor, organisation_id=organisation_id)
    context = {
        "organisation": organisation,
        "form": {},
        "roles": _role_options(actor),
        "selected": [],
    }
    return render(request, "admin/user_new.html", context)


@router.post("/admin/organisations/{organisation_id}/users/new")
def add_user(
    request: Request,
    uow: UowDep,
    actor: UserAdmin,
    organisation_id: uuid.UUID,
    roles: FormList,
    email: FormText = "",
    display_name: FormText = "",
    job_title: FormText = "",
) -> HTMLResponse:
    """Create the account and show its temporary password once."""
    try:
        user, temporary = accounts.add_user(
            uow,
            actor,
            organisation_id=organisation_id,
            email=email,
            display_name=display_name,
            job_title=job_title,
            roles=_roles(roles),
        )
    except Invalid as error:
        context = {
            "organisation": queries.get_organisation(uow, actor, organisation_id=organisation_id),
            "form": {"email": email, "display_name": display_name, "job_title": job_title},
            "roles": _role_options(actor),
            "selected": roles,
            "errors": error.errors,
        }
        return render(request, "admin/user_new.html", context, status=422)
    return render(request, "admin/user_created.html", {"user": user, "temporary": temporary})


@router.get("/admin/users/{user_id}")
def show_user(request: Request, uow: UowDep, actor: UserAdmin, user_id: uuid.UUID) -> HTMLResponse:
    """One user: roles, deactivate, reset two-factor."""
    user = queries.get_user(uow, actor, user_id=user_id)
    return render(request, "admin/user.html", {"user": user, "roles": _role_options(actor)})


@router.post("/admin/users/{user_id}/roles")
def change_roles(
    uow: UowDep,
    actor: UserAdmin,
    user_id: uuid.UUID,
    roles: FormList,
) -> Response:
    """Save the roles a user holds."""
    accounts.change_roles(uow, actor, user_id=user_id, roles=_roles(roles))
    return redirect(f"/admin/users/{user_id}")


@router.post("/admin/users/{user_id}/deactivate")
def deactivate_user(uow: UowDep, actor: UserAdmin, user_id: uuid.UUID) -> Response:
    """Stop a user signing in, at once."""
    user = accounts.deactivate_user(uow, actor, user_id=user_id)
    return redirect(f"/admin/organisations/{user.organisation_id}/users")


@router.post("/admin/users/{user_id}/reset-two-factor")
def reset_two_factor(uow: UowDep, actor: UserAdmin, user_id: uuid.UUID) -> Response:
    """Make a user set up two-factor again (lost phone)."""
    accounts.reset_two_factor(uow, actor, user_id=user_id)
    return redirect(f"/admin/users/{user_id}")


@router.post("/admin/organisations/{organisation_id}/service-accounts")
def add_service_account(
    uow: UowDep, actor: SystemsAdmin, organisation_id: uuid.UUID, name: FormText = ""
) -> Response:
    """Register an agency system."""
    accounts.add_service_account(
        uow, actor, organisation_id=organisation_id, name=name or "Agency system"
    )
    return redirect(f"/admin/organisations/{organisation_id}/users")


@router.post("/admin/service-accounts/{service_account_id}/tokens")
def issue_api_token(
    request: Request,
    uow: UowDep,
    actor: SystemsAdmin,
    service_account_id: uuid.UUID,
    permissions: FormList,
    valid_days: Annotated[int, Form()] = 90,
) -> HTMLResponse:
    """Issue a token and show it once."""
    chosen = frozenset(Permission(p) for p in permissions if p in set(TOKEN_PERMISSIONS))
    token, secret = accounts.issue_api_token(
        uow, actor, service_account_id=service_account_id, permissions=chosen, valid_days=valid_days
    )
    return render(request, "admin/token_created.html", {"token": token, "secret": secret})


@router.post("/admin/api-tokens/{token_id}/revoke")
def revoke_api_token(uow: UowDep, actor: SystemsAdmin, token_id: uuid.UUID) -> Response:
    """Revoke a token at once."""
    organisation_id = accounts.revoke_api_token(uow, actor, token_id=token_id)
    return redirect(f"/admin/organisations/{organisation_id}/users")


def _role_options(actor: Actor) -> list[tuple[str, str]]:
    return [
        (r.value, r.value.replace("_", " ").capitalize().replace("Mash", "MASH"))
        for r in Role
        if r in policy.grantable_roles(actor)
    ]


def _roles(values: list[str]) -> frozenset[Role]:
    return frozenset(Role(v) for v in values if v in Role.__members__.values())


def _kind(value: str) -> AgencyKind:
    if value not in {k.value for k in AgencyKind}:
        raise Invalid({"kind": "Select the kind of agency"})
    return AgencyKind(value)
