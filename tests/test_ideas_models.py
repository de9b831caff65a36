import pytest
from django.db import IntegrityError, transaction

from ideas.models import Comment, Idea, IdeaReference, Status
from ideas.services import (
    guess_kind,
    link_references,
    parse_reference_lines,
    record_status,
    toggle_membership,
)
from library.models import Kind, Reference

pytestmark = pytest.mark.django_db


def test_slug_is_made_from_the_title_and_kept_unique(make_idea):
    first = make_idea("Sparse autoencoders on AlexNet")
    second = make_idea("Sparse Autoencoders on AlexNet!")
    assert first.slug == "sparse-autoencoders-on-alexnet"
    assert second.slug == "sparse-autoencoders-on-alexnet-2"
    assert make_idea("New").slug == "new-2"  # /ideas/new/ is a page
    assert first.get_absolute_url() == "/ideas/sparse-autoencoders-on-alexnet/"
    first.title = "Renamed"
    first.save()
    assert first.slug == "sparse-autoencoders-on-alexnet"  # addresses do not move


def test_body_and_comments_are_rendered_and_sanitized(make_idea, member, make_comment):
    idea = make_idea(body="Titans: memory $M_t$ <script>x</script>")
    assert "<math" in idea.body_html and "<script>" not in idea.body_html
    comment = make_comment(idea, member, body="[x](javascript:alert(1)) **ok**")
    assert "javascript:" not in comment.body_html and "<strong>ok</strong>" in comment.body_html


def test_empty_comment_is_refused_by_the_database(make_idea, member):
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(idea=make_idea(), author=member, body="")


def test_visible_hides_hidden_comments(make_idea, member, make_comment):
    idea = make_idea()
    shown = make_comment(idea, member)
    make_comment(idea, member, is_hidden=True)
    assert list(Comment.objects.visible()) == [shown]


def test_counts_and_activity(make_idea, member, other_member, make_comment, make_reference):
    idea = make_idea()
    quiet = make_idea()
    IdeaReference.objects.create(idea=idea, reference=make_reference())
    idea.members.add(member, other_member)
    visible = make_comment(idea, member)
    after_visible = Idea.objects.get(pk=idea.pk).last_activity
    make_comment(idea, member, is_hidden=True)  # a hidden comment is not activity
    rows = {i.pk: i for i in Idea.objects.with_counts()}
    assert (rows[idea.pk].n_references, rows[idea.pk].n_comments, rows[idea.pk].n_members) == (1, 1, 2)
    assert (rows[quiet.pk].n_references, rows[quiet.pk].n_comments, rows[quiet.pk].n_members) == (0, 0, 0)
    assert rows[idea.pk].last_activity == after_visible >= visible.created
    assert abs((rows[quiet.pk].last_activity - rows[quiet.pk].updated).total_seconds()) < 1
    assert [i.pk for i in Idea.objects.order_by("-last_activity")] == [idea.pk, quiet.pk]


def test_open_and_involving(make_idea, member, other_member):
    proposed = make_idea(proposer=member)
    joined = make_idea(status=Status.ACTIVE)
    joined.members.add(member)
    done = make_idea(status=Status.DONE, proposer=other_member)
    assert set(Idea.objects.open()) == {proposed, joined}
    assert set(Idea.objects.involving(member)) == {proposed, joined}
    assert set(Idea.objects.involving(other_member)) == {done}


def test_one_link_per_idea_and_reference(make_idea, make_reference):
    idea, reference = make_idea(), make_reference()
    IdeaReference.objects.create(idea=idea, reference=reference)
    with pytest.raises(IntegrityError), transaction.atomic():
        IdeaReference.objects.create(idea=idea, reference=reference)


def test_parse_reference_lines(make_reference):
    attention = make_reference(title="Attention Is All You Need", url="https://arxiv.org/abs/1706.03762")
    specs, errors = parse_reference_lines(
        f"#{attention.pk} whatever title | background\n"
        "\n"
        "https://arxiv.org/pdf/1706.03762v2\n"
        "attention is all you need | again\n"
        "https://arxiv.org/abs/2501.00663 | Titans paper\n"
        "#999999\n"
        "No Such Paper"
    )
    assert [(s.reference, s.url, s.note) for s in specs[:5]] == [
        (attention, "", "background"),
        (attention, "https://arxiv.org/pdf/1706.03762v2", ""),
        (attention, "", "again"),
        (None, "https://arxiv.org/abs/2501.00663", "Titans paper"),
        (None, "", ""),
    ]
    assert errors == [
        "Line 6: there is no reference #999999 in the library.",
        "Line 7: no reference titled “No Such Paper” in the library; paste its link instead.",
    ]


def test_link_references_creates_unknown_urls_once(make_idea, member, make_reference):
    idea = make_idea()
    known = make_reference(title="Known")
    specs, _ = parse_reference_lines(
        f"#{known.pk} | first\nhttps://github.com/deepseek-ai/DeepSeek-V3 | Github\n#{known.pk} | duplicate line"
    )
    link_references(idea, specs, member)
    link_references(idea, specs, member)  # saving the same box twice adds nothing
    links = list(idea.reference_links.select_related("reference"))
    assert [(link.reference.title, link.note) for link in links] == [
        ("Known", "first; duplicate line"),
        ("github.com/deepseek-ai/DeepSeek-V3", "Github"),
    ]
    created = Reference.objects.get(url="https://github.com/deepseek-ai/DeepSeek-V3")
    # "Github" is what the link said, not the reference's title: that is still to be filled.
    assert created.kind == Kind.CODE and created.added_by == member and created.needs_title


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://arxiv.org/abs/2501.00663", Kind.PAPER),
        ("https://example.org/paper.pdf", Kind.PAPER),
        ("https://github.com/x/y", Kind.CODE),
        ("https://www.youtube.com/watch?v=kCc8FmEb1nY", Kind.VIDEO),
        ("https://distill.pub/2020/circuits/zoom-in/", Kind.POST),
    ],
)
def test_guess_kind(url, kind):
    assert guess_kind(url) == kind


def test_status_history_and_membership(make_idea, member):
    idea = make_idea()
    record_status(idea, "", member)
    idea.status = Status.ACTIVE
    record_status(idea, Status.PROPOSED, member)
    record_status(idea, Status.ACTIVE, member)  # unchanged: nothing recorded
    assert [(c.old_status, c.new_status, c.changed_by) for c in idea.status_changes.all()] == [
        ("", "proposed", member),
        ("proposed", "active", member),
    ]
    assert toggle_membership(idea, member) is True
    assert list(idea.members.all()) == [member]
    assert toggle_membership(idea, member) is False
    assert not idea.members.exists()
