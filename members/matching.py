"""Finding the member a spreadsheet row names: by 工号, or by a name that is unique in the school.

Every importer of records about people (慰问台账, 发放签领表, 捐款名单, 体检名单, 荣誉名单 …) matches
them the same way, so the rule and its Chinese messages live here once::

    matcher = MemberMatcher(school)                  # one query: the school's members
    member = matcher.match(row)                      # reads row.values["staff_no"/"name"/"department"]

The rule:

1. A 工号 given must be on the school's roll, and a 姓名 given with it must be that person's.
2. Without a 工号 the 姓名 must name exactly one member (names are compared after
   ``tabular.clean_name``: "张 伟" is 张伟); a 部门 given narrows colleagues who share a name.
3. An ambiguous name is a row error listing the candidates (工号 and department), so the person
   fixing the file sees whom to choose.

Members who left the school stay matchable: a historical list names people who were there then.
"""

from __future__ import annotations

from .models import Member, Organization

MAX_CANDIDATES = 5


class MemberMatcher:
    """Matches rows to the members of ``school`` (including former staff; one query at construction).

    ``match(row, staff_no_key=…, name_key=…, department_key=…)`` pops those keys from ``row.values``
    (a ``union_portal.lib.columns.Row``), records errors with ``row.error`` and returns the ``Member``
    or ``None``. Raises nothing.
    """

    def __init__(self, school: Organization):
        members = list(Member.objects.filter(school=school).select_related("department").order_by("staff_no", "pk"))
        self.by_no = {m.staff_no: m for m in members if m.staff_no}
        self.by_name: dict[str, list[Member]] = {}
        for m in members:
            self.by_name.setdefault(m.name, []).append(m)

    @staticmethod
    def describe(member: Member) -> str:
        """``张伟（工号 S0100012，语文组）``: how a candidate is named in an error."""
        parts = [f"工号 {member.staff_no}" if member.staff_no else "无工号"]
        if member.department_id:
            parts.append(member.department.name)
        return f"{member.name}（{'，'.join(parts)}）"

    def candidates(self, name: str) -> list[Member]:
        """Every member of the school called ``name`` (already cleaned), in 工号 order."""
        return list(self.by_name.get(name, []))

    def match(
        self, row, *, staff_no_key: str = "staff_no", name_key: str = "name", department_key: str = "department"
    ) -> Member | None:
        """The member the row names, or None with the error recorded on the row (see the module docstring)."""
        values = row.values
        staff_no = values.pop(staff_no_key, "") or ""
        name = values.pop(name_key, "") or ""
        dept = values.pop(department_key, "") or ""
        if staff_no:
            member = self.by_no.get(staff_no)
            if member is None:
                row.error(staff_no_key, f"工号 {staff_no} 不在本校名册中")
            elif name and member.name != name:
                row.error(name_key, f"工号 {staff_no} 对应的是{member.name}，不是{name}")
                return None
            return member
        if not name:
            row.error(staff_no_key if staff_no_key in row.headers else name_key, "工号和姓名不能都为空")
            return None
        found = self.candidates(name)
        if dept and len(found) > 1:
            found = [m for m in found if m.department_id and m.department.name == dept]
        if not found:
            row.error(name_key, f"名册中没有“{name}”" + ("（该部门）" if dept else ""))
        elif len(found) > 1:
            listed = "、".join(self.describe(m) for m in found[:MAX_CANDIDATES])
            more = f"等 {len(found)} 人" if len(found) > MAX_CANDIDATES else ""
            row.error(name_key, f"名册中有 {len(found)} 位“{name}”：{listed}{more}，请填写工号或部门")
        else:
            return found[0]
        return None
