"""The shared routes of every record importer (``union_portal.lib.record_imports``), namespace ``imports``."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import imports
from .record_imports import catalogue, importer_for

app_name = "imports"


@login_required
@require_GET
def index(request):
    """Every import the school can run (roster, ledger and each record list), with templates and the last
    file of each kind; for the school's chair and committee (403 otherwise)."""
    from members.access import import_school

    school = import_school(request.user)
    if school is None:
        raise PermissionDenied("只有学校工会主席和工会委员可以导入数据。")
    return render(request, "imports/index.html", {"school": school, "rows": catalogue(school)})


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, kind: str):
    """GET: the upload page of ``kind``; POST: keep the file as a batch and go to its preview (404 unknown kind)."""
    return imports.upload(request, importer_for(kind))


@login_required
@require_GET
def preview(request, kind: str, pk: int):
    """Every problem by row and column, or what confirming will write."""
    return imports.preview(request, importer_for(kind), pk)


@login_required
@require_POST
def confirm(request, kind: str, pk: int):
    """Write a clean, previewed file in one transaction; a file with errors writes nothing."""
    return imports.confirm(request, importer_for(kind), pk)


@login_required
@require_GET
def template(request, kind: str):
    """The blank .xlsx template of ``kind`` (standard headers, one example row)."""
    return imports.template(request, importer_for(kind))


urlpatterns = [
    path("", index, name="index"),
    path("<slug:kind>/", upload, name="upload"),
    path("<slug:kind>/template/", template, name="template"),
    path("<slug:kind>/<int:pk>/", preview, name="preview"),
    path("<slug:kind>/<int:pk>/confirm/", confirm, name="confirm"),
]
