"""``manage.py import_members FILE [--school CODE] [--dry-run]``: import a roster from .xlsx or .csv.

Exits with status 1 and prints every row error when the file has any; then
nothing is written.
"""

from members.services import roster_import
from union_portal.lib.importing import ImportCommand


class Command(ImportCommand):
    help = "Import a staff roster (.xlsx or .csv); all-or-nothing, matched by 工号."

    def run_import(self, *, school, data, filename, dry_run):
        return roster_import(school=school, data=data, filename=filename, acting_user=None, dry_run=dry_run)

    def summary(self, result) -> str:
        return f"新增 {result.created} 人，更新 {result.updated} 人。"
