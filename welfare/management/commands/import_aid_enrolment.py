from union_portal.lib.importing import RecordImportCommand


class Command(RecordImportCommand):
    """``manage.py import_aid_enrolment FILE --school CODE [--dry-run]`` (see ``welfare/importers/aid_enrolment.py``)."""

    kind = "aid_enrolment"
