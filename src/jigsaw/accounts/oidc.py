"""OpenID Connect for single sign-on: the authorization-code flow with PKCE, state and nonce.

NHS CIS2, Microsoft Entra ID and police identity providers all speak it. This module knows
the protocol and nothing of the database: discovery, the authorization request, the code
exchange and the ID token checks. Tokens are checked with joserfc, the JOSE library that
authlib's own ``authlib.jose`` now defers to (authlib 1.9 deprecates ``authlib.jose``).

Every failure is an ``OidcError`` whose ``reason`` is a fixed word, safe to log: never the
token, its claims or the provider's own error text.
"""

import base64
import ipaddress
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import quote_plus, urlencode, urlsplit

from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet, KeySetSerialization

from jigsaw.core import clock

# Asymmetric signatures only: "none" and the HS* family (which a forger could key with the
# provider's public key) are never accepted.
ALGORITHMS = ("RS256", "ES256", "PS256")
LEEWAY_SECONDS = 60  # clock skew between us and the provider
CACHE_SECONDS = 300  # discovery and keys: short, so a rotated key or endpoint is soon seen
TIMEOUT_SECONDS = 5
MAX_RESPONSE_BYTES = 1_000_000
SCOPE = "openid email"
LOOPBACK_HOSTS = frozenset({"localhost"})


class OidcError(Exception):
    """Sign-in with the identity provider failed; ``reason`` says where, in one word."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Client:
    """Jigsaw registered with one identity provider."""

    issuer: str
    client_id: str
    client_secret: str | None = None


@dataclass(frozen=True, slots=True)
class ProviderMetadata:
    """What discovery says about a provider."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    token_auth_methods: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    """Where to send the browser, and the secrets to keep until it comes back."""

    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the provider says signed in: its subject, and the email claim if not unverified."""

    subject: str
    email: str | None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Back-channel calls go to the configured addresses only, never where a 3xx points."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)
_cache: dict[str, tuple[float, object]] = {}
_cache_lock = threading.Lock()


def acceptable_url(url: str) -> bool:
    """Whether Jigsaw will talk to this address: https, or http on this machine (tests)."""
    parts = urlsplit(url)
    if not parts.hostname or parts.username or parts.password:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and _is_loopback(parts.hostname)


def email_domain(address: str) -> str:
    """The domain of an email address, lower case ("" when there is none)."""
    local, at, domain = address.strip().lower().rpartition("@")
    return domain if at and local else ""


def discover(issuer: str) -> ProviderMetadata:
    """The provider's metadata from ``<issuer>/.well-known/openid-configuration`` (cached).

    Raises:
        OidcError: unreachable, or the document does not describe this issuer.
    """
    cached = _cached(f"discovery:{issuer}")
    if isinstance(cached, ProviderMetadata):
        return cached
    document = _fetch_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    # OpenID Connect Discovery 1.0, 4.3: the issuer must be exactly the one we asked.
    if document.get("issuer") != issuer:
        raise OidcError("discovery_issuer")
    authorize, token, jwks = (
        document.get(k) for k in ("authorization_endpoint", "token_endpoint", "jwks_uri")
    )
    if not all(isinstance(e, str) and acceptable_url(e) for e in (authorize, token, jwks)):
        raise OidcError("discovery_endpoints")
    # Discovery 1.0, 3: when the list is absent, client_secret_basic is the default.
    methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    metadata = ProviderMetadata(
        issuer=issuer,
        authorization_endpoint=str(authorize),
        token_endpoint=str(token),
        jwks_uri=str(jwks),
        token_auth_methods=tuple(m for m in methods if isinstance(m, str)),
    )
    _remember(f"discovery:{issuer}", metadata)
    return metadata


def authorization_request(client: Client, *, redirect_uri: str) -> AuthorizationRequest:
    """A fresh authorization request: new state, nonce and PKCE verifier each time.

    Raises:
        OidcError: the provider's discovery document could not be read.
    """
    metadata = discover(client.issuer)
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)  # 86 characters: within RFC 7636's 43 to 128
    url = prepare_grant_uri(
        metadata.authorization_endpoint,
        client.client_id,
        "code",
        redirect_uri=redirect_uri,
        scope=SCOPE,
        state=state,
        nonce=nonce,
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
    )
    return AuthorizationRequest(str(url), state, nonce, verifier)


def identify(
    client: Client, *, code: str, code_verifier: str, nonce: str, redirect_uri: str
) -> Identity:
    """Exchange the authorization code and check the ID token that comes back.

    Raises:
        OidcError: the exchange failed or the ID token was refused.
    """
    metadata = discover(client.issuer)
    id_token = _exchange_code(
        metadata, client, code=code, code_verifier=code_verifier, redirect_uri=redirect_uri
    )
    return check_id_token(id_token, client=client, jwks_uri=metadata.jwks_uri, nonce=nonce)


def check_id_token(id_token: str, *, client: Client, jwks_uri: str, nonce: str) -> Identity:
    """Verify the signature against the provider's keys, then the claims (OIDC Core 3.1.3.7).

    Raises:
        OidcError: bad signature or algorithm, wrong issuer, audience or nonce, expired.
    """
    claims = _verified_claims(id_token, jwks_uri)
    registry = jwt.JWTClaimsRegistry(
        now=int(clock.now().timestamp()),
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": client.issuer},
        aud={"essential": True, "value": client.client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        raise OidcError(f"claim_{getattr(error, 'claim', 'invalid')}") from None
    # OIDC Core 3.1.3.7 (4, 5): with several audiences, the authorized party must be us.
    azp = claims.get("azp")
    several = isinstance(claims["aud"], list) and len(claims["aud"]) > 1
    if (azp is not None and azp != client.client_id) or (azp is None and several):
        raise OidcError("claim_azp")
    email = claims.get("email")
    verified = claims.get("email_verified", True) is True
    return Identity(claims["sub"], email if isinstance(email, str) and verified else None)


def forget_cached() -> None:
    """Drop cached discovery documents and keys (tests, or after changing a provider)."""
    with _cache_lock:
        _cache.clear()


def _verified_claims(id_token: str, jwks_uri: str) -> dict[str, Any]:
    for refresh in (False, True):
        keys = _key_set(jwks_uri, refresh=refresh)
        try:
            return jwt.decode(id_token, keys, algorithms=list(ALGORITHMS)).claims
        except InvalidKeyIdError:
            continue  # the provider may have rotated its keys: fetch them once more
        except (JoseError, ValueError, KeyError, TypeError):
            raise OidcError("signature") from None
    raise OidcError("signature_key")


def _key_set(jwks_uri: str, *, refresh: bool) -> KeySet:
    cached = None if refresh else _cached(f"jwks:{jwks_uri}")
    if isinstance(cached, KeySet):
        return cached
    try:
        keys = KeySet.import_key_set(cast(KeySetSerialization, _fetch_json(jwks_uri)))
    except (JoseError, ValueError, KeyError, TypeError):
        raise OidcError("jwks") from None
    _remember(f"jwks:{jwks_uri}", keys)
    return keys


def _exchange_code(
    metadata: ProviderMetadata, client: Client, *, code: str, code_verifier: str, redirect_uri: str
) -> str:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": code_verifier,
    }
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    basic = "client_secret_basic" in metadata.token_auth_methods
    if client.client_secret and (basic or "client_secret_post" not in metadata.token_auth_methods):
        # RFC 6749 2.3.1: each part form-encoded before joining and base64.
        pair = f"{quote_plus(client.client_id)}:{quote_plus(client.client_secret)}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    else:
        form["client_id"] = client.client_id
        if client.client_secret:
            form["client_secret"] = client.client_secret
    answer = _fetch_json(metadata.token_endpoint, data=urlencode(form).encode(), headers=headers)
    id_token = answer.get("id_token")
    if not isinstance(id_token, str):
        raise OidcError("token_response")
    return id_token


def _fetch_json(
    url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    if not acceptable_url(url):
        raise OidcError("insecure_url")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked just above
        url, data=data, headers={"Accept": "application/json", **(headers or {})}
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise OidcError(f"http_{error.code}") from None
    except (urllib.error.URLError, OSError):
        raise OidcError("unreachable") from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise OidcError("too_large")
    try:
        document = json.loads(body)
    except ValueError:
        raise OidcError("not_json") from None
    if not isinstance(document, dict):
        raise OidcError("not_json")
    return document


def _cached(key: str) -> object | None:
    with _cache_lock:
        entry = _cache.get(key)
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def _remember(key: str, value: object) -> None:
    with _cache_lock:
        _cache[key] = (time.monotonic() + CACHE_SECONDS, value)


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
