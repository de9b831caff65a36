"""The list pages' shortcuts for big libraries give the same answers as the plain way."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged_library(make_reference):
    references = [make_reference(title=f"Paper {n}") for n in range(12)]
    for reference in references[::3]:
        reference.tags.add("rare-and-common")
    return references


def titles(response):
    return [reference.title for reference in response.context["page"].object_list]


def test_a_common_tag_is_filtered_row_by_row_with_the_same_result(member_client, tagged_library, monkeypatch):
    url = reverse("library:list")
    as_rare = titles(member_client.get(url, {"tag": "rare-and-common"}))

    monkeypatch.setattr("library.filters.COMMON_TAG_USES", 1)
    as_common = member_client.get(url, {"tag": "rare-and-common"})

    assert titles(as_common) == as_rare == ["Paper 9", "Paper 6", "Paper 3", "Paper 0"]
    assert "EXISTS" in str(as_common.context["filter"].qs.query)


def test_big_counts_are_kept_for_a_while(
    member_client, tagged_library, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr("wiki.paging.BIG_COUNT", 5)
    url = reverse("library:list")
    first = member_client.get(url)
    assert first.context["page"].paginator.count == 12

    # members for the "added by" choice, ids, rows, tags: no COUNT this time (and the session
    # and its member come from the cache)
    with django_assert_num_queries(4):
        again = member_client.get(url, {"page": 1})
    assert again.context["page"].paginator.count == 12
    assert [r.title for r in again.context["page"].object_list][:2] == ["Paper 11", "Paper 10"]


def test_downloads_read_every_match_so_they_never_walk_the_list(member_client, tagged_library, monkeypatch):
    from library.filters import ReferenceExportFilter
    from library.models import Reference

    monkeypatch.setattr("library.filters.COMMON_TAG_USES", 1)
    export = ReferenceExportFilter({"tag": "rare-and-common"}, queryset=Reference.objects.all())

    assert "EXISTS" not in str(export.qs.query) and export.qs.count() == 4
    bib = member_client.get(reverse("library:bibtex"), {"tag": "rare-and-common"})
    bib = b"".join(bib.streaming_content).decode()
    assert bib.count("@misc{") + bib.count("@inproceedings{") + bib.count("@article{") == 4


@pytest.mark.parametrize("sort", ["", "title", "-published"])
def test_pages_in_the_back_half_read_from_the_far_end_give_the_same_rows(make_reference, sort):
    """The last pages of a list ordered down to the id are read in reverse from its end; an
    order with ties (a title) is walked forward. Either way the pages give the list, once."""
    import datetime
    from types import SimpleNamespace

    from library.filters import ReferenceFilter
    from library.models import Reference
    from wiki.paging import paginate_by_ids

    for n in range(11):
        make_reference(title=f"Paper {n % 4}", published=datetime.date(2020, 1, 1 + n % 3))
    query = {"sort": sort} if sort else {}
    filtered = ReferenceFilter(query, queryset=Reference.objects.all()).qs
    whole = list(filtered.values_list("pk", flat=True))
    paged = []
    for number in (1, 2, 3, 4):
        request = SimpleNamespace(GET={"page": str(number), **query})
        paged += [r.pk for r in paginate_by_ids(request, filtered, Reference.objects.all(), 3).object_list]
    assert paged == whole and len(whole) == 11


def test_a_tags_plan_is_chosen_from_its_own_count(member_client, tagged_library, monkeypatch):
    from django.core.cache import cache

    def listed(common_above):
        monkeypatch.setattr("library.filters.COMMON_TAG_USES", common_above)
        cache.clear()
        page = member_client.get(reverse("library:list"), {"tag": "rare-and-common"})
        assert titles(page) == ["Paper 9", "Paper 6", "Paper 3", "Paper 0"]
        return str(page.context["filter"].qs.query)

    assert "EXISTS" in listed(common_above=3)  # the tag has 4 uses: common
    assert "EXISTS" not in listed(common_above=4)
