"""WelfareVisit.school: the member's school, denormalised, with a (school, visited_on, id) index.

The ledger then reads one school's visits in a period newest-first straight from
the index, instead of joining members and organisations for every visit.
"""

import django.db.models.deletion
from django.db import migrations, models

FILL = (
    "UPDATE welfare_welfarevisit SET school_id = "
    "(SELECT school_id FROM members_member WHERE members_member.id = welfare_welfarevisit.member_id)"
)


class Migration(migrations.Migration):
    # The fill queues deferred FK checks; PostgreSQL refuses ALTER TABLE with pending trigger events
    # inside the same transaction, so each step commits on its own.
    atomic = False

    dependencies = [
        ("members", "0002_add_consent_records"),
        ("welfare", "0002_default_occasions_and_anhui_caps"),
    ]

    operations = [
        migrations.AddField(
            model_name="welfarevisit",
            name="school",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="members.organization",
                verbose_name="学校",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="welfarevisit",
            name="school",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="members.organization",
                verbose_name="学校",
            ),
        ),
        migrations.AddIndex(
            model_name="welfarevisit",
            index=models.Index(fields=["school", "visited_on", "id"], name="welfare_visit_school_date"),
        ),
    ]
