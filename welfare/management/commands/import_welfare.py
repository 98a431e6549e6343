"""``manage.py import_welfare FILE [--school CODE] [--dry-run]``: import a historical 慰问台账.

Exits with status 1 and prints every row error when the file has any; then
nothing is written. (The browser flow also records an ImportBatch; the command writes directly.)
"""

from union_portal.lib.importing import ImportCommand
from welfare.importer import welfare_import


class Command(ImportCommand):
    help = "Import a historical welfare ledger (.xlsx or .csv); all-or-nothing."

    def run_import(self, *, school, data, filename, dry_run):
        return welfare_import(school=school, data=data, filename=filename, dry_run=dry_run)

    def summary(self, result) -> str:
        return f"{len(result.rows)} 条慰问记录，合计 {result.total:.2f} 元。"
