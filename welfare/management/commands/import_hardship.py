"""``manage.py import_hardship FILE --school CODE [--dry-run]``: the 困难职工帮扶名单 importer
(``welfare.importers.hardship``) on the command line; all-or-nothing, a re-import skips what exists."""

from members.models import ImportBatch
from union_portal.lib.importing import RecordImportCommand


class Command(RecordImportCommand):
    kind = ImportBatch.Kind.HARDSHIP
