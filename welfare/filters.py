"""django-filter set of the welfare ledger (慰问台账)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Organization
from union_portal.lib.widgets import inline_selects

from .forms import DateInput
from .models import FundingSource, VisitOccasion, WelfareVisit


class VisitFilter(django_filters.FilterSet):
    start = django_filters.DateFilter(
        field_name="visited_on", lookup_expr="gte", label=_("起始日期"), widget=DateInput()
    )
    end = django_filters.DateFilter(field_name="visited_on", lookup_expr="lte", label=_("截止日期"), widget=DateInput())
    occasion = django_filters.ModelChoiceFilter(
        label=_("慰问事由"), queryset=VisitOccasion.objects.none(), empty_label=_("全部事由")
    )
    sub_union = django_filters.ModelChoiceFilter(
        label=_("分工会"), queryset=Organization.objects.none(), method="filter_sub_union", empty_label=_("全部分工会")
    )
    funding_source = django_filters.ChoiceFilter(
        label=_("经费来源"), choices=FundingSource.choices, empty_label=_("全部来源")
    )
    member = django_filters.CharFilter(label=_("教职工"), method="filter_member")
    # Report figures link here with ?org=<organisation code>&start=&end= (traceability); a hidden parameter.
    org = django_filters.CharFilter(method="filter_org", widget=forms.HiddenInput)

    class Meta:
        model = WelfareVisit
        fields = ["start", "end", "occasion", "sub_union", "funding_source", "member", "org"]

    def __init__(self, *args, scope: Organization | None = None, occasions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.org_node = None
        if scope is not None:
            self.filters["sub_union"].queryset = scope.subtree().filter(kind=Organization.Kind.SUB_UNION)
        if occasions is not None:
            self.filters["occasion"].queryset = occasions
        for name, f in self.form.fields.items():
            f.widget.attrs.setdefault(
                "class", "form-select" if name in ("occasion", "sub_union", "funding_source") else "form-control"
            )
        self.form.fields["member"].widget.attrs["placeholder"] = _("姓名或工号")
        inline_selects(self.form, ("occasion", "sub_union", "funding_source"))  # not a template per <option>

    def filter_org(self, queryset, name, value):
        """Visits about members of that organisation's subtree (the rows stay within the user's own scope)."""
        node = self.org_node = Organization.objects.filter(code=(value or "").strip()[:32]).first()
        if node is None:
            return queryset.none()
        if node.kind == Organization.Kind.DISTRICT:
            return queryset.filter(school__path__startswith=node.path)
        if node.kind == Organization.Kind.SCHOOL:
            return queryset.filter(school_id=node.pk)
        return queryset.filter(member__organization__path__startswith=node.path)

    def filter_sub_union(self, queryset, name, value):
        return queryset.filter(member__organization__path__startswith=value.path) if value else queryset

    def filter_member(self, queryset, name, value):
        value = "".join((value or "").split())[:30]
        if not value:
            return queryset
        return queryset.filter(Q(member__name__icontains=value) | Q(member__staff_no=value))
