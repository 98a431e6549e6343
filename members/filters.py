"""django-filter sets for the member list."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from union_portal.lib.widgets import inline_selects

from .models import Department, EmploymentType, Gender, Member, MemberStatus, Organization


class MemberFilter(django_filters.FilterSet):
    """Filters of the member list; choices are limited to the user's school."""

    sub_union = django_filters.ModelChoiceFilter(
        label=_("分工会"), queryset=Organization.objects.none(), method="filter_sub_union", empty_label=_("全部分工会")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("部门"), queryset=Department.objects.none(), empty_label=_("全部部门")
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=MemberStatus.choices, empty_label=_("全部状态"))
    gender = django_filters.ChoiceFilter(label=_("性别"), choices=Gender.choices, empty_label=_("全部"))
    employment_type = django_filters.ChoiceFilter(
        label=_("用工形式"), choices=EmploymentType.choices, empty_label=_("全部用工形式")
    )
    is_union_member = django_filters.BooleanFilter(label=_("工会会员"))
    on = django_filters.DateFilter(label=_("截至日期"), method="filter_on")
    joined_after = django_filters.DateFilter(label=_("入会时间起"), field_name="joined_union_on", lookup_expr="gte")
    joined_before = django_filters.DateFilter(label=_("入会时间止"), field_name="joined_union_on", lookup_expr="lte")
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(
            ("staff_no", "staff_no"),
            ("name_pinyin", "name"),
            ("hired_on", "hired_on"),
            ("birth_date", "birth_date"),
        ),
        field_labels={
            "staff_no": _("工号"),
            "name_pinyin": _("姓名"),
            "hired_on": _("入职时间"),
            "birth_date": _("出生日期"),
            # Explicit lazy labels: django-filter's own "%s (descending)" is formatted at import time,
            # which would freeze it in the language active then.
            "-staff_no": _("工号（降序）"),
            "-name": _("姓名（降序）"),
            "-hired_on": _("入职时间（降序）"),
            "-birth_date": _("出生日期（降序）"),
        },
        empty_label=_("默认排序"),
    )

    class Meta:
        model = Member
        fields = ["sub_union", "department", "status", "gender", "employment_type", "is_union_member"]

    def filter_queryset(self, queryset):
        """With ``on=<date>``, status and membership are read as they stood that day (the annual report's
        figures about people are as of the period's end): 在职 = on the roll then, 退休 = retired by then,
        会员 = joined and not yet left then. Without it, today's values."""
        on = self.form.cleaned_data.get("on")
        if on is None:
            return super().filter_queryset(queryset)
        from .report import retired_at, staff_at, union_member_at

        data = dict(self.form.cleaned_data)
        status, member = data.pop("status", None), data.pop("is_union_member", None)
        if status == MemberStatus.ACTIVE:
            queryset = queryset.filter(staff_at(on))
        elif status == MemberStatus.RETIRED:
            queryset = queryset.filter(retired_at(on))
        elif status:
            queryset = queryset.filter(status=status, status_changed_on__lte=on)
        if member is True:
            queryset = queryset.filter(union_member_at(on))
        elif member is False:
            queryset = queryset.exclude(union_member_at(on))
        for name, value in data.items():
            if name not in ("on",) and name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def __init__(self, *args, school: Organization | None = None, scope: Organization | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if scope is not None:
            self.filters["sub_union"].queryset = scope.subtree().filter(kind=Organization.Kind.SUB_UNION)
        if school is not None:
            self.filters["department"].queryset = Department.objects.filter(school=school)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")
        # The <select>s rendered in Python, not a template per <option> (~20 ms per page before).
        inline_selects(self.form)

    def filter_sub_union(self, queryset, name, value):
        return queryset.filter(organization__path__startswith=value.path) if value else queryset
