"""One 👍 per member per idea: a toggle, shown on the list and the page, and a sort of the list."""

import pytest
from django.urls import reverse

from ideas.models import IdeaVote
from wiki import changes, history
from wiki.models import Revision

pytestmark = pytest.mark.django_db


def vote(client, idea, **extra):
    return client.post(reverse("ideas:vote", args=[idea.slug]), extra)


def test_a_vote_toggles_and_counts_once_per_member(member_client, member, make_idea):
    idea = make_idea("Probe the probes")
    assert vote(member_client, idea)["Location"] == idea.get_absolute_url()
    assert list(IdeaVote.objects.values_list("member", flat=True)) == [member.pk]
    page = member_client.get(idea.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in page and "👍 1" in page

    vote(member_client, idea)
    assert not IdeaVote.objects.exists()
    assert 'aria-pressed="false"' in member_client.get(idea.get_absolute_url()).content.decode()


def test_the_list_shows_votes_and_returns_to_itself(member_client, make_user, make_idea):
    idea = make_idea("Counted")
    for _ in range(3):
        IdeaVote.objects.create(idea=idea, member=make_user())
    listing = reverse("ideas:list") + "?sort=-votes"
    page = member_client.get(listing).content.decode()
    assert "👍 3" in page and reverse("ideas:vote", args=[idea.slug]) in page
    assert vote(member_client, idea, next=listing)["Location"] == listing
    assert vote(member_client, idea, next="https://elsewhere.example/")["Location"] == idea.get_absolute_url()


def test_visitors_of_a_public_wiki_see_counts_but_no_button(client, settings, make_user, make_idea):
    settings.IDL_PUBLIC_READ = True
    idea = make_idea("Public")
    IdeaVote.objects.create(idea=idea, member=make_user())
    for url in (reverse("ideas:list"), idea.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "👍 1" in page and reverse("ideas:vote", args=[idea.slug]) not in page
    assert client.post(reverse("ideas:vote", args=[idea.slug]))["Location"].startswith("/accounts/login/")
    assert IdeaVote.objects.count() == 1


def test_the_list_sorts_by_votes_with_ties_in_a_fixed_order(member_client, make_user, make_idea):
    people = [make_user() for _ in range(3)]
    ideas = {title: make_idea(title) for title in ("None", "One", "Three", "Also one")}
    for who in people:
        IdeaVote.objects.create(idea=ideas["Three"], member=who)
    IdeaVote.objects.create(idea=ideas["One"], member=people[0])
    IdeaVote.objects.create(idea=ideas["Also one"], member=people[1])

    response = member_client.get(reverse("ideas:list"), {"sort": "-votes"})
    order = [idea.title for idea in response.context["page"].object_list]
    # Ties: the most recently active first (“Also one” was made last).
    assert order == ["Three", "Also one", "One", "None"]
    assert 'value="-votes" selected' in response.content.decode()


def test_a_deleted_idea_comes_back_with_its_votes(member, curator, make_idea):
    idea = make_idea("Back again")
    IdeaVote.objects.create(idea=idea, member=member)
    pk = idea.pk
    changes.delete(idea, user=curator)
    assert not IdeaVote.objects.exists()
    deleted = history.revisions_of(type(idea), pk).get(action=Revision.Action.DELETED)
    changes.restore(deleted, user=curator)
    assert list(IdeaVote.objects.values_list("idea", "member")) == [(pk, member.pk)]
