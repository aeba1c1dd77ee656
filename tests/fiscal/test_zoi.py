"""FISCAL §S1.1 (the ZOI) and FISCAL §S11 (the printed code)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from spaceport.fiscal.zoi import amount_text, printed_code, protected_id, zoi_input
from tests.fiscal.certificates import new_key

# 15.08.2015 10:13:32 in Ljubljana (summer time, UTC+2)
ISSUED = datetime(2015, 8, 15, 8, 13, 32, tzinfo=UTC)
# RFC 8017 section 9.2: the DER DigestInfo prefix of SHA-256
SHA256_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")


def test_the_zoi_input_is_the_specifications_example() -> None:
    """FISCAL §S1.1: `1234567815.08.2015 10:13:3211BP101B119.15`."""
    text = zoi_input(12345678, ISSUED, "11", "BP101", "B1", Decimal("19.15"))
    assert text == "1234567815.08.2015 10:13:3211BP101B119.15"


def test_the_issue_time_is_ljubljana_local_in_winter_too() -> None:
    """FISCAL §S1.1: Slovenian local time, whatever the zone of the moment given."""
    winter = datetime(2026, 1, 5, 23, 30, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert zoi_input(12345678, winter, "1", "P1", "D1", Decimal(5)).startswith(
        "1234567806.01.2026 05:30:00"
    )


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        zoi_input(12345678, datetime(2026, 1, 1), "1", "P1", "D1", Decimal(1))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("amount", "text"),
    [("-12.3", "-12.30"), ("19.15", "19.15"), ("0", "0.00"), ("2.345", "2.35"), ("100", "100.00")],
)
def test_the_amount_has_a_decimal_point_and_two_decimals(amount: str, text: str) -> None:
    """FISCAL §S1.1: `-12.30`."""
    assert amount_text(Decimal(amount)) == text


def test_the_zoi_is_the_md5_of_the_pkcs1_v1_5_signature_recomputed_by_hand() -> None:
    """FISCAL §S1.1: RSA, SHA-256, PKCS#1 v1.5 (deterministic), then MD5: the signature is
    rebuilt here from the key's numbers (RFC 8017 sections 8.2.1 and 9.2), not by the library."""
    key = new_key()
    text = zoi_input(12345678, ISSUED, "11", "BP101", "B1", Decimal("19.15"))
    numbers = key.private_numbers()
    n, d = numbers.public_numbers.n, numbers.d
    size = (n.bit_length() + 7) // 8
    digest_info = SHA256_PREFIX + hashlib.sha256(text.encode("utf-8")).digest()
    encoded = b"\x00\x01" + b"\xff" * (size - len(digest_info) - 3) + b"\x00" + digest_info
    signature = pow(int.from_bytes(encoded, "big"), d, n).to_bytes(size, "big")
    expected = hashlib.md5(signature).hexdigest()

    zoi = protected_id(key, text)
    assert zoi == expected
    assert len(zoi) == 32 and zoi == zoi.lower()
    assert protected_id(key, text) == zoi  # deterministic, not PSS


def test_the_printed_code_is_the_specifications_vector() -> None:
    """FISCAL §S11: the vector of the specification."""
    code = printed_code("a7e5f55e1dbb48b799268e1a6d8618a3", 12345678, ISSUED)
    assert code == "223175087923687075112234402528973166755123456781508151013321"
    assert len(code) == 60


def test_the_printed_code_pads_a_small_zoi_and_sums_its_check_digit() -> None:
    """FISCAL §S11: left-padded to 39 digits; check digit = sum of the 59 digits mod 10."""
    code = printed_code("00000000000000000000000000000abc", 10000001, ISSUED)
    assert code[:39] == f"{0xABC:039d}"
    assert code[39:47] == "10000001"
    assert code[47:59] == "150815101332"
    assert int(code[59]) == sum(int(c) for c in code[:59]) % 10


def test_a_zoi_that_is_not_32_hex_digits_is_refused() -> None:
    with pytest.raises(ValueError):
        printed_code("abc", 12345678, ISSUED)
