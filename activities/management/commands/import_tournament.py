"""``manage.py import_tournament FILE --school CODE [--dry-run]``: see ``activities.importers.tournament``."""

from members.models import ImportBatch
from union_portal.lib.importing import RecordImportCommand


class Command(RecordImportCommand):
    kind = ImportBatch.Kind.TOURNAMENT
