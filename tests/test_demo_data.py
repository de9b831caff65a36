from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from ideas.models import Comment, Idea
from library.models import Kind, LogEntry, Reference
from wiki.history import revisions_of

pytestmark = pytest.mark.django_db


def run_demo():
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


def counts():
    return (
        Reference.objects.count(),
        LogEntry.objects.count(),
        Idea.objects.count(),
        Comment.objects.count(),
    )


def test_demo_data_builds_a_team_library_and_ideas_and_prints_the_login():
    output = run_demo()

    assert "Demo login: alice / idl-demo-2026" in output
    alice = authenticate(username="alice", password="idl-demo-2026")
    assert alice is not None and alice.is_staff
    assert not authenticate(username="bob", password="idl-demo-2026").is_staff
    assert set(Reference.objects.values_list("kind", flat=True)) == set(Kind.values)
    references, entries, ideas, comments = counts()
    assert references >= 24 and entries >= 30 and ideas >= 3 and comments >= 3
    course = LogEntry.objects.exclude(logged_title="").values_list("logged_title", flat=True)
    assert any("(Lectures 9-13)" in title for title in course)
    assert Reference.objects.filter(summary_html__contains="<math").exists()


def test_demo_data_twice_adds_nothing():
    run_demo()
    before = counts()

    output = run_demo()

    assert counts() == before
    assert "0 references, 0 log entries and 0 ideas added" in output


def test_demo_things_start_their_history_as_created_by_their_members():
    run_demo()
    for model, who in [
        (Reference, "added_by"),
        (LogEntry, "reader"),
        (Idea, "proposer"),
        (Comment, "author"),
    ]:
        for obj in model.objects.all():
            [first] = revisions_of(model, obj.pk)
            assert (first.action, first.user) == ("created", getattr(obj, who)), obj
    # Each revision holds the finished object, not a bare first save.
    for reference in Reference.objects.exclude(summary=""):
        data = revisions_of(Reference, reference.pk).get().data
        assert data["summary"] == reference.summary
        assert data["tags"] == sorted(tag.name for tag in reference.tags.all())


def test_demo_data_has_queues_up_next_votes_picks_and_idea_votes_once():
    from django.utils import timezone

    from ideas.models import IdeaVote
    from library.models import Pick, QueueItem, UpNextVote

    run_demo()
    plans = (
        QueueItem.objects.count(),
        UpNextVote.objects.count(),
        Pick.objects.count(),
        IdeaVote.objects.count(),
    )
    assert all(plans) and QueueItem.objects.filter(member__username="alice").count() >= 2
    today = timezone.localdate()
    assert (
        Pick.objects.filter(session__lt=today).exists() and Pick.objects.filter(session__gte=today).exists()
    )
    run_demo()
    assert (
        QueueItem.objects.count(),
        UpNextVote.objects.count(),
        Pick.objects.count(),
        IdeaVote.objects.count(),
    ) == plans
