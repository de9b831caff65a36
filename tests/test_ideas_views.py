import pytest
from django.test import Client
from django.urls import reverse

from ideas.models import Comment, Idea, IdeaReference, Status
from library.models import Reference
from wiki.history import version_of

from .html_checks import SITE_ELEMENTS, executable_parts
from .test_query_budget import UNREAD, WATCHING

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(make_user):
    return make_user("author")


@pytest.fixture
def idea_world(member, author, curator, make_idea, make_comment, make_reference):
    reference = make_reference(
        title="Titans: Learning to Memorize at Test Time", url="https://arxiv.org/abs/2501.00663"
    )
    idea = make_idea("Titans memory", body="Try the **memory** module.", proposer=member)
    idea.tags.add("nlp-llms")
    IdeaReference.objects.create(idea=idea, reference=reference, note="Paper")
    comment = make_comment(idea, author, body="I can help with *training*.")
    return {"idea": idea, "comment": comment, "reference": reference}


IDEA_FORM = {
    "title": "Titans memory",
    "status": "active",
    "body": "Edited body",
    "tags": "nlp-llms",
    "slug": "",
}


def test_public_read_shows_ideas_but_not_forms(client, idea_world, settings):
    # Statuses of every URL for every role are the permission table's (test_permissions.py).
    settings.IDL_PUBLIC_READ = True
    detail = client.get(reverse("ideas:detail", args=[idea_world["idea"].slug]))
    assert detail.status_code == 200 and b"Log in</a> to join the discussion" in detail.content
    assert b"Post comment" not in detail.content
    response = client.post(
        reverse("ideas:comment_add", args=[idea_world["idea"].slug]), {"body": "anonymous"}
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Comment.objects.filter(body="anonymous").exists()


def test_member_proposes_an_idea_with_references(client, member, make_reference):
    known = make_reference(title="Scaling Monosemanticity")
    client.force_login(member)
    response = client.post(
        reverse("ideas:new"),
        {
            "title": "SAEs on a small conv net",
            "status": "proposed",
            "body": "Apply **SAEs** to AlexNet.",
            "tags": "interpretability, safety",
            "slug": "",
            "add_references": f"#{known.pk} | background\nhttps://arxiv.org/pdf/2406.03662 | Paper",
        },
    )
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == idea.get_absolute_url()
    assert idea.proposer == member and idea.slug == "saes-on-a-small-conv-net"
    assert [(link.reference.title, link.note) for link in idea.reference_links.all()] == [
        ("Scaling Monosemanticity", "background"),
        ("arXiv:2406.03662", "Paper"),
    ]
    assert [c.new_status for c in idea.status_changes.all()] == ["proposed"]
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "background" in page and known.get_absolute_url() in page


def test_idea_form_errors_keep_the_input(client, member, make_idea):
    make_idea("Taken", slug="taken")
    client.force_login(member)
    response = client.post(
        reverse("ideas:new"),
        {
            "title": "",
            "status": "nonsense",
            "slug": "taken",
            "body": "my draft",
            "add_references": "#424242\nNo such title",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"title", "status", "slug", "add_references"}
    assert "there is no reference #424242" in str(errors["add_references"])
    assert "my draft</textarea>" in response.content.decode()
    reserved = client.post(reverse("ideas:new"), {"title": "x", "status": "proposed", "slug": "new"})
    assert "is a page of the site" in str(reserved.context["form"].errors["slug"])
    assert Idea.objects.count() == 1


def test_any_member_edits_an_idea_and_the_status_change_is_recorded(client, idea_world, other_member):
    idea = idea_world["idea"]
    link = idea.reference_links.get()
    client.force_login(other_member)
    response = client.post(
        reverse("ideas:edit", args=[idea.slug]),
        {
            **IDEA_FORM,
            "slug": idea.slug,
            "version": version_of(idea),
            "reference_links-TOTAL_FORMS": 1,
            "reference_links-INITIAL_FORMS": 1,
            "reference_links-0-id": link.pk,
            "reference_links-0-idea": idea.pk,
            "reference_links-0-note": "The Titans paper",
            "add_references": "https://github.com/lucidrains/titans-pytorch | Github",
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    idea.refresh_from_db()
    assert idea.status == Status.ACTIVE and idea.body == "Edited body"
    change = idea.status_changes.get()
    assert (change.old_status, change.new_status, change.changed_by) == ("proposed", "active", other_member)
    assert [link.note for link in idea.reference_links.all()] == ["The Titans paper", "Github"]
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "Status history" in page and "by other" in page


def test_removing_a_reference_link_keeps_the_reference(client, idea_world, member):
    idea, link = idea_world["idea"], idea_world["idea"].reference_links.get()
    client.force_login(member)
    client.post(
        reverse("ideas:edit", args=[idea.slug]),
        {
            **IDEA_FORM,
            "slug": idea.slug,
            "version": version_of(idea),
            "reference_links-TOTAL_FORMS": 1,
            "reference_links-INITIAL_FORMS": 1,
            "reference_links-0-id": link.pk,
            "reference_links-0-idea": idea.pk,
            "reference_links-0-DELETE": "on",
        },
    )
    assert not idea.reference_links.exists()
    assert Reference.objects.filter(pk=idea_world["reference"].pk).exists()


def test_join_and_leave(client, idea_world, other_member):
    idea = idea_world["idea"]
    client.force_login(other_member)
    url = reverse("ideas:join", args=[idea.slug])
    client.post(url)
    assert list(idea.members.all()) == [other_member]
    assert b"Leave this idea" in client.get(idea.get_absolute_url()).content
    client.post(url)
    assert not idea.members.exists()


def test_comment_post_edit_delete_by_its_author(client, idea_world, author):
    idea = idea_world["idea"]
    client.force_login(author)
    response = client.post(reverse("ideas:comment_add", args=[idea.slug]), {"body": "Second thought, $x^2$"})
    comment = Comment.objects.latest("id")
    assert response["Location"] == comment.get_absolute_url()
    assert "<math" in comment.body_html
    client.post(
        reverse("ideas:comment_edit", args=[comment.pk]),
        {"body": "Edited thought", "version": version_of(comment)},
    )
    comment.refresh_from_db()
    assert comment.body == "Edited thought"
    client.post(reverse("ideas:comment_delete", args=[comment.pk]))
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_empty_comment_is_a_field_error(client, idea_world, member):
    client.force_login(member)
    response = client.post(reverse("ideas:comment_add", args=[idea_world["idea"].slug]), {"body": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["body"] == ["Write something before posting."]
    assert Comment.objects.count() == 1


def test_comment_form_needs_csrf(idea_world, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    page = client.get(idea_world["idea"].get_absolute_url())
    assert b'name="csrfmiddlewaretoken"' in page.content
    response = client.post(reverse("ideas:comment_add", args=[idea_world["idea"].slug]), {"body": "forged"})
    assert response.status_code == 403
    assert not Comment.objects.filter(body="forged").exists()


def test_curator_hides_and_unhides_a_comment_and_deletes_ideas(client, idea_world, curator, member):
    comment, idea = idea_world["comment"], idea_world["idea"]
    client.force_login(curator)
    client.post(reverse("ideas:comment_hide", args=[comment.pk]))
    comment.refresh_from_db()
    assert comment.is_hidden
    assert "hidden by a curator" in client.get(idea.get_absolute_url()).content.decode()
    client.force_login(member)
    assert "I can help with" not in client.get(idea.get_absolute_url()).content.decode()
    client.force_login(curator)
    client.post(reverse("ideas:comment_hide", args=[comment.pk]))
    comment.refresh_from_db()
    assert not comment.is_hidden
    client.post(reverse("ideas:delete", args=[idea.slug]))
    assert not Idea.objects.exists() and not Comment.objects.exists()


def test_comment_markdown_is_sanitized_on_the_page(client, idea_world, member, make_comment):
    make_comment(
        idea_world["idea"],
        member,
        body='<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="alert(3)">',
    )
    client.force_login(member)
    content = client.get(idea_world["idea"].get_absolute_url()).content.decode()
    assert executable_parts(content, allowed_tags=SITE_ELEMENTS, site_scripts=True) == []
    assert "<script>alert(1)" not in content and 'href="javascript:' not in content


def test_idea_list_filters_and_sorts(client, member, other_member, make_idea, make_comment):
    quiet = make_idea("Quiet FP8 idea", status=Status.PAUSED)
    busy = make_idea("Busy MoE idea", status=Status.ACTIVE, proposer=other_member)
    busy.tags.add("deepseek")
    joined = make_idea("Joined SAE idea")
    joined.members.add(member)
    for _ in range(3):
        make_comment(busy, member)
    client.force_login(member)

    def titles(**params):
        return [i.title for i in client.get(reverse("ideas:list"), params).context["page"].object_list]

    assert titles(status="paused") == [quiet.title]
    assert titles(tag="deepseek") == [busy.title]
    assert titles(q="moe busy") == [busy.title]
    assert titles(mine="on") == [joined.title]
    assert titles(sort="-comments")[0] == busy.title
    assert titles()[0] == busy.title  # recent activity: its comments are the newest thing
    row = client.get(reverse("ideas:list")).content.decode()
    assert "3 comments" in row and "1 member" in row


def test_lookup_searches_titles_for_the_picker(client, member, make_reference):
    make_reference(title="Attention Is All You Need")
    make_reference(title="Textbooks Are All You Need")
    client.force_login(member)
    data = client.get(reverse("library:lookup"), {"q": "all need attention"}).json()
    assert [r["title"] for r in data["results"]] == ["Attention Is All You Need"]
    assert client.get(reverse("library:lookup"), {"q": "a"}).json() == {"results": []}


def test_reference_page_lists_citing_ideas_and_dashboard_shows_ideas(client, idea_world, member):
    client.force_login(member)
    idea = idea_world["idea"]
    idea.status = Status.ACTIVE
    idea.save()
    page = client.get(idea_world["reference"].get_absolute_url()).content.decode()
    assert idea.get_absolute_url() in page and "Ideas citing it" in page
    home = client.get(reverse("home")).content.decode()
    assert "Titans memory" in home and "I can help with" in home
    tag = client.get(reverse("tag", args=["nlp-llms"])).content.decode()
    assert idea.get_absolute_url() in tag


@pytest.mark.parametrize("size", [2, 30])
def test_idea_pages_have_fixed_query_budgets(
    client, member, make_user, make_idea, make_comment, make_reference, size, django_assert_max_num_queries
):
    people = [make_user() for _ in range(size)]
    idea = make_idea("Big idea", proposer=member)
    idea.tags.add("a", "b")
    for n in range(size):
        IdeaReference.objects.create(idea=idea, reference=make_reference(), note=f"note {n}")
        make_comment(idea, people[n], body=f"comment {n} with $x_{n}$")
        idea.members.add(people[n])
        idea.status_changes.create(new_status=Status.ACTIVE, changed_by=people[n])
        make_idea(f"Other {n}").tags.add("c")
    client.force_login(member)
    with django_assert_max_num_queries(10 + WATCHING + UNREAD):
        assert client.get(idea.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(reverse("ideas:list")).status_code == 200


def test_a_long_discussion_comes_in_pages_newest_first_with_permalinks(
    member_client, member, curator, make_idea, make_comment, django_assert_max_num_queries
):
    from ideas.views import COMMENTS_PER_PAGE

    idea = make_idea(title="Busy idea")
    comments = [make_comment(idea, member, body=f"Comment number {n}") for n in range(COMMENTS_PER_PAGE + 5)]
    hidden = comments[2]
    hidden.is_hidden = True
    hidden.save()

    with django_assert_max_num_queries(12):
        page = member_client.get(idea.get_absolute_url())
    shown = [c.body for c in page.context["comments"]]
    assert shown[0] == f"Comment number {COMMENTS_PER_PAGE + 1}" and len(shown) == 4
    assert f"{COMMENTS_PER_PAGE + 4} comments · page 2 of 2" in page.content.decode()

    first = member_client.get(comments[3].get_absolute_url())
    assert first["Location"] == f"{idea.get_absolute_url()}?page=1#comment-{comments[3].pk}"
    last = member_client.get(comments[-1].get_absolute_url())
    assert last["Location"] == f"{idea.get_absolute_url()}?page=2#comment-{comments[-1].pk}"
    assert member_client.get(hidden.get_absolute_url()).status_code == 404
    member_client.force_login(curator)
    assert member_client.get(hidden.get_absolute_url()).status_code == 302


def test_a_form_opened_before_a_comment_was_hidden_cannot_show_it_again(client, idea_world, curator):
    comment = idea_world["comment"]
    client.force_login(curator)
    url = reverse("ideas:comment_edit", args=[comment.pk])
    opened = {"body": "Tidied up by a curator", "version": version_of(comment)}
    assert client.post(reverse("ideas:comment_hide", args=[comment.pk])).status_code == 302
    response = client.post(url, opened)
    assert response.status_code == 409
    comment.refresh_from_db()
    assert comment.is_hidden and comment.body == "I can help with *training*."


def test_a_hidden_comment_is_the_curators_until_shown_again(client, idea_world, author, curator):
    comment = idea_world["comment"]
    client.force_login(curator)
    client.post(reverse("ideas:comment_hide", args=[comment.pk]))
    comment.refresh_from_db()
    client.force_login(author)
    edit = {"body": "Nothing to see", "version": version_of(comment)}
    assert client.post(reverse("ideas:comment_edit", args=[comment.pk]), edit).status_code == 404
    assert client.post(reverse("ideas:comment_delete", args=[comment.pk])).status_code == 404
    comment.refresh_from_db()
    assert comment.is_hidden and comment.body == "I can help with *training*."
