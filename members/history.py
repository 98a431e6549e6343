"""The 修改记录 panel: field-level history (django-simple-history) of a member and their family, for the chair.

Reads only. Sensitive values (ID and bank numbers) are masked (``members.services.mask_value``).
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Department, FamilyMember, Member, Organization
from .services import mask_value

HISTORY_LIMIT = 50
_TYPES = {"+": gettext_lazy("新建"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}
_SKIP = {"history_id", "history_date", "history_change_reason", "history_type", "history_user", "id"}


def _labels(model) -> dict[str, tuple[str, str, dict]]:
    """attname → (field name, verbose name, choice labels) for the model's concrete fields."""
    labels = {}
    for f in model._meta.concrete_fields:
        labels[f.attname] = (f.name, str(f.verbose_name), {k: str(v) for k, v in f.flatchoices} if f.choices else {})
    return labels


def _value(labels, names: dict, attname: str, value) -> str:
    field_name, _label, choices = labels[attname]
    if value in (None, ""):
        return _("（空）")
    if choices:
        return choices.get(value, str(value))
    if attname in ("organization_id", "department_id", "school_id"):
        return names.get((attname, value), str(value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return mask_value(field_name, value)


def _rows(records, model, what) -> list[dict]:
    """History rows of one object, oldest first → entries with the fields that changed since the previous row."""
    labels = _labels(model)
    tracked = [a for a in labels if a not in _SKIP and a in records[0].__dict__] if records else []
    ids = defaultdict(set)
    for r in records:
        for attname in ("organization_id", "department_id", "school_id"):
            if attname in tracked and getattr(r, attname):
                ids[attname].add(getattr(r, attname))
    names = {}
    for attname, pks in ids.items():
        related = Department if attname == "department_id" else Organization
        names.update({(attname, pk): name for pk, name in related.objects.filter(pk__in=pks).values_list("pk", "name")})
    entries, previous = [], None
    for r in records:
        changes = []
        if r.history_type == "~" and previous is not None:
            for attname in tracked:
                before, after = getattr(previous, attname), getattr(r, attname)
                if before != after:
                    changes.append(_("%(field)s：%(before)s → %(after)s") % {
                        "field": labels[attname][1], "before": _value(labels, names, attname, before),
                        "after": _value(labels, names, attname, after)})  # fmt: skip
            if not changes:
                previous = r
                continue
        entries.append({"at": r.history_date, "user": r.history_user, "action": _TYPES.get(r.history_type, ""),
                        "what": what(r), "changes": changes})  # fmt: skip
        previous = r
    return entries


def member_change_history(member: Member, *, limit: int = HISTORY_LIMIT) -> list[dict]:
    """Who changed what and when on ``member`` and their family members, newest first, at most ``limit`` rows.

    Each row: ``{"at": datetime, "user": User | None, "action": 新建/修改/删除, "what": "本人" or the relative,
    "changes": ["手机：138… → 139…", …]}`` (ID and bank numbers masked). A few queries, whatever the history size
    (the newest 200 history rows of each kind are read).
    """
    own = list(member.history.select_related("history_user").order_by("-history_date", "-history_id")[:200])
    entries = _rows(own[::-1], Member, lambda r: _("本人"))
    family = list(
        FamilyMember.history.filter(member_id=member.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:200]
    )
    by_relative = defaultdict(list)
    for r in reversed(family):
        by_relative[r.id].append(r)
    for records in by_relative.values():
        entries += _rows(records, FamilyMember, lambda r: _("直系亲属 %(name)s") % {"name": r.name})
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries[:limit]
