import datetime as dt
import io
import subprocess
import sys
import zipfile

import pytest
from django.core.management import call_command

from members.models import AuditEntry, Department, Member
from members.services import roster_import, roster_validate
from members.tests.rosters import messy_roster, valid_id
from union_portal.lib.exports import escape_cell
from union_portal.lib.tabular import parse_date


@pytest.fixture
def roster_school(school, sub_a, sub_b):
    Department.objects.create(school=school, name="教务处")
    return school


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("1985-03-07", dt.date(1985, 3, 7)),
        ("1985/3/7", dt.date(1985, 3, 7)),
        ("1985.03.07", dt.date(1985, 3, 7)),
        ("1985年3月7日", dt.date(1985, 3, 7)),
        ("198503", dt.date(1985, 3, 1)),
        ("1985.3", dt.date(1985, 3, 1)),
        ("19850307", dt.date(1985, 3, 7)),
        (31113, dt.date(1985, 3, 7)),
        ("１９８５－０３－０７", dt.date(1985, 3, 7)),
        (198503, dt.date(1985, 3, 1)),
        (dt.datetime(1985, 3, 7, 0, 0), dt.date(1985, 3, 7)),
        ("", None),
    ],
)
def test_parse_date_accepts_every_listed_style(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["1985-02-30", "下周三", "85-3"])
def test_parse_date_rejects_with_chinese_message(raw):
    with pytest.raises(ValueError, match="日期"):
        parse_date(raw)


def test_clean_messy_roster_imports_everything(roster_school, chair):
    result = roster_import(school=roster_school, data=messy_roster(bad=False), filename="名册.xlsx", acting_user=chair)
    assert result.errors == [] and result.file_error == ""
    assert result.created == 8
    zhang = Member.objects.get(school=roster_school, staff_no="T0001")
    assert zhang.name == "张三"
    assert zhang.birth_date == dt.date(1985, 3, 7) and zhang.hired_on == dt.date(2008, 9, 1)
    assert zhang.organization.name == "语文组分工会"
    assert zhang.name_initials == "zs"
    li = Member.objects.get(school=roster_school, staff_no="T0002")  # full-width 工号 folded
    assert li.employment_type == "contract" and li.hired_on == dt.date(2010, 9, 1)
    wu = Member.objects.get(school=roster_school, staff_no="T0007")
    assert wu.name == "吴九" and wu.birth_date == dt.date(1985, 3, 7)  # Excel serial 31113
    assert Member.objects.get(staff_no="T0004").hired_on == dt.date(2008, 9, 1)  # serial 39692
    assert Department.objects.filter(school=roster_school, name="新成立部门").exists()
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_bad_rows_are_listed_and_nothing_is_written(roster_school, chair):
    before = Member.objects.count()
    result = roster_import(school=roster_school, data=messy_roster(bad=True), filename="名册.xlsx", acting_user=chair)
    found = {(e.row, e.column) for e in result.errors}
    assert (5, "身份证号码") in found
    assert (8, "出生年月") in found
    assert (9, "分工会") in found
    assert (11, "职工号*") in found
    assert any("与第 3 行重复" in e.message for e in result.errors)
    assert not result.written
    assert Member.objects.count() == before
    assert not Department.objects.filter(name="新成立部门").exists()


def test_reimport_updates_by_staff_no_without_duplicates(roster_school, chair):
    roster_import(school=roster_school, data=messy_roster(bad=False), filename="a.xlsx", acting_user=chair)
    Member.objects.filter(staff_no="T0001").update(phone="")
    csv_bytes = "工号,姓名,手机\nT0001,张三,13900000000\nT0100,新同事,13900000001\n".encode("gb18030")
    result = roster_import(school=roster_school, data=csv_bytes, filename="update.csv", acting_user=chair)
    assert (result.created, result.updated) == (1, 1)
    assert Member.objects.filter(school=roster_school, staff_no="T0001").count() == 1
    assert Member.objects.get(staff_no="T0001").phone == "13900000000"
    assert Member.objects.get(staff_no="T0001").birth_date == dt.date(1985, 3, 7)  # untouched column kept


def test_birth_date_and_gender_come_from_id_number_when_missing(roster_school):
    data = f"姓名,工号,身份证号\n钱一,X1,{valid_id('19790615', '132')}\n".encode()
    result = roster_validate(school=roster_school, data=data, filename="r.csv")
    assert result.rows[0].values["birth_date"] == dt.date(1979, 6, 15)
    assert result.rows[0].values["gender"] == "female"


@pytest.mark.parametrize(
    "data,filename,message",
    [
        (b"", "empty.xlsx", "文件是空的"),
        (b"this is not a spreadsheet", "fake.xlsx", "不是有效的 Excel"),
        (b"PK\x03\x04broken", "broken.xlsx", "不是有效的 Excel"),
        ("甲,乙,丙\n1,2,3\n".encode(), "wrong.csv", "没有找到表头行"),
        ("姓名,性别\n张三,男\n".encode(), "missing.csv", "缺少必需的列：工号"),
        ("姓名,工号\n".encode(), "header-only.csv", "只有表头"),
        (b"\xd0\xcf\x11\xe0", "old.xls", "不支持旧版 .xls"),
    ],
)
def test_broken_files_get_a_file_error(roster_school, data, filename, message):
    result = roster_validate(school=roster_school, data=data, filename=filename)
    assert message in result.file_error


def test_zip_bomb_is_refused_before_parsing(roster_school, settings):
    settings.IMPORT_MAX_UNZIPPED_BYTES = 1024 * 1024
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", "0" * (5 * 1024 * 1024))
    result = roster_validate(school=roster_school, data=buf.getvalue(), filename="bomb.xlsx")
    assert "解压后过大" in result.file_error


@pytest.mark.parametrize(
    "value,expected",
    [("=1+1", "'=1+1"), ("+86", "'+86"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("张三", "张三"), (5, 5)],
)
def test_export_cells_are_escaped(value, expected):
    assert escape_cell(value) == expected


def test_command_exits_non_zero_with_row_errors(roster_school, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(messy_roster(bad=True))
    with pytest.raises(SystemExit) as exc:
        call_command("import_members", str(path), "--school", roster_school.code)
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "第 5 行 [身份证号码]：身份证号校验位不正确" in err
    assert Member.objects.filter(school=roster_school).count() == 0


def test_command_dry_run_writes_nothing(roster_school, tmp_path, capsys):
    path = tmp_path / "good.xlsx"
    path.write_bytes(messy_roster(bad=False))
    call_command("import_members", str(path), "--school", roster_school.code, "--dry-run")
    assert "新增 8 人" in capsys.readouterr().out
    assert Member.objects.filter(school=roster_school).count() == 0


def test_command_line_entry_point_runs(tmp_path):
    """The real manage.py process reports a missing file in Chinese with a non-zero exit."""
    proc = subprocess.run(
        [sys.executable, "manage.py", "import_members", str(tmp_path / "nope.xlsx")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0 and "找不到文件" in proc.stderr
