"""Readings per member and day, per day, and uses per tag, kept by the database's triggers
(library/counts.py), filled from the rows already there."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from library import counts


def forward(apps, schema_editor):
    counts.create(schema_editor.connection.vendor, schema_editor.execute)
    counts.backfill(schema_editor.execute)


def backward(apps, schema_editor):
    counts.drop(schema_editor.connection.vendor, schema_editor.execute)


class Migration(migrations.Migration):

    dependencies = [
        ('library', '0019_search_short_pending_lists'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='TagUses',
            fields=[
                ('tag', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='taggit.tag')),
                ('uses', models.IntegerField()),
            ],
            options={
                'verbose_name_plural': 'tag uses',
            },
        ),
        migrations.CreateModel(
            name='TeamReadingDay',
            fields=[
                ('day', models.DateField(primary_key=True, serialize=False)),
                ('readings', models.IntegerField()),
            ],
        ),
        migrations.CreateModel(
            name='ReadingDay',
            fields=[
                ('pk', models.CompositePrimaryKey('reader', 'day', blank=True, editable=False, primary_key=True, serialize=False)),
                ('day', models.DateField()),
                ('readings', models.IntegerField()),
                ('reader', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.RunPython(forward, backward),
    ]
