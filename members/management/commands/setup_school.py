"""``manage.py setup_school --code CODE --name NAME [--parent DISTRICT_CODE] [--district]``: create a
school union (or, with ``--district``, a district union) on an empty or running install.

Idempotent: the same call twice changes nothing (the second says the union exists). A code already
used by another organisation, or a parent that is not a district union, is an error (exit status 1).
"""

from django.core.management.base import BaseCommand, CommandError

from members.models import Organization
from members.services import school_setup


class Command(BaseCommand):
    help = "Create a school union (or a district union); running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="union code: letters, digits and hyphens, e.g. S01")
        parser.add_argument("--name", required=True, help="full name, e.g. 某某中学工会")
        parser.add_argument("--parent", help="code of the district union above the school")
        parser.add_argument("--district", action="store_true", help="create a district union instead of a school")

    def handle(self, *args, code, name, parent, district, **options):
        parent_node = None
        if parent:
            parent_node = Organization.objects.filter(code=parent, kind=Organization.Kind.DISTRICT).first()
            if parent_node is None:
                raise CommandError(f"没有编码为 {parent} 的区教育工会")
        kind = Organization.Kind.DISTRICT if district else Organization.Kind.SCHOOL
        try:
            node, created = school_setup(code=code, name=name, parent=parent_node, kind=kind)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        verb = "已创建" if created else "已存在，未修改"
        self.stdout.write(self.style.SUCCESS(f"{node.get_kind_display()} {node.name}（{node.code}）{verb}。"))
