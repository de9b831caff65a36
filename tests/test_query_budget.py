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


# (url name, budget): session + user, then the page's own queries.
PAGES = [
    # 12: a heatmap with nothing in the last year asks when the first reading was (for its year links).
    ("home", 12),
    ("library:list", 7),
    ("library:log", 7),
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
    with django_assert_max_num_queries(9):
        assert member_client.get(reverse("tag", args=["shared"])).status_code == 200
    # Two of these count every tag's uses (cached for minutes after), to pick the tag filter's plan.
    with django_assert_max_num_queries(10):
        assert (
            member_client.get(
                reverse("library:list"), {"tag": "shared", "kind": "paper", "page": 2}
            ).status_code
            == 200
        )


def test_reference_detail_budget(
    member_client, make_user, make_reference, make_entry, django_assert_max_num_queries
):
    reference = make_reference()
    reference.tags.add("a", "b")
    for _ in range(20):
        make_entry(make_user(), reference).tags.add("a")
    with django_assert_max_num_queries(7):
        assert member_client.get(reference.get_absolute_url()).status_code == 200


def test_dashboard_tag_counts_are_cached_between_requests(
    member_client, library_of, django_assert_num_queries
):
    library_of(5)
    first = member_client.get(reverse("home"))
    assert next(tag.name for tag in first.context["tags"]) == "shared"

    with django_assert_num_queries(2):  # session and user: the page's body is cached
        member_client.get(reverse("home"))

    from wiki import pagecache

    pagecache.changed()  # the bodies retired (as by a write that touched no tag or reading)
    with django_assert_num_queries(8):  # three fewer: tag counts and heatmap counts are cached
        member_client.get(reverse("home"))
