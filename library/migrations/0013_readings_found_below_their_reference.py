"""A reading's search document carries the title it names in its body, not its title: a search
for a title ranks the reference above the many readings of it (library/tracked.py)."""

from django.db import migrations
from django.db.models import F, TextField, Value
from django.db.models.functions import Concat


def titles_into_bodies(apps, schema_editor):
    SearchDocument = apps.get_model("wiki", "SearchDocument")
    SearchDocument.objects.filter(doc_type="log").exclude(title="").update(
        body=Concat(F("title"), Value("\n"), F("body"), output_field=TextField()), title=""
    )


class Migration(migrations.Migration):
    dependencies = [("library", "0012_one_tag_per_name"), ("wiki", "0001_initial")]

    operations = [migrations.RunPython(titles_into_bodies, migrations.RunPython.noop)]
