"""The team loop in a real browser: discuss a paper, mention a member, who is told, follows it,
queues the paper and logs reading it."""

import pytest
from playwright.sync_api import expect

from ideas.models import Comment
from library.models import LogEntry, QueueItem

from .test_library_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="You are logged out")).to_be_visible()


def test_bob_mentions_carol_on_a_paper_and_she_follows_it(page, live_server, make_user, make_reference):
    make_user("bob")
    make_user("carol")
    paper = make_reference(title="Scaling Monosemanticity", url="https://transformer-circuits.pub/2024/sm/")

    # Bob comments on the paper; typing "@ca" offers carol, and Enter picks her.
    log_in(page, "bob", PASSWORD)
    page.goto(paper.get_absolute_url())
    box = page.get_by_label("Comment")
    box.click()
    box.press_sequentially("Feature splitting is what we need, @ca")
    expect(page.get_by_role("option", name="@carol")).to_be_visible()
    box.press("Enter")
    expect(box).to_have_value("Feature splitting is what we need, @carol ")
    box.press_sequentially("can you lead the session?")
    page.get_by_role("button", name="Post comment").click()
    comment = Comment.objects.get(reference=paper)
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("can you lead the session?")
    expect(page.locator(f"#comment-{comment.pk} a", has_text="@carol")).to_have_attribute(
        "href", "/members/carol/"
    )
    log_out(page)

    # Carol sees one unread notification, opens her inbox and follows it to the comment.
    log_in(page, "carol", PASSWORD)
    expect(page.locator("#unread-count")).to_have_text("1 unread")
    page.get_by_role("link", name="Inbox").click()
    page.get_by_role("link", name="bob mentioned you in a comment on “Scaling Monosemanticity”").click()
    expect(page).to_have_url(f"{live_server.url}{paper.get_absolute_url()}?page=1#comment-{comment.pk}")
    expect(page.locator(f"#comment-{comment.pk}")).to_be_visible()
    expect(page.locator("#unread-count")).to_have_count(0)
    # Being mentioned in the discussion watches the paper.
    expect(page.get_by_role("button", name="Unwatch")).to_be_visible()

    # She queues the paper, reads it, and logs it with a note from her queue.
    page.get_by_role("button", name="+ Add to my reading queue").click()
    page.get_by_role("link", name="Queue", exact=True).click()
    expect(page.locator(".queue .title")).to_have_text(["Scaling Monosemanticity"])
    page.get_by_role("link", name="I read “Scaling Monosemanticity”").click()
    page.get_by_label("Notes").fill("Happy to lead: feature splitting, then *steering*.")
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_text("It left your reading queue.")).to_be_visible()
    entry = page.locator(".log-entry", has_text="Scaling Monosemanticity")
    expect(entry).to_contain_text("carol")
    expect(entry.locator(".notes em")).to_have_text("steering")
    assert LogEntry.objects.get(reference=paper).reader.username == "carol"
    assert not QueueItem.objects.exists()
