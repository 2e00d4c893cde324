"""A tiny OpenID provider for tests, served by uvicorn on 127.0.0.1 in a thread.

It signs everyone in at once: ``/authorize`` records the request and sends the browser
straight back with a code, as if the person had signed in. Its knobs let a test play an
attacker: add or change claims (another issuer, nonce or audience), sign with a key that is
not the provider's, or hand back a token forged some other way.
"""

import base64
import hashlib
import hmac
import json
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus, urlencode

import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "jigsaw-test-client"
CLIENT_SECRET = "synthetic client secret for tests"

TOKEN_FIELDS = ("grant_type", "code", "redirect_uri", "code_verifier", "client_id", "client_secret")

Forger = Callable[[dict[str, Any]], str]


def rsa_key(kid: str) -> RSAKey:
    """A fresh 2048-bit RSA key, generated with cryptography, as a JWK."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return RSAKey.import_key(pem, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


@dataclass
class Person:
    """Who the provider says signed in."""

    subject: str
    email: str | None = None
    email_verified: bool | None = None


@dataclass
class FakeProvider:
    """The provider's state and the knobs tests turn."""

    issuer: str
    key: RSAKey = field(default_factory=lambda: rsa_key("key-1"))
    person: Person = field(default_factory=lambda: Person("subject-1"))
    auth_methods: list[str] = field(default_factory=lambda: ["client_secret_basic"])
    claims: dict[str, Any] = field(default_factory=dict)  # added to, or replacing, the real ones
    signing_key: RSAKey | None = None  # sign with this instead of the published key
    forge: Forger | None = None  # build the whole token some other way
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)

    def reset(self) -> None:
        """Back to an honest provider with no history."""
        self.person = Person("subject-1")
        self.auth_methods = ["client_secret_basic"]
        self.claims, self.signing_key, self.forge = {}, None, None
        self.authorize_requests.clear()
        self.token_requests.clear()
        self.codes.clear()

    def rotate_key(self) -> None:
        """Publish a new key (a new kid) and sign with it from now on."""
        self.key = rsa_key(f"key-{secrets.token_hex(4)}")

    def id_token(self, nonce: str) -> str:
        """The ID token for the current person, with the test's changes."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": self.person.subject,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
        }
        if self.person.email is not None:
            claims["email"] = self.person.email
        if self.person.email_verified is not None:
            claims["email_verified"] = self.person.email_verified
        claims.update(self.claims)
        if self.forge is not None:
            return self.forge(claims)
        key = self.signing_key or self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def app(self) -> FastAPI:
        """The provider's endpoints: discovery, keys, authorize and token."""
        app = FastAPI()

        @app.get("/.well-known/openid-configuration")
        def discovery() -> dict[str, Any]:
            return {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": self.auth_methods,
            }

        @app.get("/jwks")
        def jwks() -> dict[str, Any]:
            return {"keys": [self.key.as_dict(private=False)]}

        @app.get("/authorize")
        def authorize(request: Request) -> RedirectResponse:
            query = dict(request.query_params)
            self.authorize_requests.append(query)
            code = secrets.token_urlsafe(16)
            self.codes[code] = query
            back = urlencode({"code": code, "state": query.get("state", "")})
            return RedirectResponse(f"{query['redirect_uri']}?{back}", status_code=302)

        @app.post("/token")
        async def token(request: Request) -> JSONResponse:
            received = await request.form()
            form = {name: str(received.get(name, "")) for name in TOKEN_FIELDS}
            form["authorization"] = request.headers.get("authorization", "")
            self.token_requests.append(form)
            code, code_verifier = form["code"], form["code_verifier"]
            asked = self.codes.pop(code, None)  # a code works once
            if asked is None or not self._client_authenticated(form):
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            challenge = b64url(hashlib.sha256(code_verifier.encode()).digest())
            if (
                challenge != asked["code_challenge"]
                or form["redirect_uri"] != asked["redirect_uri"]
            ):
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            return JSONResponse(
                {
                    "access_token": secrets.token_urlsafe(16),
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": self.id_token(asked["nonce"]),
                }
            )

        return app

    def _client_authenticated(self, form: dict[str, str]) -> bool:
        # RFC 6749 2.3.1: each part form-encoded, then joined and base64-encoded.
        pair = f"{quote_plus(CLIENT_ID)}:{quote_plus(CLIENT_SECRET)}"
        basic = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        if form["authorization"]:
            return form["authorization"] == basic
        return form["client_id"] == CLIENT_ID and form["client_secret"] == CLIENT_SECRET


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_provider() -> Iterator[FakeProvider]:
    """Serve a fake provider on a free port until the block ends."""
    port = _free_port()
    provider = FakeProvider(issuer=f"http://127.0.0.1:{port}")
    config = uvicorn.Config(provider.app(), host="127.0.0.1", port=port, log_config=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test identity provider did not start within 10 seconds")
        time.sleep(0.02)
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def unsigned(claims: dict[str, Any]) -> str:
    """A token with ``alg: none``: no signature at all."""
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{b64url(json.dumps(claims).encode())}."


def keyed_with_public_key(provider: FakeProvider) -> Forger:
    """HS256 keyed with the provider's public key: the classic algorithm-confusion forgery."""
    public = provider.key.as_pem(private=False)

    def forge(claims: dict[str, Any]) -> str:
        header = b64url(json.dumps({"alg": "HS256", "kid": provider.key.kid}).encode())
        body = f"{header}.{b64url(json.dumps(claims).encode())}"
        signature = hmac.new(public, body.encode(), hashlib.sha256).digest()
        return f"{body}.{b64url(signature)}"

    return forge
