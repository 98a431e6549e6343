"""The project's shape, checked: thin views, a kernel outside ``members``, tools outside the product.

These read the source (AST and file layout); they need no database. Each one fails when the rule
it names is broken again, e.g. when a view calls ``Model.objects.create`` instead of a service.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("members", "welfare", "congress", "activities", "reports")
MAX_VIEW_LINES = 400
# Calls a view must leave to a service (writes) or a selector (aggregation).
FORBIDDEN_ATTRS = {"bulk_create", "aggregate", "annotate", "bulk_update"}


def view_modules() -> list[Path]:
    """Every views module of the apps and the project (``views.py`` or ``views/*.py``)."""
    found = [ROOT / "union_portal" / "views.py"]
    for app in APPS:
        found += [p for p in (ROOT / app).glob("views.py")]
        found += sorted((ROOT / app / "views").glob("*.py")) if (ROOT / app / "views").is_dir() else []
    return [p for p in found if p.exists()]


def forbidden_calls(source: str) -> list[str]:
    """``line: call`` for each ORM write or aggregate in ``source``: ``.objects.create(``,
    ``.objects.get_or_create(``, ``.objects.update_or_create(``, ``bulk_create``, ``bulk_update``,
    ``.aggregate(`` and ``.annotate(``."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        attr = node.func.attr
        target = node.func.value
        on_manager = isinstance(target, ast.Attribute) and target.attr == "objects"
        if attr in FORBIDDEN_ATTRS or (on_manager and attr in ("create", "get_or_create", "update_or_create")):
            problems.append(f"{node.lineno}: .{attr}(")
    return problems


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", view_modules(), ids=_rel)
def test_views_module_is_thin(path):
    """No views module over 400 lines, and no ORM write or aggregate in it (services and selectors do those)."""
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_VIEW_LINES, f"{_rel(path)} has {len(source.splitlines())} lines"
    assert forbidden_calls(source) == [], f"{_rel(path)} writes or aggregates in a view"


def test_the_checker_finds_a_write_put_back_into_a_view():
    """The rule above can fail: a create, an aggregate and an annotate in view code are each found."""
    source = (
        "def v(request):\n"
        "    Visit.objects.create(member=m)\n"
        "    qs.aggregate(total=Sum('x'))\n"
        "    rows = qs.annotate(n=Count('id'))\n"
        "    Visit.objects.filter(pk=1).first()\n"
    )
    assert forbidden_calls(source) == ["2: .create(", "3: .aggregate(", "4: .annotate("]


def test_members_holds_no_shared_kernel():
    """The spreadsheet reader, table renderer, widgets, PDF check and audit API live in ``union_portal/lib``."""
    for name in ("tabular.py", "tables.py", "widgets.py", "checks.py", "hooks.py", "audit.py", "rendering.py"):
        assert not (ROOT / "members" / name).exists(), f"members/{name} belongs in union_portal/lib"
    assert not (ROOT / "reports" / "rendering.py").exists()
    for name in ("tabular.py", "tables.py", "widgets.py", "checks.py", "registry.py", "audit.py", "pdf.py"):
        assert (ROOT / "union_portal" / "lib" / name).exists()


def test_config_package_holds_no_tooling_and_product_imports_no_demo():
    """Bench, stress and harness live in ``scripts/``; no product module imports the demo builders."""
    for name in ("bench.py", "stress.py", "harness.py"):
        assert not (ROOT / "union_portal" / name).exists()
        assert (ROOT / "scripts" / name).exists()
    offenders = []
    for app in (*APPS, "union_portal"):
        for path in (ROOT / app).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if "tests" in rel.parts or rel.parts[-1] == "load_demo.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                module = getattr(node, "module", None) if isinstance(node, ast.ImportFrom) else None
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if any(m and (m == "scripts" or m.startswith("scripts.")) for m in (module, *names)):
                    offenders.append(str(rel))
    assert offenders == []


def test_reports_finds_sources_through_the_registry_not_by_name():
    """``reports`` imports no other app by string (no ``import_module``) and names no source app."""
    for path in (ROOT / "reports").rglob("*.py"):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or "migrations" in rel.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert "import_module" not in text, f"{rel} finds modules by string"
