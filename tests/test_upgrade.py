"""A database from before the core app upgrades with `migrate` and keeps every revision and document.

The test takes the database back to the last migration before the move (Revision and
SearchDocument still the library's), writes rows through those historical models, migrates
forward, and reads them through the wiki's models: same rows, same search results.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from wiki import search
from wiki.models import Revision, SearchDocument

BEFORE_THE_MOVE = [("library", "0009_revisions_and_text_limits"), ("wiki", None)]


@pytest.mark.django_db(transaction=True)
def test_migrating_from_before_the_core_keeps_revisions_and_search_rows():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE_THE_MOVE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE_THE_MOVE[0]).apps
    assert old.get_model("library", "Revision")._meta.db_table == "library_revision"

    ContentType = old.get_model("contenttypes", "ContentType")
    Reference = old.get_model("library", "Reference")
    reference_type, _ = ContentType.objects.get_or_create(app_label="library", model="reference")
    OldRevision = old.get_model("library", "Revision")
    OldDocument = old.get_model("library", "SearchDocument")
    reference = Reference.objects.create(title="Attention Is All You Need", title_key="attention")
    revisions = [
        OldRevision.objects.create(
            content_type=reference_type,
            object_id=reference.pk,
            action=action,
            title=reference.title,
            data={"n": n},
        ).pk
        for n, action in enumerate(["created", "edited", "restored"])
    ]
    OldDocument.objects.create(
        kind="reference",
        object_id=reference.pk,
        title="Attention Is All You Need",
        body="The transformer paper",
        heading="Attention Is All You Need",
        url=f"/library/{reference.pk}/",
        stamp="2024-09-25T12:00:00Z",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(latest)

    assert list(Revision.objects.order_by("pk").values_list("pk", "action", "data")) == [
        (revisions[0], "created", {"n": 0}),
        (revisions[1], "edited", {"n": 1}),
        (revisions[2], "restored", {"n": 2}),
    ]
    document = SearchDocument.objects.get()
    assert (document.doc_type, document.object_id) == ("reference", reference.pk)
    hits, _ = search.search("transformer")
    assert [hit.document.pk for hit in hits] == [document.pk], "the full-text index came along too"
