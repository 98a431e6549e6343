"""``manage.py import_welfare FILE [--school CODE] [--dry-run]``: import a historical 慰问台账.

Exits with status 1 and prints every row error when the file has any; then
nothing is written. Like the browser flow, the file is kept as an ImportBatch (without an uploader), so
the visits it writes say where they came from; rows already in the ledger (natural key: member, occasion,
date, money, gift value) are skipped.
"""

from union_portal.lib.importing import ImportCommand
from union_portal.lib.record_imports import run_file


class Command(ImportCommand):
    help = "Import a historical welfare ledger (.xlsx or .csv); all-or-nothing."

    def run_import(self, *, school, data, filename, dry_run):
        from welfare.views.imports import LEDGER

        return run_file(LEDGER, school=school, data=data, filename=filename, dry_run=dry_run)

    def summary(self, result) -> str:
        skipped = f"（其中 {result.skipped} 条已存在，跳过）" if result.skipped else ""
        return f"{len(result.rows)} 条慰问记录{skipped}，合计 {result.total:.2f} 元。"
