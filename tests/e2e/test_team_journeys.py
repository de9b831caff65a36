"""The team's main journeys, each asserting what the user sees."""

import pytest
from playwright.sync_api import expect

from ideas.models import Comment, Idea
from library.models import LogEntry, Reference

from .test_library_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="You are logged out")).to_be_visible()


def test_read_log_propose_discuss_and_curate(browser, live_server, page, make_user, make_reference):
    make_user("ada")
    make_user("ben")
    make_user("cur", is_staff=True, is_superuser=True)
    original = make_reference(title="Attention Is All You Need", url="https://arxiv.org/abs/1706.03762")
    make_reference(title="Attention is all you need (pdf copy)", url="https://example.org/attention.pdf")

    # Ada finds the paper by search and by filter, then logs that she read it.
    log_in(page, "ada", PASSWORD)
    page.goto("/library/")
    page.get_by_role("textbox", name="Text").fill("attention need")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("2 references", exact=True)).to_be_visible()
    page.get_by_label("Kind").select_option("paper")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Attention Is All You Need", exact=True).click()
    page.get_by_role("link", name="Log that I read this").click()
    page.get_by_label("Notes").fill("- multi-head attention\n    - scaled by $\\sqrt{d_k}$")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".md-preview math")).to_be_visible()
    page.get_by_role("button", name="Write").click()
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_text("Logged “Attention Is All You Need”.")).to_be_visible()
    expect(page.locator(".log-entry .notes ul ul li")).to_contain_text("scaled by")
    expect(page.locator(".log-entry .notes ul ul li math")).to_be_visible()
    assert LogEntry.objects.get().reader.username == "ada"

    # She proposes an idea citing it, picking the reference with search-as-you-type.
    page.get_by_role("link", name="Ideas").click()
    page.get_by_role("link", name="Propose an idea").click()
    page.get_by_label("Title").fill("Attention sinks in small models")
    page.get_by_label("Body").fill("Look for **attention sinks** in a 2-layer model.")
    page.get_by_label("Search the library").fill("attention is all")
    page.get_by_role("button", name="📜 Attention Is All You Need", exact=True).click()
    expect(page.get_by_label("Add references")).to_have_value(f"#{original.pk} Attention Is All You Need")
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attention sinks in small models")
    expect(page.get_by_role("link", name="Attention Is All You Need", exact=True)).to_be_visible()
    idea_url = page.url
    log_out(page)

    # Ben comments and joins.
    log_in(page, "ben", PASSWORD)
    page.goto(idea_url)
    page.get_by_label("Comment").fill("I can run the **2-layer** baseline.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment strong", has_text="2-layer")).to_be_visible()
    page.get_by_role("button", name="I want to work on this").click()
    expect(page.get_by_text("You joined")).to_be_visible()
    expect(page.get_by_role("button", name="Leave this idea")).to_be_visible()
    log_out(page)

    # Ada edits the idea: its status moves to active, and the page says who did it.
    log_in(page, "ada", PASSWORD)
    page.goto(idea_url)
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".status-history")).to_contain_text("Proposed → Active")
    expect(page.locator(".status-history")).to_contain_text("by ada")
    log_out(page)

    # A curator merges the duplicate in the admin and hides Ben's comment.
    log_in(page, "cur", PASSWORD)
    page.goto("/admin/library/reference/")
    select = "Select this object for an action - "
    page.get_by_role("checkbox", name=f"{select}Attention Is All You Need", exact=True).check()
    page.get_by_role("checkbox", name=f"{select}Attention is all you need (pdf copy)", exact=True).check()
    page.locator("select[name=action]").select_option("merge_selected")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Attention Is All You Need", exact=True).check()
    page.get_by_role("button", name="Merge into the chosen reference").click()
    expect(page.get_by_text("Merged 1 reference(s)")).to_be_visible()
    assert list(Reference.objects.values_list("title", flat=True)) == ["Attention Is All You Need"]
    page.goto(idea_url)
    page.locator(".comment").get_by_role("button", name="Hide").click()
    expect(page.get_by_text("hidden by a curator")).to_be_visible()
    assert Comment.objects.get().is_hidden
    log_out(page)

    # Anonymous visitors of the private wiki only ever see the login page.
    page.goto(idea_url)
    expect(page.get_by_role("heading", name="Log in to IDL Wiki")).to_be_visible()
    assert Idea.objects.get().status == "active"
