"""Each list page costs a fixed number of queries, however many rows it shows."""

import pytest
from django.urls import reverse

from library.models import Kind

pytestmark = pytest.mark.django_db

KINDS = list(Kind)


@pytest.fixture
def library_of(make_user, make_reference, make_entry):
    def build(size):
        readers = [make_user() for _ in range(3)]
        for n in range(size):
            reference = make_reference(
                kind=KINDS[n % len(KINDS)], added_by=readers[n % 3], summary=f"Summary $x_{n}$"
            )
            reference.tags.add(f"tag{n % 7}", "shared")
            entry = make_entry(
                readers[n % 3], reference, read_on=f"2024-09-{1 + n % 28:02d}", notes="- a\n    - b"
            )
            entry.tags.add("shared")

    return build


# The header's unread-notifications count: one query when it is not cached (a fresh cache here).
UNREAD = 1
# Whether the member watches the idea or reference a page shows.
WATCHING = 1

# (url name, budget): the user (when not cached already), then the page's own queries.
PAGES = [
    # 9: a heatmap with nothing in the last year asks when the first reading was (for its year links);
    # the readings, references and ideas read their tags in one query.
    ("home", 9 + UNREAD),
    ("library:list", 6 + UNREAD),
    ("library:log", 6 + UNREAD),
]


@pytest.mark.parametrize("size", [3, 60])
@pytest.mark.parametrize(("name", "budget"), PAGES)
def test_list_pages_have_a_fixed_query_budget(
    member_client, library_of, django_assert_max_num_queries, size, name, budget
):
    library_of(size)
    with django_assert_max_num_queries(budget):
        response = member_client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 60])
def test_tag_page_and_filtered_list_budget(member_client, library_of, django_assert_max_num_queries, size):
    library_of(size)
    with django_assert_max_num_queries(8 + UNREAD):
        assert member_client.get(reverse("tag", args=["shared"])).status_code == 200
    # Two of these count every tag's uses (cached for minutes after), to pick the tag filter's plan.
    with django_assert_max_num_queries(9):
        assert (
            member_client.get(
                reverse("library:list"), {"tag": "shared", "kind": "paper", "page": 2}
            ).status_code
            == 200
        )


@pytest.mark.parametrize("size", [1, 20])
def test_reference_detail_budget(
    member_client, make_user, make_reference, make_entry, make_comment, django_assert_max_num_queries, size
):
    reference = make_reference()
    reference.tags.add("a", "b")
    for _ in range(size):
        reader = make_user()
        make_entry(reader, reference).tags.add("a")
        make_comment(reference, reader, body="@someone said $x^2$")
    # 6 for the page, 2 for its discussion (the count for its pages, then the newest page).
    with django_assert_max_num_queries(8 + WATCHING + UNREAD):
        response = member_client.get(reference.get_absolute_url())
    assert response.status_code == 200
    assert response.content.count(b'class="comment"') == size


def test_dashboard_counts_cost_little_after_a_write(member_client, library_of, django_assert_num_queries):
    library_of(5)
    first = member_client.get(reverse("home"))
    assert next(tag.name for tag in first.context["tags"]) == "shared"

    with django_assert_num_queries(0):  # the session, its member and the page's body are cached
        member_client.get(reverse("home"))

    from wiki import pagecache

    pagecache.changed()  # the bodies retired (as by a write that touched no tag or reading)
    # The heatmap's counts stay cached (no reading changed); the tag counts are read again, from
    # the few hundred rows the database keeps (library/counts.py), so a new tag shows at once.
    with django_assert_num_queries(7):
        member_client.get(reverse("home"))


@pytest.fixture
def busy_plans(make_user, make_reference, make_idea):
    """Queues, up-next votes, picks and idea votes everywhere, so the pages show them all."""
    import datetime

    from ideas.models import IdeaVote
    from library.models import Pick, QueueItem, UpNextVote

    people = [make_user() for _ in range(5)]
    references = [make_reference(title=f"Attention variant {n}") for n in range(25)]
    ideas = [make_idea(f"Idea {n}") for n in range(25)]
    for n, (reference, idea) in enumerate(zip(references, ideas, strict=True)):
        for who in people[: 1 + n % 5]:
            QueueItem.objects.create(member=who, reference=reference, position=n)
            UpNextVote.objects.create(member=who, reference=reference)
            IdeaVote.objects.create(idea=idea, member=who)
        Pick.objects.create(
            reference=reference, session=datetime.date(2030, 1, 1) + datetime.timedelta(days=n)
        )
    return people, references, ideas


def test_pages_keep_their_budgets_with_queues_and_votes(client, busy_plans, django_assert_max_num_queries):
    """The reference page, search, the ideas list and an idea page: the same budgets as without."""
    people, references, ideas = busy_plans
    client.force_login(people[0])  # a member with a long queue and many votes
    with django_assert_max_num_queries(8 + WATCHING + UNREAD):  # 6, and the discussion's 2
        page = client.get(references[7].get_absolute_url())
    assert "✓ You want to read it together · 3" in page.content.decode()
    with django_assert_max_num_queries(7 + UNREAD):
        page = client.get(reverse("search"), {"q": "attention", "type": "reference"})
    assert page.content.decode().count("✓ in your queue") == 20
    with django_assert_max_num_queries(6 + UNREAD):
        page = client.get(reverse("ideas:list"), {"sort": "-votes"})
    assert "👍 5" in page.content.decode()
    with django_assert_max_num_queries(9 + WATCHING + UNREAD):
        assert client.get(ideas[3].get_absolute_url()).status_code == 200
