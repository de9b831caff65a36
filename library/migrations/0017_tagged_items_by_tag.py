"""An index on taggit's rows by tag, type and object: a tag's objects (a list filtered by a tag,
its count, a tag page) are read from the index alone. taggit's own indexes start with the
type and object, or hold the tag alone, so each match cost a row lookup."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("library", "0016_bibtex_stored_with_each_reference"), ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS library_tagged_by_tag ON taggit_taggeditem (tag_id, content_type_id, object_id)",
            "DROP INDEX IF EXISTS library_tagged_by_tag",
        )
    ]
