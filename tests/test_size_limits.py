"""A megabyte in a field is a field error naming the limit; nothing is saved."""

from django.urls import reverse

from ideas.models import Comment, Idea
from library.models import TEXT_LIMIT, LogEntry, Reference

MEGABYTE = "x" * 1_000_000


def test_a_megabyte_title_or_summary_is_a_field_error(member_client):
    response = member_client.post(
        reverse("library:add"), {"kind": "paper", "title": MEGABYTE[:600_000], "summary": MEGABYTE[:200_000]}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "at most 500 characters (it has 600000)" in errors["title"][0]
    assert f"at most {TEXT_LIMIT:,} characters".replace(",", "") in errors["summary"][0].replace(",", "")
    assert not Reference.objects.exists()


def test_long_notes_bodies_and_comments_are_refused(member_client, make_idea):
    too_long = "word " * (TEXT_LIMIT // 5 + 1)
    log = member_client.post(
        reverse("library:log_add"),
        {"title": "A paper", "kind": "paper", "read_on": "2025-01-01", "notes": too_long},
    )
    assert "notes" in log.context["form"].errors and not LogEntry.objects.exists()
    idea = make_idea(title="Short idea")
    comment = member_client.post(reverse("ideas:comment_add", args=[idea.slug]), {"body": too_long})
    assert "body" in comment.context["form"].errors and not Comment.objects.exists()
    new = member_client.post(reverse("ideas:new"), {"title": "Long", "status": "proposed", "body": too_long})
    assert "body" in new.context["form"].errors and Idea.objects.count() == 1


def test_text_at_the_limit_is_kept(member_client):
    notes = "a" * TEXT_LIMIT
    response = member_client.post(
        reverse("library:log_add"),
        {"title": "A paper", "kind": "paper", "read_on": "2025-01-01", "notes": notes},
    )
    assert response.status_code == 302
    assert LogEntry.objects.get().notes == notes
