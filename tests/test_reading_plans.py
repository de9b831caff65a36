"""What the team means to read: each member's queue, the team's "up next" and the sessions' picks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from library import queue
from library.models import LogEntry, Pick, QueueItem, UpNextVote
from library.services import merge_references
from wiki import changes, history
from wiki.models import Revision

from .test_query_budget import UNREAD

pytestmark = pytest.mark.django_db


def titles_in_queue(member):
    return [item.reference.title for item in queue.queue_of(member)]


def add(client, reference, **extra):
    return client.post(reverse("library:queue_add", args=[reference.pk]), extra)


def move(client, reference, direction):
    return client.post(reverse("library:queue_move", args=[reference.pk]), {"direction": direction})


# The queue


def test_a_member_queues_references_in_order_once_each(member_client, member, make_reference):
    first, second = make_reference(title="First"), make_reference(title="Second")
    assert add(member_client, first)["Location"] == first.get_absolute_url()
    add(member_client, second)
    again = add(member_client, first, next=reverse("search") + "?q=first")

    assert again["Location"] == "/search/?q=first"  # back to the search it was queued from
    assert titles_in_queue(member) == ["First", "Second"]
    page = member_client.get(reverse("library:queue")).content.decode()
    assert page.index("First") < page.index("Second") and "already in your reading queue" in page


def test_next_never_leads_off_the_site(member_client, make_reference):
    reference = make_reference()
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = add(member_client, reference, next=target)
        assert response["Location"] == reference.get_absolute_url()


def test_reordering_moves_one_place_and_stops_at_the_ends(member_client, member, make_reference):
    a, b, c = (make_reference(title=t) for t in "ABC")
    for reference in (a, b, c):
        add(member_client, reference)

    response = move(member_client, c, "up")
    assert response["Location"] == f"{reverse('library:queue')}#queue-{c.pk}"
    assert titles_in_queue(member) == ["A", "C", "B"]
    move(member_client, a, "down")
    assert titles_in_queue(member) == ["C", "A", "B"]
    top = member_client.get(move(member_client, c, "up")["Location"])
    assert titles_in_queue(member) == ["C", "A", "B"] and "already at the top" in top.content.decode()
    move(member_client, b, "down")
    assert titles_in_queue(member) == ["C", "A", "B"]
    move(member_client, b, "sideways")
    assert titles_in_queue(member) == ["C", "A", "B"]
    assert list(
        QueueItem.objects.filter(member=member).order_by("pk").values_list("position", flat=True)
    ) == [1, 2, 0]


def test_the_queue_page_works_without_javascript(member_client, make_reference):
    """Up and down are submit buttons of a POST form with its CSRF token; the ends are disabled."""
    for title in ("Top", "Bottom"):
        add(member_client, make_reference(title=title))
    page = member_client.get(reverse("library:queue")).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= 4
    assert 'name="direction" value="up" aria-label="Move “Top” up" disabled' in page
    assert 'name="direction" value="down" aria-label="Move “Bottom” down" disabled' in page
    assert page.count("I read it</a>") == 2


def test_removing_takes_only_the_members_own_item(client, member, other_member, make_reference):
    reference = make_reference()
    queue.add_to_queue(member, reference)
    queue.add_to_queue(other_member, reference)
    client.force_login(other_member)
    client.post(reverse("library:queue_remove", args=[reference.pk]))
    assert list(QueueItem.objects.values_list("member__username", flat=True)) == ["member"]
    # Not in their queue any more: a 404, and the other member's item stays.
    assert client.post(reverse("library:queue_remove", args=[reference.pk])).status_code == 404
    assert move(client, reference, "up").status_code == 404
    assert QueueItem.objects.filter(member=member).exists()


def test_i_read_it_logs_the_reading_and_takes_it_off_the_queue(member_client, member, make_reference):
    kept, read = make_reference(title="Kept"), make_reference(title="Read now")
    add(member_client, kept)
    add(member_client, read)
    page = member_client.get(reverse("library:queue")).content.decode()
    link = f"{reverse('library:log_add')}?reference={read.pk}"
    assert f'href="{link}"' in page

    form = member_client.get(link).content.decode()
    assert "Read now" in form and 'name="notes"' in form
    response = member_client.post(
        link, {"reference": read.pk, "read_on": timezone.localdate().isoformat(), "notes": "Good *one*"}
    )
    assert response["Location"] == reverse("library:log")
    entry = LogEntry.objects.get()
    assert (entry.reference, entry.reader, entry.notes_html) == (read, member, "<p>Good <em>one</em></p>")
    assert titles_in_queue(member) == ["Kept"]
    assert "It left your reading queue." in member_client.get(response["Location"]).content.decode()


def test_a_refused_log_entry_keeps_the_item_queued(member_client, member, make_reference):
    reference = make_reference()
    add(member_client, reference)
    response = member_client.post(
        reverse("library:log_add"), {"reference": reference.pk, "read_on": "2999-01-01", "notes": "x"}
    )
    assert response.status_code == 200 and "has not come yet" in response.content.decode()
    assert QueueItem.objects.filter(member=member, reference=reference).exists()


def test_logging_someone_elses_reading_leaves_other_queues_alone(
    client, member, other_member, make_reference
):
    reference = make_reference()
    queue.add_to_queue(other_member, reference)
    client.force_login(member)
    client.post(reverse("library:log_add"), {"reference": reference.pk, "read_on": "2024-09-24"})
    assert QueueItem.objects.filter(member=other_member, reference=reference).exists()


def test_the_queue_has_a_limit_with_a_clear_message(member_client, member, make_reference, monkeypatch):
    monkeypatch.setattr(queue, "QUEUE_LIMIT", 2)
    references = [make_reference() for _ in range(3)]
    for reference in references[:2]:
        add(member_client, reference)
    response = add(member_client, references[2])
    page = member_client.get(response["Location"]).content.decode()
    assert "holds 2 items already" in page and QueueItem.objects.count() == 2


def test_hostile_ids_and_directions_never_give_a_5xx(member_client, make_reference):
    reference = make_reference()
    add(member_client, reference)
    for direction in ("", "x" * 10_000, "up\x00", "⬆️"):
        assert move(member_client, reference, direction).status_code == 302
    assert member_client.post("/queue/99999999999999999999/add/").status_code == 404
    assert member_client.post(reverse("library:queue_add", args=[987654])).status_code == 404


# The team's up next


def vote(client, reference):
    return client.post(reverse("library:up_next_vote", args=[reference.pk]))


def test_votes_toggle_one_per_member(member_client, member, make_reference):
    reference = make_reference()
    vote(member_client, reference)
    assert UpNextVote.objects.filter(member=member, reference=reference).count() == 1
    vote(member_client, reference)
    assert not UpNextVote.objects.exists()


def test_up_next_is_sorted_by_votes_then_the_oldest_vote(make_user, make_reference, client):
    people = [make_user() for _ in range(3)]
    early, late, popular = (make_reference(title=t) for t in ("Early", "Late", "Popular"))
    make_reference(title="Unvoted")
    now = timezone.now()
    for who, reference in [(people[0], late), (people[1], early), (people[0], popular), (people[1], popular)]:
        UpNextVote.objects.create(member=who, reference=reference)
    # Early's only vote is older than Late's.
    UpNextVote.objects.filter(reference=early).update(created=now - datetime.timedelta(days=3))
    UpNextVote.objects.filter(reference=late).update(created=now - datetime.timedelta(days=1))
    client.force_login(people[2])
    response = client.get(reverse("library:up_next"))
    assert [r.title for r in response.context["candidates"]] == ["Popular", "Early", "Late"]
    page = response.content.decode()
    assert "Unvoted" not in page
    assert f"2 votes: {people[0].username}, {people[1].username}" in page


def test_curators_pick_and_unpick_a_session_and_picks_show_upcoming_and_past(
    curator_client, make_reference, member
):
    today = timezone.localdate()
    soon, before = make_reference(title="Soon"), make_reference(title="Before")
    for reference in (soon, before):
        UpNextVote.objects.create(member=member, reference=reference)
    pick_url = lambda r: reverse("library:pick", args=[r.pk])  # noqa: E731
    curator_client.post(pick_url(soon), {"session": (today + datetime.timedelta(days=7)).isoformat()})
    curator_client.post(pick_url(before), {"session": (today - datetime.timedelta(days=7)).isoformat()})

    response = curator_client.get(reverse("library:up_next"))
    assert [p.reference.title for p in response.context["upcoming"]] == ["Soon"]
    assert [p.reference.title for p in response.context["past"]] == ["Before"]
    assert response.context["candidates"] == []  # picked: no longer a candidate
    assert Pick.objects.get(reference=soon).picked_by.username == "curator"

    # One pick a session: a second for that day is refused with the reason, changing nothing.
    other = make_reference(title="Other")
    refused = curator_client.post(
        pick_url(other), {"session": (today + datetime.timedelta(days=7)).isoformat()}
    )
    page = curator_client.get(refused["Location"]).content.decode()
    assert "already has its pick, “Soon”; unmark it first" in page and Pick.objects.count() == 2
    for bad in ("", "not a date", "99999-01-01", "2024-02-30"):
        curator_client.post(pick_url(other), {"session": bad})
    assert Pick.objects.count() == 2

    curator_client.post(reverse("library:unpick", args=[Pick.objects.get(reference=soon).pk]))
    response = curator_client.get(reverse("library:up_next"))
    assert response.context["upcoming"] == [] and [r.title for r in response.context["candidates"]] == [
        "Soon"
    ]


def test_the_reference_page_shows_votes_queue_and_pick(member_client, member, other_member, make_reference):
    reference = make_reference(title="Shown")
    UpNextVote.objects.create(member=other_member, reference=reference)
    page = member_client.get(reference.get_absolute_url()).content.decode()
    assert "Read it together · 1" in page and "+ Add to my reading queue" in page

    vote(member_client, reference)
    add(member_client, reference)
    Pick.objects.create(reference=reference, session=datetime.date(2031, 3, 4))
    page = member_client.get(reference.get_absolute_url()).content.decode()
    assert "✓ You want to read it together · 2" in page and "✓ In" in page
    assert "Picked for Mar 4, 2031" in page
    assert 'id="pick-session' not in page  # the pick form is the curators'


def test_search_results_offer_to_queue_references(member_client, member, make_reference):
    queued, other = make_reference(title="Sparse probing one"), make_reference(title="Sparse probing two")
    queue.add_to_queue(member, queued)
    page = member_client.get(reverse("search"), {"q": "sparse probing"}).content.decode()
    assert page.count("✓ in your queue") == 1
    assert reverse("library:queue_add", args=[other.pk]) in page
    assert reverse("library:queue_add", args=[queued.pk]) not in page


# Plans follow their reference


def test_a_merge_moves_queues_votes_and_picks_to_the_survivor(member, other_member, curator, make_reference):
    survivor, duplicate = make_reference(title="Kept"), make_reference(title="Copy")
    queue.add_to_queue(member, survivor)
    queue.add_to_queue(member, duplicate)
    queue.add_to_queue(other_member, duplicate)
    UpNextVote.objects.create(member=member, reference=duplicate)
    UpNextVote.objects.create(member=other_member, reference=duplicate)
    UpNextVote.objects.create(member=other_member, reference=survivor)
    Pick.objects.create(reference=duplicate, session=datetime.date(2030, 1, 1))

    merge_references(survivor, [duplicate], user=curator)

    assert sorted(QueueItem.objects.values_list("member__username", "reference")) == [
        ("member", survivor.pk),
        ("other", survivor.pk),
    ]
    assert sorted(UpNextVote.objects.values_list("member__username", flat=True)) == ["member", "other"]
    assert Pick.objects.get().reference == survivor


def test_a_deleted_reference_comes_back_with_its_plans(member, curator, make_reference):
    reference = make_reference(title="Gone for a while")
    queue.add_to_queue(member, reference)
    UpNextVote.objects.create(member=member, reference=reference)
    Pick.objects.create(reference=reference, session=datetime.date(2030, 2, 2), picked_by=curator)
    pk = reference.pk
    changes.delete(reference, user=curator)
    assert not (QueueItem.objects.exists() or UpNextVote.objects.exists() or Pick.objects.exists())

    deleted = history.revisions_of(type(reference), pk).get(action=Revision.Action.DELETED)
    changes.restore(deleted, user=curator)

    assert QueueItem.objects.get().reference_id == pk
    assert UpNextVote.objects.get().member == member
    assert Pick.objects.get().picked_by == curator


# Query budgets: a fixed number of queries however long the lists


@pytest.mark.parametrize("size", [2, 30])
def test_plan_pages_have_fixed_query_budgets(
    client, make_user, make_reference, curator, size, django_assert_max_num_queries
):
    people = [make_user() for _ in range(4)]
    reader = people[0]
    for n in range(size):
        reference = make_reference(authors=f"Author {n}")
        queue.add_to_queue(reader, reference)
        for who in people[: 1 + n % 4]:
            UpNextVote.objects.create(member=who, reference=reference)
        if n % 5 == 0:
            Pick.objects.create(
                reference=reference, session=timezone.localdate() + datetime.timedelta(days=n - size // 2)
            )
    client.force_login(reader)
    with django_assert_max_num_queries(3 + UNREAD):  # session, user, the queue
        assert client.get(reverse("library:queue")).status_code == 200
    with django_assert_max_num_queries(5 + UNREAD):  # session, user, candidates, their voters, picks
        assert client.get(reverse("library:up_next")).status_code == 200
    client.force_login(curator)
    with django_assert_max_num_queries(5 + UNREAD):
        assert client.get(reverse("library:up_next")).status_code == 200
