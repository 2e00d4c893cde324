"""Time-based one-time passwords (RFC 6238) and recovery codes.

The QR code is drawn here, on the server, as an SVG data URI: the secret never
leaves Jigsaw for a third-party QR service.
"""

import hashlib
import secrets
from datetime import datetime

import pyotp
import segno

ISSUER = "Jigsaw"
RECOVERY_CODE_COUNT = 10
# One step either side of now: tolerates 30 seconds of clock drift.
VALID_WINDOW = 1


def new_secret() -> str:
    """A fresh base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, *, email: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_data_uri(uri: str) -> str:
    """The QR code for ``uri`` as an SVG data URI, drawn locally."""
    data_uri: str = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    return data_uri


def accepted_step(secret: str, code: str, *, at: datetime, last_step: int | None) -> int | None:
    """The time step ``code`` is valid for at ``at``, or None; a step is never used twice."""
    cleaned = "".join(code.split())
    if not (cleaned.isdigit() and len(cleaned) == 6):  # noqa: PLR2004
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(at)
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(step), cleaned):
            return None if last_step is not None and step <= last_step else step
    return None


def new_recovery_codes() -> list[str]:
    """Ten random codes like ``k7qp-2mxd-9tfa`` (60 bits each), shown once."""
    alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _ in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    return codes


def hash_recovery_code(code: str) -> str:
    """A recovery code's stored form; codes are random enough for a plain hash."""
    normalised = "".join(code.lower().split()).replace("-", "")
    return hashlib.sha256(normalised.encode()).hexdigest()
