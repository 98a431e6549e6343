"""Acceptance of the 节日慰问品发放签领表 importer (``welfare.importers.festival``).

A messy sign-off list made here (merged title row, a date line under it, header aliases with spaces and
bracketed units, blank 节日/发放日期 cells that fall back to the title, mixed date styles, full-width 工号,
"1,200.00"/"￥200元" amounts, a 合计 line, a name match, an ambiguous name, a bad row) is refused row by row;
the fixed file imports through the browser flow, re-imports from the command line without duplicates, and
the annual report's distribution figures for the period equal the file's totals, checked again in raw SQL.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from members.models import AuditEntry, ImportBatch, ImportedRecord, MemberStatus
from members.tests.factories import DepartmentFactory, MemberFactory
from reports import figures
from union_portal.lib.record_imports import importer_for, run_file
from welfare.models import DistributionRecipient, FestivalDistribution
from welfare.report import report_stats

pytestmark = pytest.mark.django_db

TITLE = "2024年中秋节慰问品发放签领表"
DATE_LINE = "发放日期：2024年9月12日        单位：元"
HEADER = ["序号", "节日", "发放 日期", "部  门", "工 号", "姓 名", "慰问品", "价值（元）", "签领", "备注"]
MID_AUTUMN_DAY = dt.date(2024, 9, 12)  # from the line under the title
SPRING_DAY = dt.date(2025, 1, 20)
DRAGON_DAY = dt.date(2024, 6, 10)


@pytest.fixture
def staff(school, sub_a, sub_b):
    teach, general = DepartmentFactory(school=school, name="教务处"), DepartmentFactory(school=school, name="总务处")
    return {
        "wang": MemberFactory(organization=sub_a, staff_no="T001", name="王芳", department=teach),
        "li_teach": MemberFactory(organization=sub_a, staff_no="T002", name="李伟", department=teach),
        "li_general": MemberFactory(organization=sub_b, staff_no="T003", name="李伟", department=general),
        "zhang": MemberFactory(organization=sub_b, staff_no="T004", name="张三"),
        "zhao": MemberFactory(organization=sub_b, staff_no="T005", name="赵敏", status=MemberStatus.RETIRED),
    }


def sheet(rows, *, title=TITLE, date_line=DATE_LINE, header=HEADER) -> bytes:
    """An .xlsx like a school's: merged title row, a date line, the header, ``rows``, a sign-off line."""
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    if date_line:
        ws.append([date_line])
    ws.append(header)
    for r in rows:
        ws.append(r)
    ws.append([])
    ws.append(["经办人：", None, None, "审核人：", None, None, "制表日期：2024年9月12日"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# The good rows as the test knows them: (festival code, day, member key, value in yuan, signed), and how each
# is written in the file. Expected figures are computed from this list, never typed in.
GOOD = [
    # 中秋 from the title, date from the line under it; full-width 工号, spaced name, ￥…元.
    (
        ("mid_autumn", MID_AUTUMN_DAY, "wang", Decimal("200"), True),
        [1, None, None, "教务处", "Ｔ００１", "王 芳", "月饼", "￥200元", "王芳", ""],
    ),
    # A name match (unique in the school), item filled down from the row above (merged cell).
    (
        ("mid_autumn", MID_AUTUMN_DAY, "zhang", Decimal("200"), True),
        [2, None, None, None, None, "张三", None, "200", "√", None],
    ),
    # A shared name narrowed by 部门; 备注 says not collected.
    (
        ("mid_autumn", MID_AUTUMN_DAY, "li_teach", Decimal("200"), False),
        [3, None, None, "教务处", None, "李伟", "月饼", 200, None, "未领取"],
    ),
    # A retiree, amount filled down within the distribution.
    (
        ("mid_autumn", MID_AUTUMN_DAY, "zhao", Decimal("200"), True),
        [4, "中秋", "2024.9.12", None, "T005", "赵敏", None, None, "赵敏", None],
    ),
    # A second distribution: 春节, three date styles, "1,200.00" and "1200元".
    (
        ("spring", SPRING_DAY, "li_general", Decimal("1200.00"), True),
        [5, "春节", "2025年1月20日", None, "T003", None, "年货礼包", "1,200.00", None, None],
    ),
    (
        ("spring", SPRING_DAY, "wang", Decimal("1200"), False),
        [6, "春 节", dt.datetime(2025, 1, 20), None, "T001", "王芳", "年货礼包", "1200元", "否", None],
    ),
    (
        ("spring", SPRING_DAY, "zhang", Decimal("1000"), True),
        [7, "新春", "20250120", None, "T004", "张三", "年货礼包", 1000, "张三", None],
    ),
]
AMBIGUOUS = [8, "端午", "2024-06-10", None, None, "李 伟", "粽子", "100", None, None]
BAD = [9, "端午", "2099-06-10", None, "T999", None, "粽子", "一百", None, None]
TOTAL_LINE = [None, None, None, None, None, "合计", None, "4,400.00", None, None]
# The fixes: the ambiguous name gets its 部门, the bad row a real date, 工号 and amount.
FIXED = [
    (
        ("dragon_boat", DRAGON_DAY, "li_general", Decimal("100"), True),
        [8, "端午", "2024-06-10", "总务处", None, "李 伟", "粽子", "100", None, None],
    ),
    (
        ("dragon_boat", DRAGON_DAY, "li_teach", Decimal("100"), True),
        [9, "端午节", "2024/6/10", None, "T002", None, "粽子", "100.00", None, None],
    ),
]


def expected(good, staff) -> dict:
    """The file's totals from the rows the test wrote: 发放次数, 人次, 人数, 元, 已签领, and by festival."""
    by_festival: dict[str, dict] = defaultdict(lambda: {"recipients": 0, "members": set(), "total": Decimal(0),
                                                          "days": set()})  # fmt: skip
    for (festival, day, who, value, _signed), _cells in good:
        f = by_festival[festival]
        f["recipients"] += 1
        f["members"].add(staff[who].pk)
        f["total"] += value
        f["days"].add(day)
    return {
        "count": len({(festival, day) for (festival, day, *_), _ in good}),
        "recipients": len(good),
        "persons": len({staff[who].pk for (_, _, who, *_), _ in good}),
        "total": sum((value for (_, _, _, value, _), _ in good), Decimal(0)),
        "signed": sum(1 for (*_, signed), _ in good if signed),
        "by_festival": {
            code: {
                "count": len(f["days"]),
                "recipients": f["recipients"],
                "persons": len(f["members"]),
                "total": f["total"],
            }
            for code, f in by_festival.items()
        },  # fmt: skip
    }


def raw_figures(school, start, end) -> tuple:
    """人次, 人, 元 and 发放次数 of the school's distributions in [start, end], straight from the tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(DISTINCT r.member_id), COALESCE(SUM(r.value), 0), COUNT(DISTINCT d.id) "
            "FROM welfare_distributionrecipient r JOIN welfare_festivaldistribution d ON d.id = r.distribution_id "
            "WHERE d.organization_id = %s AND d.distributed_on BETWEEN %s AND %s",
            [school.pk, start.isoformat(), end.isoformat()],
        )
        n, persons, total, count = cursor.fetchone()
    return n, persons, Decimal(str(total)).quantize(Decimal("0.01")), count


def test_messy_sign_off_list_imports_once_and_the_report_counts_it(school, staff, chair, login, tmp_path):
    importer = importer_for("festival")
    messy = sheet([cells for _, cells in GOOD] + [AMBIGUOUS, BAD, TOTAL_LINE])

    # 1. Row errors in Chinese, by row and column; nothing written.
    result = run_file(importer, school=school, data=messy, filename="2024中秋签领表.xlsx")
    assert not result.written and FestivalDistribution.objects.count() == 0
    assert DistributionRecipient.objects.count() == 0 and ImportBatch.objects.filter(kind="festival").count() == 0
    first_row = 4  # title, date line, header
    ambiguous_row, bad_row = first_row + len(GOOD), first_row + len(GOOD) + 1
    found = {(e.row, e.column): e.message for e in result.errors}
    assert set(found) == {(ambiguous_row, "姓 名"), (bad_row, "发放 日期"), (bad_row, "工 号"), (bad_row, "价值(元)")}
    assert "T002" in found[(ambiguous_row, "姓 名")] and "T003" in found[(ambiguous_row, "姓 名")]
    assert "请填写工号或部门" in found[(ambiguous_row, "姓 名")]
    assert "晚于今天" in found[(bad_row, "发放 日期")] and "T999" in found[(bad_row, "工 号")]

    # 2. The fixed file through the browser: upload → preview → confirm, as the chair.
    good = GOOD + FIXED
    fixed = sheet([cells for _, cells in good] + [TOTAL_LINE])
    want = expected(good, staff)
    client = login(chair)
    upload = io.BytesIO(fixed)
    upload.name = "2024中秋签领表.xlsx"
    response = client.post(reverse("imports:upload", kwargs={"kind": "festival"}), {"file": upload})
    batch = ImportBatch.objects.get(kind="festival")
    assert response.status_code == 302
    preview = client.get(reverse("imports:preview", kwargs={"kind": "festival", "pk": batch.pk}))
    assert preview.status_code == 200 and "全部通过检查" in preview.content.decode()
    response = client.post(reverse("imports:confirm", kwargs={"kind": "festival", "pk": batch.pk}))
    assert response.status_code == 302 and response.url == reverse("welfare:distributions")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert batch.summary["created"] == {"节日发放": want["count"], "签领记录": want["recipients"]}
    assert batch.summary["totals"]["人次"] == want["recipients"] and batch.summary["totals"]["人数"] == want["persons"]
    assert Decimal(batch.summary["totals"]["金额"]) == want["total"]

    # The records: one distribution per (节日, 发放日期, 名称), the 名称 made from year and festival.
    dists = {d.festival: d for d in FestivalDistribution.objects.filter(organization=school)}
    assert len(dists) == want["count"]
    moon = dists["mid_autumn"]
    assert (moon.distributed_on, moon.title, moon.item) == (MID_AUTUMN_DAY, "2024年中秋节慰问品发放", "月饼")
    assert moon.value_per_person == Decimal("200")
    spring = dists["spring"]
    assert spring.title == "2025年春节慰问品发放" and spring.value_per_person == Decimal("1200")
    values = {(r.distribution.festival, r.member_id): (r.value, r.signed)
              for r in DistributionRecipient.objects.select_related("distribution")}  # fmt: skip
    assert values == {(f, staff[who].pk): (value, signed) for (f, _, who, value, signed), _ in good}

    # Provenance: marked with the batch, one audit entry, the note on the distribution's page.
    dist_type = ContentType.objects.get_for_model(FestivalDistribution)
    assert ImportedRecord.objects.filter(batch=batch, content_type=dist_type).count() == want["count"]
    assert ImportedRecord.objects.filter(batch=batch).count() == want["count"] + want["recipients"]
    assert AuditEntry.objects.filter(action="import", summary__contains="2024中秋签领表.xlsx").count() == 1
    page = client.get(reverse("welfare:distribution_detail", args=[moon.pk])).content.decode()
    assert "2024中秋签领表.xlsx" in page and f"#{batch.pk}" in page

    # 3. The same file again from the command line: nothing new, every row skipped by natural key.
    path = tmp_path / "again.xlsx"
    path.write_bytes(fixed)
    out = io.StringIO()
    call_command("import_festival", str(path), "--school", school.code, stdout=out)
    assert f"已存在（按自然键）跳过 {want['recipients']} 行" in out.getvalue()
    assert FestivalDistribution.objects.count() == want["count"]
    assert DistributionRecipient.objects.count() == want["recipients"]

    # 4. The report's figures for the period equal the file's totals, and so does raw SQL.
    days = [day for (_, day, *_), _ in good]
    start, end = min(days), max(days)
    stats = report_stats(organization=school, start=start, end=end)["distributions"]
    for key in ("count", "recipients", "persons", "total", "signed"):
        assert stats[key] == want[key], key
    by_festival = {r["code"]: {k: r[k] for k in ("count", "recipients", "persons", "total")}
                   for r in stats["by_festival"]}  # fmt: skip
    assert by_festival == want["by_festival"]
    collected = figures.collect(organization=school, start=start, end=end)
    assert figures.lookup(collected, "current.welfare.distributions.recipients") == want["recipients"]
    assert figures.lookup(collected, "current.welfare.distributions.persons") == want["persons"]
    assert Decimal(figures.lookup(collected, "current.welfare.distributions.total")) == want["total"]
    assert raw_figures(school, start, end) == (want["recipients"], want["persons"], want["total"], want["count"])


def test_reimport_with_a_new_row_reuses_the_distribution(school, staff):
    importer = importer_for("festival")
    first = [cells for _, cells in GOOD[:2]]
    run_file(importer, school=school, data=sheet(first), filename="a.xlsx")
    result = run_file(importer, school=school, data=sheet(first + [GOOD[2][1]]), filename="b.xlsx")
    assert result.written and result.created == {"节日发放": 0, "签领记录": 1} and result.skipped == 2
    assert FestivalDistribution.objects.count() == 1
    assert DistributionRecipient.objects.count() == 3


def test_plain_single_sheet_takes_festival_and_date_from_the_title(school, staff):
    """No 节日/发放日期/名称 columns at all: the title names the festival, the line under it the date."""
    header = ["序号", "部门", "工号", "姓名", "物品", "金额(元)", "签名", "备注"]
    rows = [[1, "", "T001", "王芳", "鲜花", 50, "", ""], [2, "", "T002", "李伟", "", "", "", ""],
            [3, None, None, None, None, None, None, None], [4], [5]]  # fmt: skip
    data = sheet(rows, title="2024年“三八”妇女节慰问品发放签领表", date_line="2024年3月8日", header=header)
    result = run_file(importer_for("festival"), school=school, data=data, filename="三八.xlsx")
    assert result.written, result.errors
    dist = FestivalDistribution.objects.get()
    assert (dist.festival, dist.distributed_on, dist.title) == ("womens_day", dt.date(2024, 3, 8),
                                                                "2024年三八妇女节慰问品发放")  # fmt: skip
    assert list(dist.recipients.values_list("value", flat=True)) == [Decimal("50"), Decimal("50")]
    assert dist.recipients.filter(signed=True).count() == 2


def test_missing_festival_and_date_and_duplicates_are_row_errors(school, staff):
    header = ["工号", "姓名", "节日", "日期", "金额"]
    rows = [["T001", "", "", "", 100], ["T004", "", "植树节", "2024-03-12", 100], ["T004", "", "", "", 100],
            ["T002", "", "看电影", "2024-03-12", 100]]  # fmt: skip
    result = importer_for("festival").validate(
        school=school, data=sheet(rows, title="教职工慰问品发放表", date_line="", header=header), filename="x.xlsx"
    )
    found = {(e.row, e.column): e.message for e in result.errors}
    assert set(found) == {(3, "节日"), (3, "日期"), (5, "姓名"), (6, "节日")}
    assert "与第 4 行重复" in found[(5, "姓名")] and "看电影" in found[(6, "节日")]


def test_list_page_offers_import_to_chair_only_and_template_downloads(school, chair, sub_union_chair, login):
    url = reverse("imports:upload", kwargs={"kind": "festival"})
    page = login(chair).get(reverse("welfare:distributions")).content.decode()
    assert url in page
    assert login(chair).get(reverse("imports:template", kwargs={"kind": "festival"})).status_code == 200
    upload_page = login(chair).get(url).content.decode()
    assert "学校、节日、发放日期、名称" in upload_page
    page = login(sub_union_chair).get(reverse("welfare:distributions")).content.decode()
    assert url not in page
