"""The protective mark of an invoice, ZOI (`ProtectedID`), and the 60-digit code printed on it.

FISCAL §S1.1: the UTF-8 string TaxNumber + IssueDateTime (`dd.MM.yyyy HH:mm:ss`, Slovenian
local time) + InvoiceNumber + BusinessPremiseID + ElectronicDeviceID + InvoiceAmount (a decimal
point and two decimals) is signed with the certificate's key (RSA, SHA-256, PKCS#1 v1.5); the
ZOI is the MD5 of the signature, 32 lowercase hex digits. FISCAL §S11: the printed code."""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from spaceport.kit.money import round2

LJUBLJANA = ZoneInfo("Europe/Ljubljana")
ZOI_DIGITS = 39  # FISCAL §S11: 2^128 has 39 decimal digits


def local(moment: datetime) -> datetime:
    """A timezone-aware moment in Slovenian local time (FISCAL §S1.1, FISCAL §S3.3)."""
    if moment.tzinfo is None:
        raise ValueError("a fiscal moment must be timezone-aware")
    return moment.astimezone(LJUBLJANA)


def amount_text(amount: Decimal) -> str:
    """`-12.3` → `-12.30`: a decimal point and two decimals (FISCAL §S1.1)."""
    return format(round2(amount), "f")


def zoi_input(
    tax_number: int,
    issued: datetime,
    invoice_number: str,
    premise_id: str,
    device_id: str,
    amount: Decimal,
) -> str:
    """FISCAL §S1.1: the string whose signature gives the ZOI."""
    when = local(issued).strftime("%d.%m.%Y %H:%M:%S")
    return f"{tax_number}{when}{invoice_number}{premise_id}{device_id}{amount_text(amount)}"


def protected_id(key: RSAPrivateKey, text: str) -> str:
    """FISCAL §S1.1: MD5 of the RSA-SHA256 PKCS#1 v1.5 signature of `text`, lowercase hex."""
    signature = key.sign(text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return hashlib.md5(signature, usedforsecurity=False).hexdigest()


def printed_code(zoi: str, tax_number: int, issued: datetime) -> str:
    """FISCAL §S11: the ZOI as a decimal left-padded to 39 digits, the 8-digit tax number, the
    issue time `yyMMddHHmmss` (Ljubljana), and a check digit: the sum of those 59 digits mod 10."""
    if len(zoi) != 32:
        raise ValueError("a ZOI has 32 hex digits")
    digits = f"{int(zoi, 16):0{ZOI_DIGITS}d}{tax_number:08d}{local(issued):%y%m%d%H%M%S}"
    return digits + str(sum(int(digit) for digit in digits) % 10)
