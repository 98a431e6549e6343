"""``manage.py import_honour FILE --school CODE [--dry-run]``: a past 荣誉名单 (``activities.importers.honour``)."""

from members.models import ImportBatch
from union_portal.lib.importing import RecordImportCommand


class Command(RecordImportCommand):
    kind = ImportBatch.Kind.HONOUR
