"""我的: a member's own page. They correct their contact details and family members (each change audited
field by field) and see their own welfare, activity, proposal and honour records (the registry timeline).

ID and bank numbers are not self-service: the union checks them against documents (ask the chair).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from union_portal.lib import registry

from ..access import member_of
from ..forms import ContactForm, FamilyMemberForm
from ..models import FamilyMember, Member
from ..services import family_member_add, family_member_remove, family_member_update, member_contact_update


def _me(request) -> Member:
    """The signed-in user's own member record, or 404 (a login without one has no 我的 page)."""
    me = member_of(request.user)
    if me is None:
        raise Http404("您的账号没有关联教职工记录。")
    return Member.objects.select_related("organization__parent", "school", "department", "user").get(pk=me.pk)


def _relative(me: Member, pk: int) -> FamilyMember:
    """One of the member's own family members, or 404 (nobody else's)."""
    relative = FamilyMember.objects.filter(member=me, pk=pk).select_related("member__school").first()
    if relative is None:
        raise Http404("没有找到该直系亲属。")
    return relative


def _initial(me: Member) -> dict:
    return {"phone": me.phone, "address": me.address, "email": me.user.email if me.user_id else ""}


def _page(request, me: Member, contact_form=None, family_form=None, status: int = 200):
    family = list(me.family.all())
    return render(
        request,
        "members/me.html",
        {
            "me": me,
            "contact_form": contact_form or ContactForm(initial=_initial(me)),
            "family": [(f, FamilyMemberForm(instance=f, prefix=f"f{f.pk}")) for f in family],
            "family_form": family_form or FamilyMemberForm(prefix="new"),
            "timeline": registry.member_timeline(request, me),
            "transfers": list(me.transfers.select_related("from_school", "to_school")),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def me(request):
    """我的: GET shows the page; POST saves the contact details (手机, 电子邮箱, 住址).

    A login without a member record (a district officer, the superuser) gets a page that says so.
    """
    if request.method == "GET" and member_of(request.user) is None:
        return render(request, "members/me.html", {"me": None})
    member = _me(request)
    if request.method == "GET":
        return _page(request, member)
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _page(request, member, contact_form=form, status=200)
    changes = member_contact_update(member=member, acting_user=request.user, request=request, **form.cleaned_data)
    if changes:
        messages.success(request, _("已保存：%(changes)s") % {"changes": "；".join(changes)})
    else:
        messages.info(request, _("没有需要保存的修改。"))
    return redirect("members:me")


@login_required
@require_POST
def me_family_add(request):
    """Add one of one's own immediate family members."""
    member = _me(request)
    form = FamilyMemberForm(request.POST, prefix="new")
    if not form.is_valid():
        return _page(request, member, family_form=form)
    relative = family_member_add(
        member=member, relative=form.save(commit=False), acting_user=request.user, request=request
    )
    messages.success(request, _("已添加直系亲属 %(name)s。") % {"name": relative.name})
    return redirect("members:me")


@login_required
@require_POST
def me_family_edit(request, pk: int):
    """Correct one of one's own family members (audited field by field)."""
    member = _me(request)
    relative = _relative(member, pk)
    form = FamilyMemberForm(request.POST, instance=relative, prefix=f"f{relative.pk}")
    if not form.is_valid():
        messages.error(
            request,
            _("直系亲属信息有误：%(errors)s") % {"errors": "；".join(e for errs in form.errors.values() for e in errs)},
        )
        return _page(request, member)
    family_member_update(relative=form.save(commit=False), acting_user=request.user, request=request)
    messages.success(request, _("已保存直系亲属 %(name)s 的信息。") % {"name": relative.name})
    return redirect("members:me")


@login_required
@require_POST
def me_family_remove(request, pk: int):
    """Remove one of one's own family members (refused while welfare records name them)."""
    member = _me(request)
    relative = _relative(member, pk)
    name = relative.name
    try:
        family_member_remove(relative=relative, acting_user=request.user, request=request)
    except ProtectedError:
        messages.error(request, _("%(name)s 已有慰问等记录，不能删除；如有错误请联系工会。") % {"name": name})
    else:
        messages.success(request, _("已删除直系亲属 %(name)s。") % {"name": name})
    return redirect("members:me")
