"""Sign-in, two-factor, password and account pages."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jigsaw.accounts import SessionStage, queries
from jigsaw.accounts import services as accounts
from jigsaw.core.errors import Invalid
from jigsaw.web.auth import SESSION_COOKIE, STAGE_PAGES, Public, SignedIn, current_viewer
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import RulesDep, SecretKeyDep, UowDep
from jigsaw.web.pages import clear_session_cookie, redirect, render, safe_next, set_session_cookie

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
FormText = Annotated[str, Form()]


def _token(request: Request) -> str:
    return request.cookies.get(SESSION_COOKIE, "")


def _onwards(request: Request, stage: SessionStage, token: str, next_path: str) -> RedirectResponse:
    response = redirect(STAGE_PAGES.get(stage, safe_next(next_path)))
    set_session_cookie(response, request, token)
    return response


@router.get("/sign-in", dependencies=[Public])
def sign_in_form(request: Request, next: str = "/") -> Response:
    """The sign-in page (straight on if already signed in)."""
    viewer = current_viewer(request)
    if viewer and viewer.session.stage is SessionStage.SIGNED_IN:
        return redirect(safe_next(next))
    return render(request, "accounts/sign_in.html", {"email": "", "next": safe_next(next)})


@router.post("/sign-in", dependencies=[Public])
def sign_in(
    request: Request,
    uow: UowDep,
    rules: RulesDep,
    email: FormText = "",
    password: FormText = "",
    next: FormText = "/",
) -> Response:
    """Check the email address and password, then go on to two-factor."""
    try:
        ticket = accounts.sign_in(uow, email=email, password=password, rules=rules)
    except Invalid as error:
        context = {"errors": error.errors, "email": email, "next": safe_next(next)}
        return render(request, "accounts/sign_in.html", context, status=422)
    except accounts.SignInLocked as error:
        return render(request, "accounts/locked.html", {"minutes": error.minutes}, status=429)
    return _onwards(request, ticket.stage, ticket.token, next)


@router.get("/sign-in/two-factor", dependencies=[Public])
def two_factor_form(request: Request) -> HTMLResponse:
    """Ask for the code from the authenticator app."""
    return render(request, "accounts/two_factor.html")


@router.post("/sign-in/two-factor", dependencies=[Public])
def verify_two_factor(
    request: Request, uow: UowDep, rules: RulesDep, secret_key: SecretKeyDep, code: FormText = ""
) -> Response:
    """Check the code (or a recovery code) and finish signing in."""
    try:
        ticket = accounts.verify_two_factor(
            uow, token=_token(request), code=code, rules=rules, secret_key=secret_key
        )
    except Invalid as error:
        return render(request, "accounts/two_factor.html", {"errors": error.errors}, status=422)
    except accounts.SignInLocked as error:
        return render(request, "accounts/locked.html", {"minutes": error.minutes}, status=429)
    return _onwards(request, ticket.stage, ticket.token, "/")


@router.get("/sign-in/enrol", dependencies=[Public])
def enrolment_form(
    request: Request, uow: UowDep, rules: RulesDep, secret_key: SecretKeyDep
) -> HTMLResponse:
    """Set up two-factor: a QR code drawn here, and the key to type in instead."""
    return _enrolment_page(request, uow, rules, secret_key, errors={})


@router.post("/sign-in/enrol", dependencies=[Public])
def confirm_enrolment(
    request: Request, uow: UowDep, rules: RulesDep, secret_key: SecretKeyDep, code: FormText = ""
) -> Response:
    """Confirm the authenticator; show the recovery codes once."""
    try:
        ticket, codes = accounts.confirm_enrolment(
            uow, token=_token(request), code=code, rules=rules, secret_key=secret_key
        )
    except Invalid as error:
        return _enrolment_page(request, uow, rules, secret_key, errors=error.errors)
    context = {"codes": codes, "next": STAGE_PAGES.get(ticket.stage, "/")}
    response = render(request, "accounts/recovery_codes.html", context)
    set_session_cookie(response, request, ticket.token)
    return response


def _enrolment_page(
    request: Request, uow: UowDep, rules: RulesDep, secret_key: str, *, errors: dict[str, str]
) -> HTMLResponse:
    secret, qr_code = accounts.start_enrolment(
        uow, token=_token(request), rules=rules, secret_key=secret_key
    )
    context = {"secret": secret, "qr_code": qr_code, "errors": errors}
    return render(request, "accounts/enrol.html", context, status=422 if errors else 200)


@router.get("/sign-in/password", dependencies=[Public])
def password_form(request: Request) -> HTMLResponse:
    """Choose your own password in place of the temporary one."""
    return render(request, "accounts/password.html")


@router.post("/sign-in/password", dependencies=[Public])
def choose_password(
    request: Request, uow: UowDep, rules: RulesDep, password: FormText = ""
) -> Response:
    """Save the new password and finish signing in."""
    try:
        ticket = accounts.choose_password(
            uow, token=_token(request), password=password, rules=rules
        )
    except Invalid as error:
        return render(request, "accounts/password.html", {"errors": error.errors}, status=422)
    return _onwards(request, ticket.stage, ticket.token, "/")


@router.post("/sign-out", dependencies=[Public])
def sign_out(request: Request, uow: UowDep, rules: RulesDep) -> Response:
    """End this session and forget its cookie."""
    accounts.sign_out(uow, token=_token(request), rules=rules)
    response = redirect("/sign-in")
    clear_session_cookie(response)
    return response


@router.get("/account")
def account(request: Request, uow: UowDep, actor: SignedIn) -> HTMLResponse:
    """Your account: who you are, where you are signed in."""
    sessions = queries.list_my_sessions(uow, actor)
    viewer = current_viewer(request)
    current = viewer.session.id if viewer else None
    return render(
        request, "accounts/account.html", {"sessions": sessions, "current_session": current}
    )


@router.post("/account/sessions/{session_id}/end")
def end_session(uow: UowDep, actor: SignedIn, session_id: uuid.UUID) -> Response:
    """Sign out one of your other sessions."""
    accounts.end_session(uow, actor, session_id=session_id)
    return redirect("/account")


@router.post("/account/sign-out-everywhere")
def sign_out_everywhere(uow: UowDep, actor: SignedIn) -> Response:
    """Sign out on every device, this one included."""
    accounts.sign_out_everywhere(uow, actor)
    response = redirect("/sign-in")
    clear_session_cookie(response)
    return response
