"""``manage.py import_award FILE --school CODE [--dry-run]``: a past 获奖名单 (``activities.importers.award``)."""

from members.models import ImportBatch
from union_portal.lib.importing import RecordImportCommand


class Command(RecordImportCommand):
    kind = ImportBatch.Kind.AWARD
