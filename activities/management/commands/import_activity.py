"""``manage.py import_activity FILE --school CODE [--dry-run]``: see ``activities.importers.activity``."""

from members.models import ImportBatch
from union_portal.lib.importing import RecordImportCommand


class Command(RecordImportCommand):
    kind = ImportBatch.Kind.ACTIVITY
