"""Single sign-on pages: sign in with your organisation's account, and set up its provider.

Between leaving for the provider and coming back, the browser keeps the state, nonce and
PKCE verifier in a ten-minute cookie signed with the secret key, so a tampered or stale
one is refused. It is SameSite=Lax because the provider sends the browser back by a
top-level navigation from its own site, and it is sent only to the callback's path.

Starting sign-in answers the form with a page that moves on to the provider, not with a
redirect: the pages' Content-Security-Policy (``form-action 'self'``) makes browsers
block a form whose redirect leaves the site.
"""

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.accounts.services import sso
from jigsaw.core import clock
from jigsaw.core.errors import Invalid
from jigsaw.web.auth import Public, Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import RulesDep, SecretKeyDep, UowDep
from jigsaw.web.pages import redirect, render, set_session_cookie

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
SystemAdmin = Annotated[Actor, Depends(Requires(Permission.ORGANISATION_MANAGE))]
FormText = Annotated[str, Form()]

SSO_COOKIE = "jigsaw_sso"
SSO_COOKIE_PATH = "/sign-in/sso"
SSO_COOKIE_SECONDS = 600
CALLBACK_PATH = "/sign-in/sso/callback"
NO_PROVIDER = (
    "Your organisation does not use its own account to sign in to Jigsaw. "
    "Sign in with your email address and password instead."
)


@router.get("/sign-in/sso", dependencies=[Public])
def single_sign_on_form(request: Request) -> HTMLResponse:
    """Ask for a work email address, to find the organisation's identity provider."""
    return render(request, "accounts/sso.html", {"email": ""})


@router.post("/sign-in/sso", dependencies=[Public])
def begin_single_sign_on(request: Request, uow: UowDep, email: FormText = "") -> Response:
    """Find the organisation's provider and send the browser there (or say to use a password)."""
    try:
        start = sso.begin_single_sign_on(uow, email=email, redirect_uri=_callback_url(request))
    except Invalid as error:
        context = {"email": email, "errors": error.errors}
        return render(request, "accounts/sso.html", context, status=422)
    if start is None:
        context = {"email": email, "errors": {"email": NO_PROVIDER}}
        return render(request, "accounts/sso.html", context, status=422)
    response = render(request, "accounts/sso.html", {"start": start})
    response.set_cookie(
        SSO_COOKIE, _signed(start.pending, request.app.state.secret_key),
        max_age=SSO_COOKIE_SECONDS, path=SSO_COOKIE_PATH, httponly=True, samesite="lax",
        secure=request.url.scheme == "https",
    )  # fmt: skip
    return response


@router.get(CALLBACK_PATH, dependencies=[Public])
def complete_single_sign_on(
    request: Request,
    uow: UowDep,
    rules: RulesDep,
    secret_key: SecretKeyDep,
    state: str = "",
    code: str = "",
) -> Response:
    """Back from the provider: check what it says, then open the session."""
    try:
        ticket = sso.complete_single_sign_on(
            uow, state=state, code=code, pending=_pending(request),
            redirect_uri=_callback_url(request),
            rules=rules, secret_key=secret_key,
        )  # fmt: skip
    except Invalid as error:
        context = {"email": "", "errors": error.errors}
        failed = render(request, "accounts/sso.html", context, status=422)
        failed.delete_cookie(SSO_COOKIE, path=SSO_COOKIE_PATH)
        return failed
    response = redirect("/")
    set_session_cookie(response, request, ticket.token)
    response.delete_cookie(SSO_COOKIE, path=SSO_COOKIE_PATH)
    return response


@router.get("/admin/organisations/{organisation_id}/identity-provider")
def identity_provider_form(
    request: Request, uow: UowDep, actor: SystemAdmin, organisation_id: uuid.UUID
) -> HTMLResponse:
    """An organisation's single sign-on settings (the client secret is never shown)."""
    organisation, provider = sso.get_identity_provider(uow, actor, organisation_id=organisation_id)
    form = {} if provider is None else _form_values(provider)
    context = {"organisation": organisation, "provider": provider, "form": form}
    return render(request, "admin/identity_provider.html", context)


@router.post("/admin/organisations/{organisation_id}/identity-provider")
def configure_identity_provider(
    request: Request,
    uow: UowDep,
    actor: SystemAdmin,
    organisation_id: uuid.UUID,
    name: FormText = "",
    issuer: FormText = "",
    client_id: FormText = "",
    client_secret: FormText = "",
    remove_client_secret: FormText = "",
    email_domain: FormText = "",
) -> Response:
    """Save the settings; a new client secret is sealed and never shown back."""
    form = {"name": name, "issuer": issuer, "client_id": client_id, "email_domain": email_domain}
    try:
        sso.configure_identity_provider(
            uow, actor, organisation_id=organisation_id, name=name, issuer=issuer,
            client_id=client_id, client_secret=client_secret, email_domain=email_domain,
            remove_client_secret=remove_client_secret == "yes",  # noqa: S105 - a checkbox
            secret_key=request.app.state.secret_key,
        )  # fmt: skip
    except Invalid as error:
        organisation, provider = sso.get_identity_provider(
            uow, actor, organisation_id=organisation_id
        )
        context = {"organisation": organisation, "provider": provider, "form": form}
        context["errors"] = error.errors
        return render(request, "admin/identity_provider.html", context, status=422)
    return redirect(f"/admin/organisations/{organisation_id}/identity-provider")


def _form_values(provider: sso.IdentityProviderView) -> dict[str, str]:
    """The form's values from saved settings (the secret is not among them)."""
    return {
        "name": provider.name,
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "email_domain": provider.email_domain,
    }


def _callback_url(request: Request) -> str:
    # From the configured address, not the request's Host header, which a client chooses.
    base_url: str = request.app.state.settings.base_url
    return base_url + CALLBACK_PATH


def _signed(pending: sso.SsoPending, secret_key: str) -> str:
    body = {
        "provider": str(pending.provider_id),
        "state": pending.state,
        "nonce": pending.nonce,
        "verifier": pending.code_verifier,
        "expires": int(clock.now().timestamp()) + SSO_COOKIE_SECONDS,
    }
    payload = base64.urlsafe_b64encode(json.dumps(body).encode()).decode("ascii").rstrip("=")
    return f"{payload}.{_mac(payload, secret_key)}"


def _pending(request: Request) -> sso.SsoPending | None:
    payload, _, mac = request.cookies.get(SSO_COOKIE, "").rpartition(".")
    if not payload or not hmac.compare_digest(mac, _mac(payload, request.app.state.secret_key)):
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        if body["expires"] < clock.now().timestamp():
            return None
        return sso.SsoPending(
            uuid.UUID(body["provider"]), body["state"], body["nonce"], body["verifier"]
        )
    except (binascii.Error, ValueError, KeyError, TypeError):
        return None


def _mac(payload: str, secret_key: str) -> str:
    # A key of its own, derived from the secret key, so this MAC means nothing elsewhere.
    key = hashlib.sha256(b"jigsaw-sso-cookie:" + secret_key.encode()).digest()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()
