"""System checks: warn when no CJK font is installed (PDFs would show empty boxes)."""

from __future__ import annotations

import shutil
import subprocess

from django.core.checks import Warning, register


def cjk_font_families() -> list[str]:
    """Font families with Simplified Chinese coverage, from fontconfig; [] if fc-list is missing."""
    if not shutil.which("fc-list"):
        return []
    try:
        out = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({f.strip() for line in out.splitlines() for f in line.split(",") if f.strip()})


@register()
def check_cjk_fonts(app_configs, **kwargs):
    if cjk_font_families():
        return []
    return [
        Warning(
            "No Chinese (CJK) font found: PDF reports would show empty boxes.",
            hint="Install Debian's fonts-noto-cjk and fonts-arphic-ukai (make deps does it when run as root).",
            id="union_portal.W001",
        )
    ]
