"""What the congress views share: showing a service's refusal as messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError


def fail(request, exc: Exception) -> None:
    """Show a refused transition (``TransitionError``, ``ValidationError``…) as Chinese error messages."""
    if isinstance(exc, ValidationError):
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.error(request, str(exc))
