"""Cached page bodies: a repeat visit costs no query at all, and every write
shows at once, whichever way it is made (add, edit, delete, restore, import, merge, and the
writes that are not revisions: tags, members, hiding, renaming)."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ideas.models import Comment, IdeaReference
from library.models import Kind, Reference
from library.services import merge_references
from wiki import changes
from wiki.history import revisions_of
from wiki.pagecache import CSRF_PLACEHOLDER

pytestmark = pytest.mark.django_db


def cached_page(client, url, django_assert_max_num_queries):
    """The page's HTML, after checking a second visit is served from the cache."""
    first = client.get(url)
    assert first.status_code == 200
    # none: the session, its member, a detail page's object and the body all come from the cache
    with django_assert_max_num_queries(0):
        second = client.get(url)
    assert main(second) == main(first)  # the header's CSRF token differs on every request
    return second.content.decode()


def main(response):
    """The page's main part, without the CSRF tokens of its forms (new on every request)."""
    html = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def add(user, title, **fields):
    reference = Reference(title=title, kind=fields.pop("kind", Kind.PAPER), **fields)
    with changes.change(reference, user):
        reference.save()
    return reference


PAGES = [
    "/",
    "/library/",
    "/library/?kind=paper&page=1",
    "/log/",
    "/ideas/",
    "/members/member/",
    "/tags/deep-learning/",
    "/search/?q=wild",
    "{paper}",
    "{idea}",
]


@pytest.mark.parametrize("url", PAGES)
def test_an_edit_shows_at_once_on_every_cached_page(
    member_client, member, make_entry, make_idea, url, django_assert_max_num_queries
):
    paper = add(member, "Grokking")
    make_entry(member, paper)
    idea = make_idea(title="Grokking in the wild", proposer=member)
    idea.members.add(member)
    IdeaReference.objects.create(idea=idea, reference=paper)
    for tagged in (paper, idea):
        tagged.tags.add("deep learning")
    url = url.format(paper=paper.get_absolute_url(), idea=idea.get_absolute_url())
    before = cached_page(member_client, url, django_assert_max_num_queries)
    assert "Grokking" in before
    with changes.change(paper, member):
        paper.title = "Omnigrok"
        paper.save()
    with changes.change(idea, member):
        idea.title = "Omnigrok in the wild"
        idea.save()
    after = member_client.get(url).content.decode()
    assert "Omnigrok" in after and "Grokking" not in after


def test_add_delete_and_restore_show_at_once(member_client, member, curator, django_assert_max_num_queries):
    assert "Deep Residual" not in cached_page(member_client, "/library/", django_assert_max_num_queries)
    paper = add(member, "Deep Residual Learning")
    assert "Deep Residual" in cached_page(member_client, "/library/", django_assert_max_num_queries)
    detail = f"/library/{paper.pk}/"
    assert "Deep Residual" in cached_page(member_client, detail, django_assert_max_num_queries)
    pk = paper.pk
    changes.delete(paper, user=curator)
    assert "Deep Residual" not in member_client.get("/library/").content.decode()
    assert member_client.get(detail).status_code == 404
    changes.restore(revisions_of(Reference, pk).last(), user=curator)
    assert "Deep Residual" in member_client.get("/library/").content.decode()
    assert "Deep Residual" in member_client.get(detail).content.decode()


def test_an_import_shows_at_once(member_client, member, tmp_path, django_assert_max_num_queries):
    assert "Sparse Autoencoders" not in cached_page(member_client, "/log/", django_assert_max_num_queries)
    path = tmp_path / "log.md"
    path.write_text(
        "Legend:\n- 📜: papers\n\n09/25/2024\n- 📜[Sparse Autoencoders](https://arxiv.org/abs/2309.08600)\n",
        encoding="utf-8",
    )
    call_command("import_library", str(path), "--reader", member.username, stdout=io.StringIO())
    assert "Sparse Autoencoders" in member_client.get("/log/").content.decode()
    assert "Sparse Autoencoders" in member_client.get("/library/").content.decode()
    assert "Sparse Autoencoders" in member_client.get("/").content.decode()


def test_a_merge_shows_at_once(member_client, member, make_entry, django_assert_max_num_queries):
    survivor = add(member, "Attention Is All You Need")
    duplicate = add(member, "Attention is all you need (preprint)")
    make_entry(member, duplicate)
    detail = f"/library/{survivor.pk}/"
    assert "preprint" in cached_page(member_client, "/library/", django_assert_max_num_queries)
    assert 'class="log-entry"' not in cached_page(member_client, detail, django_assert_max_num_queries)
    merge_references(survivor, [duplicate], user=member)
    assert "preprint" not in member_client.get("/library/").content.decode()
    assert 'class="log-entry"' in member_client.get(detail).content.decode()


def test_writes_that_are_not_revisions_show_at_once(
    member_client, member, other_member, curator, make_idea, make_comment, django_assert_max_num_queries
):
    paper = add(member, "Scaling Laws")
    idea = make_idea(title="Laws of scaling", proposer=member)
    comment = make_comment(idea, other_member, body="A remark about compute")
    idea_page = idea.get_absolute_url()
    assert "compute" in cached_page(member_client, idea_page, django_assert_max_num_queries)
    assert "scaling-tag" not in cached_page(member_client, "/library/", django_assert_max_num_queries)

    paper.tags.add("scaling-tag")  # taggit's rows: a many-to-many change
    assert "scaling-tag" in member_client.get("/library/").content.decode()

    idea.members.add(other_member)  # joining
    assert reverse("member", args=[other_member.username]) in member_client.get(idea_page).content.decode()

    from ideas.admin import CommentAdmin

    Comment.objects.filter(pk=comment.pk).update(is_hidden=True)  # as the admin's bulk action does…
    assert "compute" in member_client.get(idea_page).content.decode()  # …no signal: still shown
    CommentAdmin(Comment, None)._set_hidden(type("R", (), {"user": curator})(), Comment.objects.all(), True)
    assert "compute" not in member_client.get(idea_page).content.decode()  # the admin's path drops it


def test_each_member_sees_their_own_edit_links(member_client, client, member, other_member, make_entry):
    make_entry(member, add(member, "Mine"))
    mine = member_client.get("/log/")
    client.force_login(other_member)
    theirs = client.get("/log/")
    assert "/edit/" in main(mine) and "/edit/" not in main(theirs)


def test_search_results_show_a_write_at_once(member_client, member, django_assert_max_num_queries):
    paper = add(member, "Grokking modular arithmetic")
    url = "/search/?q=modular"
    assert "Grokking modular" in cached_page(member_client, url, django_assert_max_num_queries)
    with changes.change(paper, member):
        paper.title = "Omnigrok modular arithmetic"
        paper.save()
    page = member_client.get(url).content.decode()
    assert "Omnigrok modular" in page and "Grokking" not in page
    changes.delete(paper, user=member)
    assert "Nothing matches" in member_client.get(url).content.decode()


def test_the_tag_page_shows_a_tagging_at_once(member_client, member, django_assert_max_num_queries):
    add(member, "Scaling Laws").tags.add("scaling")
    assert "Chinchilla" not in cached_page(member_client, "/tags/scaling/", django_assert_max_num_queries)
    add(member, "Chinchilla").tags.add("scaling")
    assert "Chinchilla" in member_client.get("/tags/scaling/").content.decode()


def test_a_body_cached_for_one_session_posts_from_another(member, make_idea):
    """The vote buttons of the ideas list are cached with the page; each session gets its own
    CSRF token in them, so a member on a second device (or after logging in again) can vote."""
    idea = make_idea(title="Attention sinks")
    laptop, phone = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    laptop.force_login(member)
    phone.force_login(member)
    laptop.get("/ideas/")  # caches the body
    page = phone.get("/ideas/").content.decode()
    assert CSRF_PLACEHOLDER not in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.split("<main", 1)[1])[1]
    response = phone.post(reverse("ideas:vote", args=[idea.slug]), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert idea.votes.filter(member=member).exists()


def test_a_members_own_marks_show_at_once_and_to_them_alone(
    member_client, member, other_member, make_idea, django_assert_max_num_queries
):
    """Reference and idea pages are cached whole per member, their queue, vote, watch and
    membership buttons included: each click shows at once, and never on another member's page."""
    paper = add(other_member, "Grokking")
    idea = make_idea(title="Grokking in the wild", proposer=other_member)
    client = Client()
    client.force_login(other_member)
    pages = {"reference": paper.get_absolute_url(), "idea": idea.get_absolute_url()}
    for url in pages.values():
        cached_page(member_client, url, django_assert_max_num_queries)
        cached_page(client, url, django_assert_max_num_queries)

    queue = [reverse("library:queue_add", args=[paper.pk]), reverse("library:queue_remove", args=[paper.pk])]
    vote, join = reverse("ideas:vote", args=[idea.slug]), reverse("ideas:join", args=[idea.slug])
    up_next = reverse("library:up_next_vote", args=[paper.pk])
    watch_paper = reverse("notifications:watch", args=["reference", paper.pk])
    watch_idea = reverse("notifications:watch", args=["idea", idea.pk])
    clicks = [  # (do, undo, page, what the page then shows)
        (watch_paper, watch_paper, pages["reference"], ">Unwatch<"),  # first: queueing watches too
        (*queue, pages["reference"], "In <a"),
        (up_next, up_next, pages["reference"], "✓ You want to read it together"),
        (watch_idea, watch_idea, pages["idea"], ">Unwatch<"),  # first: joining watches too
        (vote, vote, pages["idea"], 'aria-pressed="true"'),
        (join, join, pages["idea"], "Leave this idea"),
    ]
    for do, undo, page, mark in clicks:
        assert mark not in main(member_client.get(page))
        assert member_client.post(do).status_code == 302
        assert mark in main(member_client.get(page)), do
        assert mark not in main(client.get(page)), do
        assert member_client.post(undo).status_code == 302
        assert mark not in main(member_client.get(page)), undo
