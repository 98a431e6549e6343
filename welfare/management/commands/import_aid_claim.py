from union_portal.lib.importing import RecordImportCommand


class Command(RecordImportCommand):
    """``manage.py import_aid_claim FILE --school CODE [--dry-run]`` (see ``welfare/importers/aid_claim.py``)."""

    kind = "aid_claim"
