"""``manage.py import_proposal FILE --school CODE [--dry-run]``: a past 提案汇总表 (congress.importers.proposal)."""

from members.models import ImportBatch
from union_portal.lib.importing import RecordImportCommand


class Command(RecordImportCommand):
    kind = ImportBatch.Kind.PROPOSAL

    def summary(self, result) -> str:
        """What was (or would be) written, then the co-signers skipped (not on the roll, or namesakes)."""
        warnings = getattr(result, "warnings", [])
        return super().summary(result) + "".join(f"\n提示：{w}" for w in warnings)
