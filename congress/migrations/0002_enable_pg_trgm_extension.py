"""Enable PostgreSQL's pg_trgm for the similar-proposal check (TrigramSimilarity).

``TrigramExtension`` is a no-op on SQLite, where ``congress.similarity`` uses a
character-bigram Jaccard fallback instead. Reversing drops the extension only if
no other object depends on it.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0001_congress_proposals_votes"),
    ]

    operations = [
        TrigramExtension(),
    ]
