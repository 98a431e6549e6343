"""``manage.py import_members FILE [--school CODE] [--create-units] [--dry-run]``: import a roster
from .xlsx or .csv.

Exits with status 1 and prints every row error when the file has any; then nothing is written.
``--create-units`` creates the sub-unions and groups (分工会, 工会小组) the file names that do not
exist yet (without it they are errors). A re-import keeps every stored value the file leaves blank
or has no column for (see ``members.roster``).
"""

from members.services import roster_import
from union_portal.lib.importing import ImportCommand


class Command(ImportCommand):
    help = "Import a staff roster (.xlsx or .csv); all-or-nothing, matched by 工号."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--create-units", action="store_true", help="create the sub-unions and groups the file names"
        )

    def handle(self, *args, create_units=False, **options):
        self.create_units = create_units
        return super().handle(*args, **options)

    def run_import(self, *, school, data, filename, dry_run):
        return roster_import(
            school=school,
            data=data,
            filename=filename,
            acting_user=None,
            dry_run=dry_run,
            create_units=getattr(self, "create_units", False),
        )

    def summary(self, result) -> str:
        units = (
            f"新建分工会/小组 {len(result.new_units)} 个：{'、'.join(result.new_units)}；" if result.new_units else ""
        )
        missing = f"名册中有 {len(result.missing)} 人不在文件里（保留未删除）。" if result.missing else ""
        return f"{units}新增 {result.created} 人，更新 {result.updated} 人，未变 {result.unchanged} 人。{missing}"
