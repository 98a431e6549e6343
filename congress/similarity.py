"""Similar-proposal check: proposals of this and past sessions whose subject (案由) resembles a title.

On PostgreSQL the score is ``pg_trgm``'s ``similarity()`` (``TrigramSimilarity``;
the extension is created by migration 0002). pg_trgm ignores non-alphanumeric
characters and works on the database's character classes, so Chinese titles
are compared as words of CJK characters.

On SQLite (the embedded development setup) the fallback is documented here: the
score is the Jaccard index of the two titles' sets of character bigrams
(adjacent pairs of characters, after removing whitespace and punctuation):
``|A ∩ B| / |A ∪ B|``, from 0 (nothing in common) to 1 (same bigrams). A title
of one character counts that character as its only "bigram". It runs in Python
over the school's proposals, which is fine for the hundreds a school has.
Both back ends return the same shape: proposals with a ``similarity`` float,
best first, above ``threshold``.
"""

from __future__ import annotations

import unicodedata

from django.db import connection

from .models import Proposal, ProposalStatus

DEFAULT_THRESHOLD = 0.15
DEFAULT_LIMIT = 8


def _clean(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN").lower()


def bigrams(text: str) -> set[str]:
    """The set of adjacent character pairs of ``text`` with punctuation and spaces removed."""
    s = _clean(text)
    if len(s) < 2:
        return {s} if s else set()
    return {s[i : i + 2] for i in range(len(s) - 1)}


def jaccard(a: str, b: str) -> float:
    """Jaccard index of the character-bigram sets of ``a`` and ``b`` (0.0 when either is empty)."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def similar_proposals(
    title: str,
    *,
    school,
    exclude_pk: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
) -> list[Proposal]:
    """Proposals of ``school`` (all sessions, drafts excluded) most similar to ``title``, best first.

    Each returned proposal carries ``similarity`` (0–1). One query on either back end.
    """
    qs = (
        Proposal.objects.filter(session__congress__school=school)
        .exclude(status=ProposalStatus.DRAFT)
        .select_related("session__congress")
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if not _clean(title):
        return []
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        return list(
            qs.annotate(similarity=TrigramSimilarity("title", title))
            .filter(similarity__gt=threshold)
            .order_by("-similarity", "-pk")[:limit]
        )
    scored = []
    for p in qs.only("pk", "title", "number", "status", "session__number", "session__date", "session__congress"):
        score = jaccard(title, p.title)
        if score > threshold:
            p.similarity = score
            scored.append(p)
    scored.sort(key=lambda p: (-p.similarity, -p.pk))
    return scored[:limit]
