from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_required
@require_GET
def index(request):
    """Landing page of the 教代会 area."""
    return render(request, "congress/index.html")
