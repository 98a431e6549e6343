"""Pinyin keys for searching Chinese names (``zs`` or ``zhangsan`` finds 张三)."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def pinyin_fields(name: str) -> tuple[str, str]:
    """Return ``(full_pinyin, initials)`` in lower case without spaces.

    Non-Chinese characters pass through lower-cased, e.g. ``"李Anna"`` → ``("lianna", "lanna")``.
    Polyphonic characters take pypinyin's most common reading.
    """
    clean = "".join((name or "").split())
    full = "".join(lazy_pinyin(clean)).lower()
    initials = "".join(lazy_pinyin(clean, style=Style.FIRST_LETTER)).lower()
    return full[:200], initials[:50]
