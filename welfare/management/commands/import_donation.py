"""``manage.py import_donation FILE [--school CODE] [--dry-run]``: a past 捐款名单 / 献血名单
(``welfare.importers.donation``); all-or-nothing, a re-import skips existing donations."""

from members.models import ImportBatch
from union_portal.lib.importing import RecordImportCommand


class Command(RecordImportCommand):
    kind = ImportBatch.Kind.DONATION
