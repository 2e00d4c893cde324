from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from jigsaw.accounts import two_factor
from jigsaw.core.sealing import UnsealError, seal, unseal

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


def test_a_current_code_is_accepted_once() -> None:
    secret = two_factor.new_secret()
    code = pyotp.TOTP(secret).at(NOW)
    step = two_factor.accepted_step(secret, code, at=NOW, last_step=None)
    assert step is not None
    assert two_factor.accepted_step(secret, code, at=NOW, last_step=step) is None


def test_thirty_seconds_of_drift_is_tolerated_but_not_more() -> None:
    secret = two_factor.new_secret()
    assert two_factor.accepted_step(
        secret, pyotp.TOTP(secret).at(NOW - timedelta(seconds=30)), at=NOW, last_step=None
    )
    assert (
        two_factor.accepted_step(
            secret, pyotp.TOTP(secret).at(NOW - timedelta(seconds=95)), at=NOW, last_step=None
        )
        is None
    )


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef"])
def test_malformed_codes_are_refused(code: str) -> None:
    assert two_factor.accepted_step(two_factor.new_secret(), code, at=NOW, last_step=None) is None


def test_qr_code_is_drawn_locally_as_svg() -> None:
    uri = two_factor.provisioning_uri(
        two_factor.new_secret(), email="dsl@oakfield-primary.example.org"
    )
    assert uri.startswith("otpauth://totp/Jigsaw:")
    assert two_factor.qr_code_data_uri(uri).startswith("data:image/svg+xml")


def test_recovery_codes_are_ten_distinct_codes_hashed_whatever_their_case() -> None:
    codes = two_factor.new_recovery_codes()
    assert len(set(codes)) == 10
    assert two_factor.hash_recovery_code(codes[0]) == two_factor.hash_recovery_code(
        codes[0].upper().replace("-", " ")
    )


def test_sealed_secrets_open_only_with_the_same_key() -> None:
    sealed = seal("JBSWY3DPEHPK3PXP", secret_key="one")
    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert unseal(sealed, secret_key="one") == "JBSWY3DPEHPK3PXP"
    with pytest.raises(UnsealError):
        unseal(sealed, secret_key="another")
