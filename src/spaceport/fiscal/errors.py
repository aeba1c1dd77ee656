"""The rules of fiscalization, each a named error (COMPAT §2.1 renders them)."""

from __future__ import annotations

from spaceport.kit.errors import ApiError, InvalidProperty


class CertificateInvalid(InvalidProperty):
    """FISCAL §S4.2: why the upload is not a usable certificate."""

    prop = "certificate"


class CertificateTypeUnknown(InvalidProperty):
    prop = "type"

    def __init__(self) -> None:
        super().__init__("Only type=furs certificates are known")


class NoCertificate(InvalidProperty):
    prop = "certificate"

    def __init__(self) -> None:
        super().__init__("The organization has no FURS certificate; upload one first")


class TaxNumberInvalid(InvalidProperty):
    """FISCAL §S5.5: the organization's `taxNumber`, `SI` dropped, must be 8 digits."""

    prop = "taxNumber"

    def __init__(self) -> None:
        super().__init__("The organization's taxNumber must be a Slovenian tax number of 8 digits")


class LabelTaken(InvalidProperty):
    def __init__(self, prop: str, label: str, where: str) -> None:
        super().__init__(f"{label!r} is already used by a live {where}", prop)


class PropertyFixed(InvalidProperty):
    def __init__(self, prop: str) -> None:
        super().__init__("can't be changed", prop)


class FursRefused(ApiError):
    """FISCAL §S5.4: FURS's `ErrorCode` and `ErrorMessage`, verbatim."""

    status_code = 422
    name = "FursError"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"FURS refused: {code} {message}", {"code": code, "message": message})


class FursUnreachable(ApiError):
    """FISCAL §S5.4: FURS gave no usable answer; nothing was saved."""

    status_code = 502
    name = "FursUnreachable"
