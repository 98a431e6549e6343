"""``manage.py import_proposal FILE --school CODE [--dry-run]``: a past 提案汇总表 (congress.importers.proposal)."""

from members.models import ImportBatch
from union_portal.lib.importing import RecordImportCommand


class Command(RecordImportCommand):
    kind = ImportBatch.Kind.PROPOSAL
