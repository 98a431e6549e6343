"""Resident ID numbers (居民身份证号码), GB 11643-1999.

18 characters: a 6-digit area code, the birth date as YYYYMMDD, a 3-digit
sequence whose last digit is odd for men and even for women, and a check
character computed with ISO 7064 MOD 11-2 (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.core.exceptions import ValidationError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def normalize_id_number(value: str) -> str:
    """Fold full-width characters, drop spaces and upper-case the trailing x."""
    return unicodedata.normalize("NFKC", value or "").replace(" ", "").strip().upper()


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_birth_date(value: str) -> dt.date | None:
    """The birth date encoded in a normalised 18-character ID number, or None if invalid."""
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except (ValueError, IndexError):
        return None


def id_gender(value: str) -> str:
    """``"male"`` when the 17th digit is odd, else ``"female"``."""
    return "male" if int(value[16]) % 2 else "female"


def id_number_error(value: str) -> str | None:
    """Return a Chinese error message for an invalid ID number, or None when valid."""
    value = normalize_id_number(value)
    if len(value) != 18:
        return f"身份证号应为18位，实际为{len(value)}位"
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "身份证号前17位应为数字，最后一位为数字或X"
    if id_birth_date(value) is None:
        return "身份证号中的出生日期无效"
    if id_check_char(value[:17]) != value[17]:
        return "身份证号校验位不正确"
    return None


def validate_id_number(value: str) -> None:
    """Django validator: raises ``ValidationError`` with a Chinese message."""
    if value:
        error = id_number_error(value)
        if error:
            raise ValidationError(error, code="invalid_id_number")


def mask_id_number(value: str) -> str:
    """Mask all but the area code and the last four: ``440308********1234``."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
