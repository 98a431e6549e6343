"""``manage.py import_festival FILE --school CODE [--dry-run]``: a past 节日慰问品发放签领表
(``welfare.importers.festival``); all-or-nothing, a re-import skips what is already there."""

from members.models import ImportBatch
from union_portal.lib.importing import RecordImportCommand


class Command(RecordImportCommand):
    kind = ImportBatch.Kind.FESTIVAL
