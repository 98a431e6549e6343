"""Issue 15: a real school starts from its own files on an empty install, from the command line."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from members.models import AuditEntry, Member, Organization
from members.tests.onboarding import ledger_file, roster_file


@pytest.mark.django_db
def test_empty_install_to_a_built_report(tmp_path, capsys):
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.exists() and not Organization.objects.exists()
    year = timezone.localdate().year - 1
    roster, ledger = tmp_path / "名册.xlsx", tmp_path / "台账.xlsx"
    roster.write_bytes(roster_file())
    ledger.write_bytes(ledger_file(year))

    call_command("setup_school", "--code", "NS01", "--name", "新苗中学工会")
    with pytest.raises(SystemExit):  # the file's sub-unions do not exist: refused without --create-units
        call_command("import_members", str(roster), "--school", "NS01")
    assert "分工会“行政分工会”不存在" in capsys.readouterr().err
    call_command("import_members", str(roster), "--school", "NS01", "--create-units")
    assert "新建分工会/小组 6 个" in capsys.readouterr().out
    call_command("import_welfare", str(ledger), "--school", "NS01")
    assert "3 条慰问记录" in capsys.readouterr().out

    school = Organization.objects.get(code="NS01")
    assert Member.objects.filter(school=school).count() == 5
    wu = Member.objects.get(staff_no="N002")
    assert (wu.organization.name, wu.organization.parent.name) == ("初一小组", "语文分工会")
    feng = Member.objects.get(staff_no="N005")
    assert feng.organization.parent.name == "数学分工会"  # 初一小组 of 数学 is another group than 语文's
    assert {o.code for o in school.subtree() if o.kind == "sub_union"} == {"NS01-01", "NS01-02", "NS01-03"}

    out = tmp_path / "report.pdf"
    call_command("build_report", "--org", "NS01", "--start", f"{year}-01-01", "--end", f"{year}-12-31",
                 "--format", "pdf", "--out", str(out))  # fmt: skip
    assert out.read_bytes().startswith(b"%PDF")
    assert not get_user_model().objects.exists()  # nobody had to be created for any of it


@pytest.mark.django_db
def test_setup_school_is_idempotent_and_refuses_a_taken_code(capsys):
    call_command("setup_school", "--code", "D9", "--name", "某区教育工会", "--district")
    call_command("setup_school", "--code", "NS02", "--name", "某小学工会", "--parent", "D9")
    entries = AuditEntry.objects.count()
    call_command("setup_school", "--code", "NS02", "--name", "某小学工会", "--parent", "D9")
    assert "已存在，未修改" in capsys.readouterr().out
    assert Organization.objects.count() == 2 and AuditEntry.objects.count() == entries
    assert Organization.objects.get(code="NS02").path == "/D9/NS02/"
    with pytest.raises(CommandError, match="已被“某小学工会”使用"):
        call_command("setup_school", "--code", "NS02", "--name", "别的学校工会")
    with pytest.raises(CommandError, match="没有编码为 NS02 的区教育工会"):
        call_command("setup_school", "--code", "NS03", "--name", "别的学校工会", "--parent", "NS02")
    with pytest.raises(CommandError, match="编码只能包含"):
        call_command("setup_school", "--code", "坏 码", "--name", "别的学校工会")
