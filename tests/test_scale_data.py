import datetime
import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from taggit.models import Tag, TaggedItem

from benchmarks.scale import SYNTHETIC_IDENTITY
from ideas.models import Comment, Idea, StatusChange
from library.bibtex import derived
from library.identity import identity_key, normalize_title
from library.models import Kind, LogEntry, Reference
from wiki import search
from wiki.models import SearchDocument
from wiki.rendering import render_markdown

pytestmark = pytest.mark.django_db

N = 300


def run_scale(n=N):
    out = StringIO()
    call_command("demo_data", scale=n, stdout=out)
    return out.getvalue()


def counts():
    return (
        Reference.objects.count(),
        LogEntry.objects.count(),
        Idea.objects.count(),
        Comment.objects.count(),
        TaggedItem.objects.count(),
        StatusChange.objects.count(),
        get_user_model().objects.count(),
    )


def synthetic():
    return Reference.objects.filter(identity__regex=SYNTHETIC_IDENTITY)


def test_scale_builds_the_shape_asked_for():
    """One build checked from every side (each build costs most of a second)."""
    output = run_scale()

    assert "references" in output and "index" in output
    assert synthetic().count() == Reference.objects.count() == N
    assert LogEntry.objects.count() == 3 * N
    assert Idea.objects.count() == N // 100
    assert Comment.objects.count() == N // 2
    members = get_user_model().objects.filter(username__startswith="member")
    assert members.count() == 50
    assert authenticate(username="member01", password="idl-demo-2026").is_staff
    assert not authenticate(username="member50", password="idl-demo-2026").is_staff
    assert set(Reference.objects.values_list("kind", flat=True)) == set(Kind.values)
    check_references()
    check_log_entries()
    check_ideas_and_comments()
    check_tags()
    check_markdown()
    if hasattr(search, "rebuild_index"):
        assert SearchDocument.objects.filter(doc_type="reference").count() == N


def check_references():
    rows = list(Reference.objects.values("url", "identity", "title", "title_key", "published", "created"))
    identities = [row["identity"] for row in rows]
    assert len(set(identities)) == len(identities)
    for row in rows:
        assert row["identity"] == identity_key(row["url"])
        assert row["title_key"] == normalize_title(row["title"])
        assert datetime.date(2014, 1, 1) <= row["published"] <= datetime.date.today()
    for reference in Reference.objects.all()[:50]:  # stored as a save would derive it
        assert (reference.bibtex_key, reference.bibtex) == derived(reference)
    arxiv = [i for i in identities if i.startswith("arxiv:")]
    assert len(arxiv) > N // 2
    # Month 90–99: never a real arXiv id, so never one of the small demo's.
    assert all(re.fullmatch(r"arxiv:\d\d9\d\.\d{5}", i) for i in arxiv)
    created = [row["created"] for row in rows]
    assert max(created) - min(created) > datetime.timedelta(days=365)


def check_log_entries():
    keys = list(LogEntry.objects.values_list("reader", "reference", "read_on", "logged_title"))
    assert len(set(keys)) == len(keys)
    today = datetime.date.today()
    read_on = [key[2] for key in keys]
    assert min(read_on) >= today - datetime.timedelta(days=3 * 365 + 1) and max(read_on) <= today
    assert LogEntry.objects.exclude(logged_title="").exists()
    assert len(set(LogEntry.objects.values_list("reader", flat=True))) == 50


def check_ideas_and_comments():
    # Comments pile up on one idea; every idea cites 1–8 references and has its status history.
    busiest = Comment.objects.values("idea").annotate(n=Count("pk")).order_by("-n").first()
    assert busiest["n"] >= N // 2 // 3
    cited = Idea.objects.annotate(n=Count("reference_links")).values_list("n", flat=True)
    assert all(1 <= n <= 8 for n in cited)
    for idea in Idea.objects.all():
        history = list(idea.status_changes.order_by("changed_at", "id"))
        assert history[0].old_status == "" and history[-1].new_status == idea.status
        assert history[0].changed_at == idea.created
    assert Idea.members.through.objects.exists()
    assert Comment.objects.filter(created__lt=F("idea__created")).count() == 0
    for idea in Idea.objects.all():
        visible = idea.comments.filter(is_hidden=False).order_by("-created").first()
        assert idea.last_activity == max(idea.updated, visible.created if visible else idea.updated)


def check_tags():
    assert Tag.objects.count() == 500
    for model in (Reference, LogEntry, Idea):
        content_type = ContentType.objects.get_for_model(model)
        assert TaggedItem.objects.filter(content_type=content_type).exists()
    assert not Reference.objects.filter(tags__isnull=True).exists()
    uses = list(
        TaggedItem.objects.values("tag").annotate(n=Count("pk")).order_by("-n").values_list("n", flat=True)
    )
    assert uses[0] >= 10 * uses[len(uses) // 2]  # Zipf-like: a few tags are everywhere


def check_markdown():
    """Texts are built from blocks rendered once; the HTML must be what saving would store."""
    texts = [
        *Reference.objects.values_list("summary", "summary_html")[:200],
        *LogEntry.objects.values_list("notes", "notes_html")[:200],
        *Idea.objects.values_list("body", "body_html"),
        *Comment.objects.values_list("body", "body_html")[:50],
    ]
    assert sum(1 for text, _ in texts if text) > 300
    for text, html in texts:
        assert html == render_markdown(text)
    all_html = "".join(html for _, html in texts)
    for mark in ("<math", "<a href", "<ul>", "<ol>", "<strong>", "<em>"):
        assert mark in all_html


def test_scale_twice_reuses_and_a_larger_scale_adds_the_rest():
    run_scale()
    before = counts()

    output = run_scale()

    assert "Reusing" in output
    assert counts() == before

    run_scale(N + 100)
    assert synthetic().count() == N + 100
    assert LogEntry.objects.count() == 3 * (N + 100)
    assert get_user_model().objects.filter(username__startswith="member").count() == 50


def test_scale_on_top_of_the_small_demo():
    call_command("demo_data", stdout=StringIO())
    demo = Reference.objects.count()
    demo_entries = LogEntry.objects.count()

    run_scale()

    assert Reference.objects.count() == demo + N
    assert synthetic().count() == N
    assert LogEntry.objects.count() == demo_entries + 3 * N
    identities = list(Reference.objects.exclude(identity="").values_list("identity", flat=True))
    assert len(set(identities)) == len(identities)
    assert Reference.objects.filter(identity="arxiv:1706.03762").count() == 1
    # The small demo's tags are shared, not duplicated.
    assert Tag.objects.filter(name="interpretability").count() == 1


def test_scale_must_be_positive():
    with pytest.raises(CommandError):
        call_command("demo_data", scale=0, stdout=StringIO())
