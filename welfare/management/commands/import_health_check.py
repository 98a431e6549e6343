"""``manage.py import_health_check FILE --school CODE [--dry-run]``: the 体检名单 importer
(``welfare.importers.health_check``) on the command line; all-or-nothing, a re-import skips what exists."""

from members.models import ImportBatch
from union_portal.lib.importing import RecordImportCommand


class Command(RecordImportCommand):
    kind = ImportBatch.Kind.HEALTH_CHECK
