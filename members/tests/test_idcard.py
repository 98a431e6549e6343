import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from members.idcard import id_birth_date, id_gender, id_number_error, mask_id_number, validate_id_number
from members.tests.rosters import valid_id


def test_known_valid_number_passes():
    # The GB 11643 worked example: 11010519491231002X.
    assert id_number_error("11010519491231002X") is None
    assert id_number_error("11010519491231002x") is None


def test_wrong_check_character_is_rejected():
    assert id_number_error("110105194912310021") == "身份证号校验位不正确"


@pytest.mark.parametrize(
    "value,message",
    [
        ("1234", "身份证号应为18位，实际为4位"),
        ("11010519491331002X", "身份证号中的出生日期无效"),
        ("1101051949123100AX", "身份证号前17位应为数字，最后一位为数字或X"),
    ],
)
def test_malformed_numbers_name_the_problem(value, message):
    assert id_number_error(value) == message


def test_full_width_digits_are_folded():
    full = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in valid_id())
    assert id_number_error(full) is None


def test_birth_date_and_gender_are_derived():
    value = valid_id("19850307", "131")
    assert id_birth_date(value) == dt.date(1985, 3, 7)
    assert id_gender(value) == "male"
    assert id_gender(valid_id("19850307", "122")) == "female"


def test_mask_keeps_area_code_and_last_four():
    assert mask_id_number("440308198503071234") == "440308********1234"
    assert mask_id_number("") == ""


def test_validator_raises_chinese_message():
    with pytest.raises(ValidationError, match="校验位"):
        validate_id_number("110105194912310021")
