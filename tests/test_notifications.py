"""Who is told what: mentions, watching, the inbox and its unread count (both engines)."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ideas.models import Comment, Idea, Status
from library.models import LogEntry
from notifications import outbox
from notifications.inbox import toggle_watch, unread_count, unread_key
from notifications.models import Kind, Mention, Notification, Watch
from wiki import changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user):
    return {name: make_user(name) for name in ("bob", "carol", "dan")}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def comment_as(user, subject, body, **extra):
    comment = Comment(author=user, body=body, **{subject._meta.model_name: subject}, **extra)
    with changes.change(comment, user):
        comment.save()
    return comment


def edit(obj, user, **values):
    with changes.change(obj, user):
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
    return obj


def told(user, kind=None):
    notes = Notification.objects.filter(recipient=user)
    return list(notes.filter(kind=kind) if kind else notes)


# ---------- Mentions ----------


def test_a_mention_in_a_comment_on_a_paper_links_the_member_and_tells_them_once(team, make_reference):
    bob, carol = team["bob"], team["carol"]
    paper = make_reference(title="Attention Is All You Need")
    response = client_for(bob).post(
        reverse("reference_comment_add", args=[paper.pk]), {"body": "@carol should read section 3."}
    )
    assert response.status_code == 302
    comment = Comment.objects.get(reference=paper)
    assert '<a href="/members/carol/"' in comment.body_html

    (note,) = told(carol)
    assert note.kind == Kind.MENTION
    assert note.text == "bob mentioned you in a comment on “Attention Is All You Need”"
    assert note.comment == comment and note.reference == paper and note.actor == bob
    assert note.url == comment.get_absolute_url()
    assert "should read section 3" in note.excerpt
    assert told(bob) == []  # nobody is told of their own words

    # Editing the comment (the mention still there, or gone and back) tells nobody again.
    edit(comment, bob, body="@carol should read section 3 and 4.")
    edit(comment, bob, body="Never mind.")
    edit(comment, bob, body="@carol, really, section 3.")
    assert len(told(carol)) == 1
    assert Mention.objects.filter(user=carol, source="comment", object_id=comment.pk).count() == 1


def test_a_mention_added_by_an_edit_tells_only_the_newly_mentioned(team, make_idea):
    bob, carol, dan = team["bob"], team["carol"], team["dan"]
    idea = make_idea("Titans")
    comment = comment_as(bob, idea, "Thoughts, @carol?")
    edit(comment, bob, body="Thoughts, @carol? And @dan.")
    assert len(told(carol, Kind.MENTION)) == 1
    assert len(told(dan, Kind.MENTION)) == 1


def test_a_name_in_code_in_a_link_or_an_address_mentions_nobody(team, make_idea):
    idea = make_idea("Titans")
    comment_as(
        team["bob"], idea, "`@carol` and [@carol](https://example.org) and carol@example.org and @carolyn"
    )
    assert told(team["carol"]) == []


def test_a_mention_in_a_hidden_comment_tells_nobody(team, make_idea, curator):
    bob, carol = team["bob"], team["carol"]
    idea = make_idea("Titans")
    comment_as(bob, idea, "Hidden from the start, @carol", is_hidden=True)
    assert told(carol) == []

    # Hiding a comment takes back what it told; editing it while hidden tells nobody.
    shown = comment_as(bob, idea, "Look, @carol")
    assert len(told(carol)) == 1
    with changes.change(shown, curator, latest=True):
        shown.is_hidden = True
        shown.save(update_fields=["is_hidden"])
    assert told(carol) == []
    assert unread_count(carol) == 0
    edit(shown, curator, body="Look, @carol and @dan")
    assert told(team["dan"]) == []


def test_an_inactive_member_is_never_told(team, make_idea):
    team["carol"].is_active = False
    team["carol"].save()
    idea = make_idea("Titans")
    Watch.objects.create(user=team["carol"], idea=idea)
    comment_as(team["bob"], idea, "What do you think, @carol?")
    assert told(team["carol"]) == []


def test_mentions_in_an_idea_a_note_and_a_summary(team, make_reference):
    bob, carol = team["bob"], team["carol"]
    idea = Idea(title="Sparse probes", body="With @carol.", proposer=bob)
    with changes.change(idea, bob):
        idea.save()
    paper = make_reference(title="Toy models")
    entry = LogEntry(reader=bob, reference=paper, read_on=date(2026, 12, 1), notes="- ask @carol about fig 2")
    with changes.change(entry, bob):
        entry.save()
    edit(paper, bob, summary="Summarised with @carol.")

    texts = sorted(note.text for note in told(carol, Kind.MENTION))
    assert texts == [
        "bob mentioned you in a note on “Toy models”",
        "bob mentioned you in the idea “Sparse probes”",
        "bob mentioned you in the summary of “Toy models”",
    ]
    by_source = {note.text.split(" in ")[1].split(" ")[1]: note for note in told(carol)}
    assert by_source["note"].url == f"{paper.get_absolute_url()}#log-{entry.pk}"
    assert by_source["idea"].url == idea.get_absolute_url()


def test_mentioning_in_a_discussion_watches_it(team, make_reference):
    paper = make_reference()
    comment_as(team["bob"], paper, "@carol look")
    assert Watch.objects.filter(user=team["carol"], reference=paper).exists()


# ---------- Watching ----------


def test_commenting_watches_and_watchers_hear_of_new_comments(team, make_idea):
    bob, carol, dan = team["bob"], team["carol"], team["dan"]
    idea = make_idea("Titans")
    comment_as(bob, idea, "First")
    assert Watch.objects.filter(user=bob, idea=idea).exists()
    comment_as(carol, idea, "Second, cc @dan")

    (note,) = told(bob, Kind.COMMENT)
    assert note.text == "carol commented on “Titans”"
    # dan was mentioned: one notification (the mention), not two.
    assert [n.kind for n in told(dan)] == [Kind.MENTION]
    assert told(carol, Kind.COMMENT) == []


def test_proposing_and_joining_watch_an_idea(team, client):
    bob, carol = team["bob"], team["carol"]
    idea = Idea(title="Sparse probes", proposer=bob)
    with changes.change(idea, bob):
        idea.save()
    assert Watch.objects.filter(user=bob, idea=idea).exists()
    assert client_for(carol).post(reverse("ideas:join", args=[idea.slug])).status_code == 302
    assert Watch.objects.filter(user=carol, idea=idea).exists()


def test_a_new_reading_of_a_watched_reference(team, make_reference):
    bob, carol = team["bob"], team["carol"]
    paper = make_reference(title="Toy models")
    Watch.objects.create(user=carol, reference=paper)
    response = client_for(bob).post(
        reverse("library:log_add"), {"reference": paper.pk, "read_on": "2026-12-01", "notes": "Good"}
    )
    assert response.status_code == 302
    (note,) = told(carol, Kind.READING)
    assert note.text == "bob read “Toy models”"
    assert note.log_entry == LogEntry.objects.get(reader=bob)


def test_members_hear_when_an_idea_they_joined_changes_status(team, make_idea):
    bob, carol, dan = team["bob"], team["carol"], team["dan"]
    idea = make_idea("Titans", proposer=bob)
    idea.members.add(carol, bob)
    edit(idea, bob, status=Status.ACTIVE)
    (note,) = told(carol, Kind.STATUS)
    assert note.text == "bob moved “Titans” from Proposed to Active"
    assert told(bob, Kind.STATUS) == []  # the one who changed it
    assert told(dan) == []
    edit(idea, bob, body="No status change")
    assert len(told(carol, Kind.STATUS)) == 1


def test_watch_and_unwatch_from_the_page(team, make_reference):
    carol = team["carol"]
    paper = make_reference()
    client = client_for(carol)
    assert b">Watch</button>" in client.get(paper.get_absolute_url()).content
    assert client.post(reverse("notifications:watch", args=["reference", paper.pk])).status_code == 302
    assert Watch.objects.filter(user=carol, reference=paper).exists()
    assert b">Unwatch</button>" in client.get(paper.get_absolute_url()).content
    client.post(reverse("notifications:watch", args=["reference", paper.pk]))
    assert not Watch.objects.filter(user=carol, reference=paper).exists()
    assert client.post(reverse("notifications:watch", args=["member", 1])).status_code == 404


def test_watchers_follow_a_merge(team, make_reference):
    from library.services import merge_references

    survivor, duplicate = make_reference(), make_reference()
    toggle_watch(team["carol"], duplicate)
    merge_references(survivor, [duplicate], user=team["bob"])
    assert Watch.objects.filter(user=team["carol"], reference=survivor).exists()


# ---------- The inbox ----------


def test_the_inbox_shows_the_unread_count_and_reading_clears_it(team, make_reference):
    bob, carol = team["bob"], team["carol"]
    paper = make_reference()
    first = comment_as(bob, paper, "@carol one")
    comment_as(bob, paper, "@carol two")  # a second comment: a second text, a second mention
    client = client_for(carol)
    home = client.get(reverse("home")).content.decode()
    assert 'id="unread-count">2<' in home

    inbox = client.get(reverse("notifications:inbox"))
    assert inbox.content.decode().count('class="notification unread"') == 2
    note = Notification.objects.get(recipient=carol, comment=first)
    response = client.get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response.url == first.get_absolute_url()
    assert 'id="unread-count">1<' in client.get(reverse("home")).content.decode()

    client.post(reverse("notifications:read_all"))
    assert 'id="unread-count"' not in client.get(reverse("home")).content.decode()
    assert all(note.read_at for note in told(carol))


def test_one_read_and_nobody_elses(team, make_reference):
    paper = make_reference()
    comment_as(team["bob"], paper, "@carol one")
    note = Notification.objects.get(recipient=team["carol"])
    assert client_for(team["dan"]).post(reverse("notifications:read", args=[note.pk])).status_code == 404
    assert client_for(team["dan"]).get(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert client_for(team["carol"]).post(reverse("notifications:read", args=[note.pk])).status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None


def test_what_a_notification_is_about_takes_it_along(team, make_reference, curator):
    paper = make_reference()
    comment = comment_as(team["bob"], paper, "@carol one")
    changes.delete(comment, user=curator)
    assert told(team["carol"]) == []


def test_the_unread_count_costs_at_most_one_query(team, make_reference):
    paper = make_reference()
    comment_as(team["bob"], paper, "@carol one")
    client = client_for(team["carol"])
    url = reverse("tags")
    client.get(url)  # fills the page's caches, the count's among them
    with CaptureQueriesContext(connection) as cached:
        assert 'id="unread-count">1<' in client.get(url).content.decode()
    cache.delete(unread_key(team["carol"].pk))
    with CaptureQueriesContext(connection) as counted:
        assert 'id="unread-count">1<' in client.get(url).content.decode()
    assert len(counted) == len(cached) + 1
    assert not any("notifications_notification" in query["sql"] for query in cached.captured_queries)


def test_member_lookup_offers_active_members_by_prefix(team, make_user):
    make_user("carla", is_active=False)
    client = client_for(team["bob"])
    assert client.get(reverse("notifications:member_lookup"), {"q": "@car"}).json() == {"results": ["carol"]}
    assert client.get(reverse("notifications:member_lookup"), {"q": "x" * 5000}).json() == {"results": []}


@pytest.mark.parametrize("size", [2, 60])
def test_the_inbox_and_digest_have_fixed_query_budgets(
    team, make_reference, size, django_assert_max_num_queries
):
    paper = make_reference()
    Watch.objects.create(user=team["carol"], reference=paper)
    for n in range(size):
        comment_as(team["bob" if n % 2 else "dan"], paper, f"Comment {n}, @carol")
    outbox.send_pending()
    client = client_for(team["carol"])
    # session, user, the unread count (not cached yet), the page's count and its rows
    with django_assert_max_num_queries(5):
        page = client.get(reverse("notifications:inbox"))
    assert page.content.decode().count('class="notification unread"') == min(size, 50)
    # session, user, the count, her digest mark, then each section
    with django_assert_max_num_queries(9):
        assert client.get(reverse("notifications:digest")).status_code == 200
