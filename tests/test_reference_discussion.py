"""Discussion on every reference, the same as on ideas: one comment model, both engines."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from ideas.models import Comment
from library.models import Reference
from library.services import merge_references
from wiki import changes, history, search

pytestmark = pytest.mark.django_db


def post_comment(client, reference, body):
    return client.post(reverse("reference_comment_add", args=[reference.pk]), {"body": body})


def test_members_discuss_a_paper_on_its_page(member_client, member, make_reference):
    paper = make_reference(title="Attention Is All You Need")
    response = post_comment(member_client, paper, "The $\\sqrt{d_k}$ scaling matters.")
    comment = Comment.objects.get(reference=paper)
    assert response.status_code == 302 and response.url == comment.get_absolute_url()
    assert comment.author == member and comment.idea is None and "<math" in comment.body_html

    permalink = member_client.get(comment.get_absolute_url())
    assert permalink.url == f"{paper.get_absolute_url()}?page=1#comment-{comment.pk}"
    page = member_client.get(paper.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}"' in page and "<math" in page
    assert history.revisions_of(Comment, comment.pk).count() == 1


def test_an_empty_comment_is_a_field_error_and_saves_nothing(member_client, make_reference):
    paper = make_reference()
    response = post_comment(member_client, paper, "\u200b \u202e")
    assert response.status_code == 200
    assert "Write something before posting." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_comment_is_on_exactly_one_thing(member, make_reference, make_idea):
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(author=member, body="Both", idea=make_idea(), reference=make_reference())
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(author=member, body="Neither")


def test_long_discussions_come_in_pages_of_100_newest_first(
    member_client, member, make_reference, make_comment
):
    paper = make_reference()
    comments = [make_comment(paper, member, body=f"Comment {n}") for n in range(101)]
    newest = member_client.get(paper.get_absolute_url()).content.decode()
    assert f'id="comment-{comments[-1].pk}"' in newest and f'id="comment-{comments[0].pk}"' not in newest
    first = member_client.get(paper.get_absolute_url(), {"page": 1}).content.decode()
    assert f'id="comment-{comments[0].pk}"' in first
    assert member_client.get(comments[0].get_absolute_url()).url.endswith(f"?page=1#comment-{comments[0].pk}")
    assert member_client.get(comments[-1].get_absolute_url()).url.endswith(
        f"?page=2#comment-{comments[-1].pk}"
    )


def test_only_the_author_or_a_curator_edits_and_curators_hide(
    client, member, other_member, curator, make_reference, make_comment
):
    paper = make_reference()
    comment = make_comment(paper, member, body="Mine")
    client.force_login(other_member)
    assert (
        client.post(reverse("ideas:comment_edit", args=[comment.pk]), {"body": "Theirs"}).status_code == 403
    )
    client.force_login(member)
    version = history.version_of(comment)
    response = client.post(
        reverse("ideas:comment_edit", args=[comment.pk]), {"body": "Mine, edited", "version": version}
    )
    assert response.status_code == 302
    client.force_login(curator)
    assert client.post(reverse("ideas:comment_hide", args=[comment.pk])).status_code == 302
    client.force_login(other_member)
    assert f'id="comment-{comment.pk}"' not in client.get(paper.get_absolute_url()).content.decode()
    assert client.get(comment.get_absolute_url()).status_code == 404


def test_comments_on_references_are_searched_under_the_reference_title(member, make_reference, make_comment):
    paper = make_reference(title="Toy Models of Superposition")
    comment = make_comment(paper, member, body="Polysemantic neurons everywhere")
    hits, _ = search.search("polysemantic", doc_type="comment")
    assert [hit.document.heading for hit in hits] == ["member on “Toy Models of Superposition”"]
    with changes.change(paper, member):
        paper.title = "Toy Models of Superposition (2022)"
        paper.save()
    (hit,), _ = search.search("polysemantic", doc_type="comment")
    assert hit.document.heading == "member on “Toy Models of Superposition (2022)”"
    assert hit.document.url == comment.get_absolute_url()


def test_the_comments_feed_has_reference_comments(client, member, make_reference, make_comment):
    paper = make_reference(title="Scaling Monosemanticity")
    make_comment(paper, member, body="Dictionary learning at scale")
    client.force_login(member)
    feed = client.get(reverse("ideas:feed")).content.decode()
    assert "member on “Scaling Monosemanticity”" in feed and "Dictionary learning at scale" in feed


def test_a_deleted_reference_comes_back_with_its_discussion(curator, member, make_reference, make_comment):
    paper = make_reference(title="Retracted?")
    comment = make_comment(paper, member, body="Kept for later")
    pk = paper.pk
    changes.delete(paper, user=curator)
    assert not Comment.objects.filter(pk=comment.pk).exists()
    deletion = history.revisions_of(Reference, pk).last()
    changes.restore(deletion, user=curator)
    restored = Comment.objects.get(pk=comment.pk)
    assert restored.reference_id == pk and restored.body == "Kept for later" and restored.author == member


def test_a_merge_moves_the_discussion_to_the_reference_kept(curator, member, make_reference, make_comment):
    survivor, duplicate = make_reference(title="Attention"), make_reference(title="Attention (arXiv)")
    comment = make_comment(duplicate, member, body="On the duplicate")
    merge_references(survivor, [duplicate], user=curator)
    comment.refresh_from_db()
    assert comment.reference == survivor
    assert history.revisions_of(Comment, comment.pk).last().note == "Moved by a merge"
