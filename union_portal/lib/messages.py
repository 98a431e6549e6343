"""Stored messages: a stable code and its parameters are kept, the sentence is made when shown.

A sentence the portal writes into a row (an audit summary, a proposal history note) used to be stored
as Chinese text, so an English page showed Chinese. Now the writer stores a *code* and JSON *params*;
the page renders ``gettext(template) % params`` in the reader's language. The Chinese sentence is still
stored beside them (the ``summary``/``note`` column) for old rows, exports, the admin and as the fallback
when a code is unknown (renamed, or its module not loaded).

Declaring a message (at import time of the module that writes it)::

    VISIT_RECORDED = message("welfare.visit_recorded", gettext_noop("登记慰问 %(member)s（%(occasion)s）"))

and writing it: ``audit(..., summary=VISIT_RECORDED.bind(member=m.name, occasion=o.name))``.

Parameters are data (names, titles, numbers, dates as ``YYYY-MM-DD`` text) shown as they are, except
keys ending in ``_t``: those hold a Chinese msgid (e.g. a choice label) and are translated too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import translation

SITE_LANGUAGE = "zh-hans"  # the msgids are Chinese: rendering under it gives the stored Chinese text
_TEMPLATES: dict[str, str] = {}


@dataclass(frozen=True)
class Message:
    """A declared message: ``code`` (stable, e.g. ``congress.accepted``) and its Chinese ``template``."""

    code: str
    template: str

    def bind(self, **params: Any) -> BoundMessage:
        """This message with its parameters (JSON-serialisable: str, int, Decimal/date become str)."""
        return BoundMessage(self.code, {k: _plain(v) for k, v in params.items()})


@dataclass(frozen=True)
class BoundMessage:
    """A code with parameters, ready to store: ``code``, ``params`` and ``chinese`` (the fallback text)."""

    code: str
    params: dict = field(default_factory=dict)

    @property
    def chinese(self) -> str:
        with translation.override(SITE_LANGUAGE):
            return render(self.code, self.params, fallback="")

    def __str__(self) -> str:
        return render(self.code, self.params, fallback="")


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def message(code: str, template: str) -> Message:
    """Declare ``code`` with its Chinese ``template`` (a msgid marked with ``gettext_noop``).

    Raises ``ValueError`` if ``code`` is already declared with another template (codes are stable
    identifiers: a changed sentence keeps its code, a new meaning gets a new code).
    """
    known = _TEMPLATES.get(code)
    if known is not None and known != template:
        raise ValueError(f"message code {code!r} is already declared with another text")
    _TEMPLATES[code] = template
    return Message(code, template)


def render(code: str, params: dict | None, *, fallback: str) -> str:
    """The message ``code`` in the active language with ``params``; ``fallback`` when it cannot be made.

    Without a code the fallback itself is passed through ``gettext`` (fixed sentences such as
    "登录成功" stored before codes existed are msgids too). Never raises.
    """
    template = _TEMPLATES.get(code) if code else None
    if template is None:
        return translation.gettext(fallback) if fallback else fallback
    values = {k: (translation.gettext(v) if k.endswith("_t") and isinstance(v, str) and v else v)
              for k, v in (params or {}).items()}
    try:
        return translation.gettext(template) % values
    except (KeyError, ValueError, TypeError):
        return fallback


def source_text(text) -> str:
    """The Chinese msgid of a (lazy) translatable text, e.g. a choice label: store it under a ``_t`` key."""
    with translation.override(SITE_LANGUAGE):
        return str(text)


def split(summary: str | BoundMessage) -> tuple[str, str, dict]:
    """``(chinese_text, code, params)`` for storing ``summary`` (plain text has no code)."""
    if isinstance(summary, BoundMessage):
        return summary.chinese, summary.code, summary.params
    return str(summary), "", {}
