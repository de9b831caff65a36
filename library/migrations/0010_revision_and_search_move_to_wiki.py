"""Revision and SearchDocument now belong to the wiki core (wiki/migrations/0001_initial.py).

State only: the tables stay as they are, rows and all; the wiki app has taken them over.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0009_revisions_and_text_limits"),
        ("wiki", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Revision"),
                migrations.DeleteModel(name="SearchDocument"),
            ]
        )
    ]
